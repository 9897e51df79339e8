import { z } from 'zod';
import { TIANDITU_URL_TEMPLATE } from '../model/basemap.ts';

/**
 * Every environment variable the product reads, validated in one place: the server (start-up),
 * the tile service and the command-line tools all parse their part of one schema. The README's
 * table ("Configuration") lists exactly these variables (config.test.ts checks it). Benchmarks
 * and tests have their own knobs (YZT_BENCH_*, YZT_REAL_GEODATA, ...), documented where used.
 */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  schema: string;
  demo: { enabled: boolean; sources: number; seed: number };
  logLevel: string;
  maxUploadBytes: number;
  poolSize: number;
  /** Hot standbys for reads (YZT_READ_URLS) and the bounds of read routing. */
  replicas: { readUrls: string[]; maxLagMs: number; checkMs: number; waitMs: number };
  /** Prometheus text at /metrics for admins ('admin'), or no such route ('off'). */
  metrics: 'admin' | 'off';
  /** Every JSON answer checked against the API contract before it is sent (tests turn it on). */
  checkAnswers: boolean;
  auth: {
    /** Requests without a session act as this role (read-only demo), or are refused (null). */
    anonymous: { role: 'viewer'; region: string | null } | null;
    /** Password of the admin the first start creates; generated and printed once when unset. */
    adminPassword: string | undefined;
    sessionHours: number;
    /** Login attempts per client address per 15 minutes. */
    loginAttempts: number;
  };
  /** Tile service settings given in the environment; unset ones keep the service's defaults. */
  tiles: TileSettings;
  /** Base-map settings every map of the web client receives (GET /api/basemap). */
  basemap: BasemapConfig;
}

/**
 * Tianditu (天地图) as a base map when an admin configured a key, and the 审图号 (map approval
 * number) printed on every map and exported picture when one is set.
 */
export interface BasemapConfig {
  tianditu: {
    key: string;
    layer: 'vector' | 'imagery';
    /** Tile URL template with {t} (host 0-7), {layer}, {z}, {x}, {y} and {tk}. */
    urlTemplate: string;
  } | null;
  reviewNo: string | null;
}

export { TIANDITU_URL_TEMPLATE };

export interface TileSettings {
  detailZoom?: number;
  cellSize?: number;
  cacheBytes?: number;
  pollMs?: number;
  maxTileBytes?: number;
  storedCells?: boolean;
}

/** The database a command-line tool opens. */
export interface DatabaseConfig {
  databaseUrl: string | undefined;
  dataDir: string;
  schema: string;
}

const onOff = z.enum(['on', 'off']);
const positiveInt = z.coerce.number().int().positive();
/** An optional integer in a range; empty counts as unset. */
const intIn = (min: number, max: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(min).max(max).optional());

const DatabaseSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  YZT_DATA_DIR: z.string().min(1).default('.data'),
  YZT_DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and _').default('yzt'),
});

const TileSchema = z.object({
  YZT_TILE_DETAIL_ZOOM: intIn(0, 23),
  YZT_TILE_CELL: intIn(8, 4096),
  YZT_TILE_CACHE_MB: intIn(0, 65536),
  YZT_TILE_POLL_MS: intIn(50, 600_000),
  YZT_TILE_MAX_KB: intIn(16, 65536),
  YZT_TILE_STORED_CELLS: intIn(0, 1),
});

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  ...DatabaseSchema.shape,
  YZT_DEMO: onOff.default('on'),
  YZT_DEMO_SOURCES: positiveInt.max(10_000_000).default(20_000),
  YZT_DEMO_SEED: z.coerce.number().int().default(20191231),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  YZT_MAX_UPLOAD_MB: positiveInt.max(10_240).default(512),
  YZT_POOL_SIZE: positiveInt.max(200).default(10),
  // Hot standbys (streaming replicas) that serve reads, comma-separated postgres:// URLs.
  YZT_READ_URLS: z.string().optional(),
  // A standby further behind than this serves no reads until it catches up.
  YZT_REPLICA_MAX_LAG_MS: positiveInt.max(3_600_000).default(5_000),
  YZT_REPLICA_CHECK_MS: positiveInt.min(50).max(60_000).default(500),
  // How long a user's read after their own write waits for a standby to replay it before the primary answers.
  YZT_READ_YOUR_WRITES_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  YZT_METRICS: z.enum(['admin', 'off']).default('off'),
  YZT_CHECK_ANSWERS: onOff.default('off'),
  // Default: anonymous read-only viewing on the embedded demo, sign-in required on a real server.
  YZT_ANONYMOUS: z.enum(['viewer', 'off']).optional(),
  YZT_ANONYMOUS_REGION: z.string().regex(/^[0-9]{2,12}$/, 'must be a division-code prefix of 2-12 digits').optional(),
  YZT_ADMIN_PASSWORD: z.string().min(10, 'must have at least 10 characters').max(200).optional(),
  YZT_SESSION_HOURS: positiveInt.max(24 * 90).default(12),
  YZT_LOGIN_ATTEMPTS: positiveInt.max(10_000).default(10),
  ...TileSchema.shape,
  // Tianditu's browser key (tk); unset: no base map but the product's own, nothing leaves the machine.
  YZT_TIANDITU_KEY: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[A-Za-z0-9]{8,64}$/, 'must be the 8-64 letters and digits of a Tianditu key').optional()),
  YZT_TIANDITU_LAYER: z.enum(['vector', 'imagery']).default('vector'),
  // Another host serving Tianditu's tiles (a proxy, a mirror, a test); must name {z}, {x}, {y}.
  YZT_TIANDITU_URL: z.string()
    .refine((u) => /^https?:\/\//.test(u) && ['{z}', '{x}', '{y}'].every((p) => u.includes(p)), 'must be an http(s) URL naming {z}, {x} and {y}')
    .default(TIANDITU_URL_TEMPLATE),
  YZT_MAP_REVIEW_NO: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(60).optional()),
});

/** The variables the product reads, for the README and for error messages. */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parse<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The whole configuration, as the server reads it at start; a ConfigError names each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parse(EnvSchema, env);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL || undefined,
    dataDir: e.YZT_DATA_DIR,
    schema: e.YZT_DB_SCHEMA,
    demo: { enabled: e.YZT_DEMO === 'on', sources: e.YZT_DEMO_SOURCES, seed: e.YZT_DEMO_SEED },
    logLevel: e.LOG_LEVEL,
    maxUploadBytes: e.YZT_MAX_UPLOAD_MB * 1024 * 1024,
    poolSize: e.YZT_POOL_SIZE,
    replicas: {
      readUrls: readUrls(e.YZT_READ_URLS, Boolean(e.DATABASE_URL)),
      maxLagMs: e.YZT_REPLICA_MAX_LAG_MS,
      checkMs: e.YZT_REPLICA_CHECK_MS,
      waitMs: e.YZT_READ_YOUR_WRITES_MS,
    },
    metrics: e.YZT_METRICS,
    checkAnswers: e.YZT_CHECK_ANSWERS === 'on',
    auth: {
      anonymous: (e.YZT_ANONYMOUS ?? (e.DATABASE_URL ? 'off' : 'viewer')) === 'viewer'
        ? { role: 'viewer', region: e.YZT_ANONYMOUS_REGION ?? null }
        : null,
      adminPassword: e.YZT_ADMIN_PASSWORD,
      sessionHours: e.YZT_SESSION_HOURS,
      loginAttempts: e.YZT_LOGIN_ATTEMPTS,
    },
    tiles: tileSettings(e),
    basemap: {
      tianditu: e.YZT_TIANDITU_KEY ? { key: e.YZT_TIANDITU_KEY, layer: e.YZT_TIANDITU_LAYER, urlTemplate: e.YZT_TIANDITU_URL } : null,
      reviewNo: e.YZT_MAP_REVIEW_NO ?? null,
    },
  };
}

/** Only the tile service's variables (YZT_TILE_*). */
export function loadTileSettings(env: NodeJS.ProcessEnv = process.env): TileSettings {
  return tileSettings(parse(TileSchema, env));
}

/**
 * Only the database variables, as the command-line tools read them: an empty value counts as
 * unset (DATABASE_URL= runs on the embedded engine).
 */
export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const e = parse(DatabaseSchema, set);
  return { databaseUrl: e.DATABASE_URL, dataDir: e.YZT_DATA_DIR, schema: e.YZT_DB_SCHEMA };
}

function tileSettings(e: z.output<typeof TileSchema>): TileSettings {
  const out: TileSettings = {};
  if (e.YZT_TILE_DETAIL_ZOOM !== undefined) out.detailZoom = e.YZT_TILE_DETAIL_ZOOM;
  if (e.YZT_TILE_CELL !== undefined) out.cellSize = e.YZT_TILE_CELL;
  if (e.YZT_TILE_CACHE_MB !== undefined) out.cacheBytes = e.YZT_TILE_CACHE_MB * 1024 * 1024;
  if (e.YZT_TILE_POLL_MS !== undefined) out.pollMs = e.YZT_TILE_POLL_MS;
  if (e.YZT_TILE_MAX_KB !== undefined) out.maxTileBytes = e.YZT_TILE_MAX_KB * 1024;
  if (e.YZT_TILE_STORED_CELLS !== undefined) out.storedCells = e.YZT_TILE_STORED_CELLS === 1;
  return out;
}

/** YZT_READ_URLS: URLs split where the next one starts (a multi-host URL has commas of its own). */
function readUrls(value: string | undefined, hasPrimary: boolean): string[] {
  const urls = (value ?? '').split(/[\s,]+(?=postgres(?:ql)?:\/\/)/).map((u) => u.trim().replace(/,$/, '')).filter(Boolean);
  for (const u of urls) {
    if (!/^postgres(ql)?:\/\//.test(u)) throw new ConfigError(`invalid configuration:\n  YZT_READ_URLS: "${u}" must be a postgres:// URL`);
  }
  if (urls.length && !hasPrimary) throw new ConfigError('invalid configuration:\n  YZT_READ_URLS: needs DATABASE_URL (the primary); the embedded engine has no standbys');
  return urls;
}
