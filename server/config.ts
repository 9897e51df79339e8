import { z } from 'zod';

/** Everything the server reads from its environment, validated once at start-up. */
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
  auth: {
    /** Requests without a session act as this role (read-only demo), or are refused (null). */
    anonymous: { role: 'viewer'; region: string | null } | null;
    /** Password of the admin the first start creates; generated and printed once when unset. */
    adminPassword: string | undefined;
    sessionHours: number;
    /** Login attempts per client address per 15 minutes. */
    loginAttempts: number;
  };
}

const onOff = z.enum(['on', 'off']);
const positiveInt = z.coerce.number().int().positive();

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  YZT_DATA_DIR: z.string().min(1).default('.data'),
  YZT_DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and _').default('yzt'),
  YZT_DEMO: onOff.default('on'),
  YZT_DEMO_SOURCES: positiveInt.max(10_000_000).default(20_000),
  YZT_DEMO_SEED: z.coerce.number().int().default(20191231),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  YZT_MAX_UPLOAD_MB: positiveInt.max(10_240).default(512),
  YZT_POOL_SIZE: positiveInt.max(200).default(10),
  // Default: anonymous read-only viewing on the embedded demo, sign-in required on a real server.
  YZT_ANONYMOUS: z.enum(['viewer', 'off']).optional(),
  YZT_ANONYMOUS_REGION: z.string().regex(/^[0-9]{2,12}$/, 'must be a division-code prefix of 2-12 digits').optional(),
  YZT_ADMIN_PASSWORD: z.string().min(10, 'must have at least 10 characters').max(200).optional(),
  YZT_SESSION_HOURS: positiveInt.max(24 * 90).default(12),
  YZT_LOGIN_ATTEMPTS: positiveInt.max(10_000).default(10),
});

/** The variables the server reads, for the README and for error messages. */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
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
    auth: {
      anonymous: (e.YZT_ANONYMOUS ?? (e.DATABASE_URL ? 'off' : 'viewer')) === 'viewer'
        ? { role: 'viewer', region: e.YZT_ANONYMOUS_REGION ?? null }
        : null,
      adminPassword: e.YZT_ADMIN_PASSWORD,
      sessionHours: e.YZT_SESSION_HOURS,
      loginAttempts: e.YZT_LOGIN_ATTEMPTS,
    },
  };
}
