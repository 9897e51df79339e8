import busboy from 'busboy';
import { Router, type Request } from 'express';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { importFile } from '../../geodata/import/index.ts';
import { isLayerKind } from '../../geodata/model/layers.ts';
import { importCensusForm } from '../../geodata/review/census-form.ts';
import { refreshAfterImport, refreshForCaller } from '../../geodata/network/index.ts';
import type { AppContext } from '../app.ts';
import { dbFor, principal, requireRole } from '../auth.ts';
import { HttpError, invalidInput, parseInput } from '../http-errors.ts';
import { findBadText, refuseBadText } from '../input-guard.ts';

const Options = z.object({
  format: z.enum(['csv', 'xlsx', 'geojson', 'shapefile']).optional(),
  /** An .xlsx workbook's worksheet: its name, or its position counted from 1. */
  sheet: z.string().min(1).max(100).optional(),
  encoding: z.string().regex(/^[a-z0-9-]{2,20}$/i, 'an encoding name such as utf8 or gbk').optional(),
  mapping: z.record(z.string(), z.string()).optional(),
  defaults: z.record(z.string(), z.string()).optional(),
  /** 'false': reject invalid polygons instead of repairing them (ST_MakeValid, the default). */
  repairGeometry: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  /** For files without identifiers: fill a column with prefix + the row number. */
  rowNumberAs: z.object({ column: z.string().min(1), prefix: z.string().optional() }).strict().optional(),
  /** The coordinate system as an EPSG code, for a file without (or with a wrong) .prj / crs member. */
  srid: z.string().regex(/^(EPSG:)?[0-9]{4,6}$/i, 'an EPSG code such as 4547').optional(),
  /** Xian 80 / Beijing 54: the 7-parameter transformation dx,dy,dz,rx,ry,rz,ds to WGS-84. */
  towgs84: z.string().max(200).optional(),
  /** Readings under another code scheme: join each to the stored station within this many metres of its lon/lat. */
  matchStationsWithinM: z.coerce.number().positive().max(50_000).optional(),
});

const SAFE_NAME = /^[^/\\\0]{1,200}$/;

/**
 * POST /api/import/{kind}: multipart/form-data with one file (CSV, GeoJSON, a zipped shapefile) or the
 * parts of a shapefile set, plus optional fields format, encoding, mapping (JSON), defaults (JSON).
 * The upload streams to a temporary folder; the import itself runs in one transaction.
 */
export function importRouter(ctx: AppContext): Router {
  const router = Router();
  // Imports write as the admin's scope: row-level security refuses rows outside its region.
  // The network refresh after it is system work on every row, so it runs on the owner pool.
  router.use('/import', requireRole('admin'));
  // A census-form CSV (sources as census software exports them; DMS or decimal coordinates in a
  // declared CRS; credit codes checked). Fields: crs, keepValidRows ('true': store the valid rows
  // and return the rejected ones as CSV in the report's rejectedCsv).
  router.post('/import/census_form', async (req, res) => {
    await withUpload(req, ctx.config.maxUploadBytes, async ({ files, fields }) => {
      if (files.length !== 1) throw new HttpError(400, 'send exactly one CSV file as multipart field "file"');
      const options = parseInput(CensusFormFields, fields, 'field');
      const report = await importCensusForm(dbFor(req, ctx.db.pool), {
        file: files[0]!,
        crs: options.crs,
        keepValidRows: options.keepValidRows === 'true',
        actor: principal(req).name,
      });
      const network = await refreshForCaller(report.rowsStored > 0 ? await refreshAfterImport(ctx.db.pool, 'source') : null, dbFor(req, ctx.db.pool), principal(req).scope === '*');
      const status = report.errors.length > 0 && report.rowsStored === 0 ? 422 : 200;
      res.status(status).json(network ? { ...report, network } : report);
    });
  });

  router.post('/import/:kind', async (req, res) => {
    const kind = req.params.kind;
    if (!isLayerKind(kind)) throw new HttpError(404, `unknown import kind "${kind}"`);
    await withUpload(req, ctx.config.maxUploadBytes, async (upload) => {
      const options = parseOptions(upload.fields);
      const report = await importFile(dbFor(req, ctx.db.pool), {
        kind,
        files: upload.files,
        ...options,
        actor: principal(req).name,
        fileName: upload.files.map((f) => basename(f)).join(', '),
      });
      // River lines, outfalls, sections and sources move the network index: refresh it now.
      const network = await refreshForCaller(report.rowsStored > 0 ? await refreshAfterImport(ctx.db.pool, kind) : null, dbFor(req, ctx.db.pool), principal(req).scope === '*');
      res.status(report.rejected > 0 ? 422 : 200).json(network ? { ...report, network } : report);
    });
  });
  return router;
}

const CensusFormFields = z
  .object({
    crs: z.enum(['wgs84', 'cgcs2000', 'gcj02', 'bd09']).default('wgs84'),
    keepValidRows: z.enum(['true', 'false']).optional(),
  })
  .strict();

/** Streams the upload into a temporary folder, runs `use`, and removes the folder. */
export async function withUpload(req: Request, maxBytes: number, use: (upload: Upload) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'yzt-upload-'));
  try {
    const upload = await receiveUpload(req, dir, maxBytes);
    if (upload.files.length === 0) throw new HttpError(400, 'no file in the upload (send it as multipart field "file")');
    await use(upload);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseOptions(fields: Record<string, string>) {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'mapping' || key === 'defaults' || key === 'rowNumberAs') {
      try {
        raw[key] = JSON.parse(value);
      } catch {
        throw invalidInput([{ field: `field.${key}`, reason: 'must be a JSON object' }]);
      }
      // JSON escapes can spell what the raw field could not carry ("\u0000", "\ud800").
      refuseBadText(raw[key], `field.${key}`);
    } else {
      raw[key] = value;
    }
  }
  return parseInput(Options.strict(), raw, 'field');
}

interface Upload {
  files: string[];
  fields: Record<string, string>;
}

function receiveUpload(req: Request, dir: string, maxBytes: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: 8, fields: 16 } });
    } catch {
      reject(new HttpError(400, 'expected a multipart/form-data upload'));
      return;
    }
    const files: string[] = [];
    const fields: Record<string, string> = {};
    const writes: Promise<void>[] = [];
    let failure: Error | undefined;
    bb.on('file', (_field, stream, info) => {
      const name = basename(info.filename || 'upload');
      const bad = findBadText(name, 'file name');
      if (bad) {
        failure ??= invalidInput([bad]);
        stream.resume();
        return;
      }
      if (!SAFE_NAME.test(name) || files.some((f) => basename(f) === name)) {
        failure ??= new HttpError(400, `unusable or repeated file name "${name}"`);
        stream.resume();
        return;
      }
      const path = join(dir, name);
      files.push(path);
      stream.on('limit', () => {
        failure ??= new HttpError(413, `file "${name}" is larger than the upload limit of ${maxBytes} bytes`);
      });
      writes.push(pipeline(stream, createWriteStream(path)));
    });
    bb.on('field', (name, value) => {
      // The edge guard of server/input-guard.ts, for the fields JSON and query parsing never see.
      const bad = findBadText({ [name]: value }, 'field');
      if (bad) failure ??= invalidInput([bad]);
      else fields[name] = value;
    });
    bb.on('error', (err) => reject(new HttpError(400, `malformed upload: ${(err as Error).message}`)));
    bb.on('close', () => {
      Promise.all(writes).then(
        () => (failure ? reject(failure) : resolve({ files, fields })),
        reject,
      );
    });
    req.pipe(bb);
  });
}
