import { isLayerKind } from '../model/layers.ts';
import { ON_EXISTING, type ImportFormat, type ImportOptions, type OnExisting } from './types.ts';

export interface ImportCommand {
  readonly options: ImportOptions;
  /** Database schema to import into; absent: the tools' default. */
  readonly schema?: string | undefined;
}

export const IMPORT_USAGE = `usage: npm run import -- <kind> <file...> [options]
  kinds: division census_zone basin river_reach outfall source section section_reading air_station air_reading
  --format csv|xlsx|geojson|shapefile  instead of guessing from the file extension
  --sheet name|n                   the worksheet of an .xlsx (name, or position from 1; default the first)
  --encoding utf8|gbk|gb18030      text encoding of a CSV, GeoJSON or .dbf
  --map 字段=column ...            input field → column (or lon / lat)
  --set column=value ...           constant for a column the file lacks or leaves empty
  --row-number column[=prefix]     fill a column with prefix + line/feature/record number
  --strict-geometry                reject invalid polygons instead of repairing them (the default)
  --srid 4547                      the coordinate system (EPSG code) when the file has no .prj / crs
  --towgs84 dx,dy,dz,rx,ry,rz,ds   7-parameter transformation for a Xian 80 / Beijing 54 file
  --match-stations-within 500      readings: join each to the stored station within 500 m of its lon/lat
  --on-existing refuse|skip|replace  a row whose key is stored: an error (default), left, or written over
  --keep-valid-rows                store the valid rows of a file with errors (default: nothing)
  --actor name                     recorded in import_batch (default: $USER)
  --batch-size n                   rows per INSERT
  --schema name                    database schema (default: $YZT_DB_SCHEMA or yzt)`;

/** Parses the import command line; throws an Error with a message for people on bad input. */
export function parseImportArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ImportCommand {
  const positional: string[] = [];
  const mapping: Record<string, string> = {};
  const defaults: Record<string, string> = {};
  let format: ImportFormat | undefined, encoding: string | undefined, schema: string | undefined;
  let sheet: string | undefined;
  let srid: string | undefined, towgs84: string | undefined, matchStationsWithinM: number | undefined;
  let onExisting: OnExisting | undefined, keepValidRows = false;
  let rowNumberAs: ImportOptions['rowNumberAs'], repairGeometry: boolean | undefined, actor: string | undefined, batchSize: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value`);
      return v;
    };
    // --map and --set take one or more key=value words, or can be repeated.
    const pairs = (into: Record<string, string>): void => {
      let taken = 0;
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--') && argv[i + 1]!.includes('=')) {
        const [k, v] = splitPair(argv[++i]!, arg);
        into[k] = v;
        taken++;
      }
      if (taken === 0) throw new Error(`${arg} needs field=value pairs`);
    };
    switch (arg) {
      case '--format': {
        const f = value();
        if (f !== 'csv' && f !== 'xlsx' && f !== 'geojson' && f !== 'shapefile') throw new Error(`--format must be csv, xlsx, geojson or shapefile, not ${f}`);
        format = f;
        break;
      }
      case '--encoding': encoding = value(); break;
      case '--sheet': sheet = value(); break;
      case '--schema': schema = value(); break;
      case '--actor': actor = value(); break;
      case '--map': pairs(mapping); break;
      case '--set': pairs(defaults); break;
      case '--repair': repairGeometry = true; break; // the default now; kept for old scripts
      case '--strict-geometry': repairGeometry = false; break;
      case '--srid': srid = value(); break;
      case '--towgs84': towgs84 = value(); break;
      case '--match-stations-within': matchStationsWithinM = Number(value()); break;
      case '--row-number': {
        const v = value();
        const eq = v.indexOf('=');
        rowNumberAs = eq === -1 ? { column: v } : { column: v.slice(0, eq), prefix: v.slice(eq + 1) };
        break;
      }
      case '--on-existing': {
        const v = value();
        if (!(ON_EXISTING as readonly string[]).includes(v)) throw new Error(`--on-existing must be ${ON_EXISTING.join(', ')}, not ${v}`);
        onExisting = v as OnExisting;
        break;
      }
      case '--keep-valid-rows': keepValidRows = true; break;
      case '--batch-size': {
        batchSize = Number(value());
        if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch-size must be a positive whole number');
        break;
      }
      default:
        if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
        positional.push(arg);
    }
  }
  const [kind, ...files] = positional;
  if (!kind || files.length === 0) throw new Error('give a kind and at least one file');
  if (!isLayerKind(kind)) throw new Error(`unknown kind "${kind}"`);
  return {
    schema,
    options: {
      kind, files, format, encoding, mapping, defaults, rowNumberAs, repairGeometry, batchSize,
      ...(sheet !== undefined && { sheet }),
      ...(srid !== undefined && { srid }),
      ...(towgs84 !== undefined && { towgs84 }),
      ...(matchStationsWithinM !== undefined && { matchStationsWithinM }),
      ...(onExisting !== undefined && { onExisting }),
      ...(keepValidRows && { keepValidRows }),
      actor: actor ?? `cli:${env.USER ?? env.USERNAME ?? 'unknown'}`,
    },
  };
}

function splitPair(word: string, option: string): [string, string] {
  const eq = word.indexOf('=');
  if (eq <= 0) throw new Error(`${option} ${word}: expected name=value`);
  return [word.slice(0, eq), word.slice(eq + 1)];
}
