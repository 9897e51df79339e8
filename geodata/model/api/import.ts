import { z } from 'zod';
import { route } from './contract.ts';

/**
 * POST /api/import/{kind} and /api/import/census_form (server/routes/import.ts): multipart
 * uploads whose text fields are read with these schemas; the answer is the import report, 200
 * when stored and 422 when rows were refused (the same shape, with the errors).
 */

// ---------- requests ----------

/** What an import does with a row whose key is already stored (geodata/import/run-import.ts). */
export const ON_EXISTING = ['refuse', 'skip', 'replace'] as const;
export type OnExisting = (typeof ON_EXISTING)[number];
/** Canonical text encodings the importers read (other spellings are normalised to these). */
export const TEXT_ENCODINGS = ['utf8', 'gbk', 'gb18030'] as const;

/** The text fields of an upload besides the file(s); mapping, defaults and rowNumberAs arrive as JSON text. */
export const ImportOptions = z.object({
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
  /** A row whose key is stored: 'refuse' (default) it, 'skip' it, or 'replace' the stored row. */
  onExisting: z.enum(ON_EXISTING).optional(),
  /** 'true': store the valid rows of a file with errors (default: nothing of it). */
  keepValidRows: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
}).strict();

/** A census-form CSV: the CRS its coordinates are in; keepValidRows 'true' stores the valid rows. */
export const CensusFormFields = z.object({
  crs: z.enum(['wgs84', 'cgcs2000', 'gcj02', 'bd09']).default('wgs84'),
  keepValidRows: z.enum(['true', 'false']).optional(),
}).strict();

// ---------- answers ----------

export const RowError = z.object({ line: z.number(), at: z.string(), field: z.string(), reason: z.string(), message: z.string() });
/** An emission header read in its unit and converted to t/a. */
export const UnitConversion = z.object({ field: z.string(), column: z.string(), unit: z.string(), factor: z.number() });
/** Credit codes stored although GB 32100-2015 fails them; the review lists each as credit_code_invalid. */
export const CreditCodesToReview = z.object({
  count: z.number(),
  first: z.array(z.object({ line: z.number(), at: z.string(), creditCode: z.string(), expected: z.string().nullable(), reason: z.string(), message: z.string() })),
});
/** The network index after an import that moved it (geodata/network refreshAfterImport), for admins. */
const NetworkRefresh = z.looseObject({});
export const ImportReport = z.looseObject({
  kind: z.string(),
  format: z.string(),
  fileName: z.string(),
  encoding: z.string().nullable(),
  rowsRead: z.number(),
  rowsStored: z.number(),
  rowsReplaced: z.number(),
  rowsSkipped: z.number(),
  idsAssigned: z.object({ column: z.string(), count: z.number(), from: z.number(), to: z.number() }).optional(),
  coordinatesToReview: z.number(),
  creditCodesToReview: CreditCodesToReview.optional(),
  rejected: z.number(),
  errors: z.array(RowError),
  errorCount: z.number(),
  batchId: z.number().nullable(),
  ignoredFields: z.array(z.string()),
  /** Emission columns read in their header's unit (千克, kg, 万吨…) and converted to t/a. */
  unitsConverted: z.array(UnitConversion).optional(),
  crs: z.object({ label: z.string(), epsg: z.number().nullable(), transformed: z.boolean(), assumed: z.boolean() }),
  repaired: z.array(z.object({ line: z.number(), at: z.string(), key: z.string(), reason: z.string() })),
  elapsedMs: z.number(),
  network: NetworkRefresh.optional(),
});
export const CensusFormReport = z.object({
  rowsStored: z.number(),
  rowsRead: z.number(),
  errors: z.array(RowError),
  rejectedCsv: z.string().nullable(),
  batchId: z.number().nullable(),
  creditCodesToReview: CreditCodesToReview,
  unitsConverted: z.array(UnitConversion),
  network: NetworkRefresh.optional(),
});

/** The head of an uploaded file and what the import page proposes for it (geodata/import/inspect.ts). */
export const InspectFields = z.object({
  format: z.enum(['csv', 'xlsx', 'geojson', 'shapefile']).optional(),
  sheet: z.string().min(1).max(100).optional(),
  encoding: z.string().regex(/^[a-z0-9-]{2,20}$/i, 'an encoding name such as utf8 or gbk').optional(),
}).strict();
export const Inspection = z.object({
  fileName: z.string(),
  format: z.string(),
  encoding: z.string().nullable(),
  sheet: z.string().nullable(),
  /** An .xlsx workbook's worksheets, in tab order; empty for other formats. */
  sheets: z.array(z.string()),
  fields: z.array(z.string()),
  sample: z.array(z.record(z.string(), z.string())),
  crs: z.object({ label: z.string(), epsg: z.number().nullable(), assumed: z.boolean(), problem: z.string().nullable() }).nullable(),
  proposals: z.array(z.object({ kind: z.string(), mapping: z.record(z.string(), z.string()), missing: z.array(z.string()), targets: z.array(z.string()) })),
});

/** An import job's fields: the import's own options and the layer it goes into. */
export const JobFields = ImportOptions.extend({ kind: z.string().regex(/^[a-z_]{2,40}$/, 'a layer kind such as source or census_zone') });
export const JobStarted = z.object({ id: z.string(), status: z.literal('running') });
/** A job as it runs and ends: counts so far, then the report (done) or the refusal (failed). */
export const ImportJob = z.object({
  id: z.string(),
  kind: z.string(),
  fileName: z.string(),
  actor: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  rowsRead: z.number(),
  /** Rows checked and staged; the layer gets them once the file is read (rowsMoved). */
  rowsStored: z.number(),
  /** Rows moved from the import's stage into the layer; present once the move has begun. */
  rowsMoved: z.number().optional(),
  rowsPerSecond: z.number(),
  elapsedMs: z.number(),
  report: ImportReport.nullable(),
  error: z.string().nullable(),
});

export const IMPORT_ROUTES = {
  inspect: route({ method: 'POST', path: '/api/import/inspect', body: InspectFields, response: Inspection, note: 'multipart: the file(s) and these fields' }),
  startJob: route({ method: 'POST', path: '/api/import/jobs', body: JobFields, response: JobStarted, note: '202; multipart: the file(s), kind and the import options' }),
  job: route({ method: 'GET', path: '/api/import/jobs/:id', response: ImportJob }),
  censusForm: route({ method: 'POST', path: '/api/import/census_form', body: CensusFormFields, response: CensusFormReport }),
  file: route({ method: 'POST', path: '/api/import/:kind', body: ImportOptions, response: ImportReport }),
};
