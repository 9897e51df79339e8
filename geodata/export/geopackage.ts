import initSqlJs, { type SqlJsStatic, type SqlValue } from 'sql.js';
import type { Writable } from 'node:stream';
import { cellOf, chunks, pointOf, stripControl, type ColumnType, type ExportTable } from './export-table.ts';

const SQLITE_TYPE: Record<ColumnType, string> = { text: 'TEXT', integer: 'INTEGER', number: 'REAL' };
const CHUNK_ROWS = 10_000;
const WGS84_WKT = 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],'
  + 'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]';

// SQLite compiled to WebAssembly (sql.js): nothing to build at install. A native binding
// (better-sqlite3) compiles with node-gyp, which a fresh `npm install` does not run here (npm
// 11 holds install scripts back) and a machine without a compiler cannot. Loaded once, on the
// first GeoPackage asked for.
let sqlite: Promise<SqlJsStatic> | null = null;

/**
 * A GeoPackage 1.2 (OGC 12-128r15) of one point layer in EPSG:4326, written by SQLite (sql.js)
 * a chunk of 10,000 rows per transaction. The database lives in memory until it is sent (sql.js
 * has no file system): about 150 bytes a source, 90 MB for 600,000.
 */
export async function writeGeoPackage(out: Writable, table: ExportTable): Promise<void> {
  const SQL = await (sqlite ??= initSqlJs());
  const db = new SQL.Database();
  let bytes: Uint8Array;
  try {
    db.exec('PRAGMA application_id = 1196444487; PRAGMA user_version = 10200;'); // 'GPKG', 1.2
    db.exec(SCHEMA);
    const cols = table.columns.map((c) => `"${c.key}" ${SQLITE_TYPE[c.type]}`).join(', ');
    db.exec(`CREATE TABLE "${table.layer}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT${cols ? `, ${cols}` : ''})`);
    db.run(`INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?, 'features', ?, '', 4326)`, [table.layer, stripControl(table.name)]);
    db.run(`INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POINT', 4326, 0, 0)`, [table.layer]);
    const insert = db.prepare(`INSERT INTO "${table.layer}" (geom${table.columns.map((c) => `, "${c.key}"`).join('')})
      VALUES (?${', ?'.repeat(table.columns.length)})`);
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    try {
      for await (const batch of chunks(table.rows, CHUNK_ROWS)) {
        db.exec('BEGIN');
        for (const row of batch) {
          const xy = pointOf(table, row);
          if (xy) {
            box[0] = Math.min(box[0]!, xy[0]); box[1] = Math.min(box[1]!, xy[1]);
            box[2] = Math.max(box[2]!, xy[0]); box[3] = Math.max(box[3]!, xy[1]);
          }
          insert.run([xy ? pointBlob(xy) : null, ...table.columns.map((c): SqlValue => {
            const v = cellOf(c, row[c.key]);
            return typeof v === 'string' ? stripControl(v) : (v as SqlValue);
          })]);
        }
        db.exec('COMMIT');
      }
    } finally {
      insert.free();
    }
    if (box[0] !== Infinity) {
      db.run('UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?', [...box, table.layer] as SqlValue[]);
    }
    bytes = db.export();
  } finally {
    db.close();
  }
  await new Promise<void>((resolve, reject) => out.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (err?: Error | null) => (err ? reject(err) : resolve())));
}

/** A GeoPackage geometry blob: 'GP', version 0, flags (little endian, no envelope), srs_id, then WKB. */
function pointBlob([x, y]: [number, number]): Uint8Array {
  const b = Buffer.alloc(8 + 21);
  b.write('GP', 0, 'ascii');
  b.writeUInt8(0, 2);
  b.writeUInt8(0b0000_0001, 3);
  b.writeInt32LE(4326, 4);
  b.writeUInt8(1, 8); // WKB little endian
  b.writeUInt32LE(1, 9); // Point
  b.writeDoubleLE(x, 13);
  b.writeDoubleLE(y, 21);
  return b;
}

// The mandatory tables of GeoPackage 1.2 (spec annex C), and the three required SRS rows.
const SCHEMA = `
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, '${WGS84_WKT}', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
`;
