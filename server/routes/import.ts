import busboy from 'busboy';
import { Router, type Request } from 'express';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { API } from '../../geodata/model/api/index.ts';
import { CensusFormFields, ImportOptions, InspectFields } from '../../geodata/model/api/import.ts';
import { sendJson } from '../send-json.ts';
import { inspectFile } from '../../geodata/import/index.ts';
import { ImportJobs } from '../import-jobs.ts';
import { isLayerKind } from '../../geodata/model/layers.ts';
import { importCensusFormThenRefresh, importThenRefresh, type ImportCaller } from '../../geodata/network/index.ts';
import type { AppContext } from '../app.ts';
import { dbFor, principal, requireRole } from '../auth.ts';
import { HttpError, invalidInput, parseInput } from '../http-errors.ts';
import { findBadText, refuseBadText } from '../input-guard.ts';

const SAFE_NAME = /^[^/\\\0]{1,200}$/;

/**
 * POST /api/import/{kind}: multipart/form-data with one file (CSV, GeoJSON, a zipped shapefile) or the
 * parts of a shapefile set, plus optional fields format, encoding, mapping (JSON), defaults (JSON).
 * The upload streams to a temporary folder; the import is all or nothing (geodata/import/run-import.ts).
 */
export function importRouter(ctx: AppContext): Router {
  const router = Router();
  const jobs = new ImportJobs();
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
      const report = await importCensusFormThenRefresh(importCaller(req, ctx), {
        file: files[0]!,
        crs: options.crs,
        keepValidRows: options.keepValidRows === 'true',
        actor: principal(req).name,
      });
      const status = report.errors.length > 0 && report.rowsStored === 0 ? 422 : 200;
      sendJson(res.status(status), API.import.censusForm, report);
    });
  });

  // The import page reads a file's head first: the kind, mapping, encoding and CRS it proposes.
  router.post('/import/inspect', async (req, res) => {
    await withUpload(req, ctx.config.maxUploadBytes, async ({ files, fields }) => {
      const options = parseInput(InspectFields, fields, 'field');
      sendJson(res, API.import.inspect, await inspectFile(files, options));
    });
  });

  // The same import as POST /import/{kind}, run as a job: 202 with its id at once, then
  // GET /import/jobs/{id} for rows read and stored, rows per second, and the report.
  router.post('/import/jobs', async (req, res) => {
    const { upload, dir } = await receiveToTemp(req, ctx.config.maxUploadBytes);
    let started = false;
    try {
      const { kind: kindField, ...rest } = upload.fields;
      if (!kindField || !isLayerKind(kindField)) throw invalidInput([{ field: 'field.kind', reason: `must be a layer kind (got ${kindField ? `"${kindField}"` : 'none'})` }]);
      const kind = kindField;
      const options = parseOptions(rest);
      const actor = principal(req).name;
      const caller = importCaller(req, ctx);
      const fileName = upload.files.map((f) => basename(f)).join(', ');
      const job = jobs.start({ kind, fileName, actor }, async (onProgress) => {
        try {
          return await importThenRefresh(caller, { kind, files: upload.files, ...options, actor, fileName, onProgress });
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
      started = true;
      sendJson(res.status(202).location(`/api/import/jobs/${job.id}`), API.import.startJob, { id: job.id, status: 'running' });
    } finally {
      if (!started) await rm(dir, { recursive: true, force: true });
    }
  });

  router.get('/import/jobs/:id', (req, res) => {
    const job = jobs.get(String(req.params.id));
    // A job is its admin's: another district's admin does not read its report (rows, errors).
    const caller = principal(req);
    if (!job || (job.actor !== caller.name && caller.scope !== '*')) throw new HttpError(404, `no import job ${req.params.id} (jobs are kept an hour after they end)`);
    res.set('Cache-Control', 'no-store');
    sendJson(res, API.import.job, job);
  });

  router.post('/import/:kind', async (req, res) => {
    const kind = req.params.kind;
    if (!isLayerKind(kind)) throw new HttpError(404, `unknown import kind "${kind}"`);
    await withUpload(req, ctx.config.maxUploadBytes, async (upload) => {
      const options = parseOptions(upload.fields);
      // River lines, outfalls, sections and sources move the network index: it is refreshed too.
      const report = await importThenRefresh(importCaller(req, ctx), {
        kind,
        files: upload.files,
        ...options,
        actor: principal(req).name,
        fileName: upload.files.map((f) => basename(f)).join(', '),
      });
      sendJson(res.status(report.rejected > 0 ? 422 : 200), API.import.file, report);
    });
  });
  return router;
}

/** The request's admin as an importer: rows written in its scope, the network refreshed as the owner. */
function importCaller(req: Request, ctx: AppContext): ImportCaller {
  return { scoped: dbFor(req, ctx.db.pool), owner: ctx.db.pool, national: principal(req).scope === '*' };
}

/** Streams the upload into a temporary folder, runs `use`, and removes the folder. */
export async function withUpload(req: Request, maxBytes: number, use: (upload: Upload) => Promise<void>): Promise<void> {
  const { upload, dir } = await receiveToTemp(req, maxBytes);
  try {
    await use(upload);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Streams the upload into a new temporary folder, which the caller removes (a job: when it
 * ends); an upload without a file is refused here, its folder gone.
 */
async function receiveToTemp(req: Request, maxBytes: number): Promise<{ upload: Upload; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'yzt-upload-'));
  try {
    const upload = await receiveUpload(req, dir, maxBytes);
    if (upload.files.length === 0) throw new HttpError(400, 'no file in the upload (send it as multipart field "file")');
    return { upload, dir };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
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
  return parseInput(ImportOptions, raw, 'field');
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
