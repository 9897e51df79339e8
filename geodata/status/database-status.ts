import { readFileSync } from 'node:fs';
import type pg from 'pg';

const TABLE_COUNTS_SQL = readFileSync(new URL('./table-counts.sql', import.meta.url), 'utf8');

export interface DatabaseStatus {
  postgresVersion: string;
  postgisVersion: string;
  rowCounts: Record<string, number>;
}

export async function databaseStatus(pool: pg.Pool): Promise<DatabaseStatus> {
  const versions = await pool.query<{ pg: string; postgis: string }>(
    `SELECT current_setting('server_version') AS pg, postgis_lib_version() AS postgis`,
  );
  const counts = await pool.query<Record<string, string>>(TABLE_COUNTS_SQL);
  const rowCounts = Object.fromEntries(Object.entries(counts.rows[0]!).map(([k, v]) => [k, Number(v)]));
  return { postgresVersion: versions.rows[0]!.pg, postgisVersion: versions.rows[0]!.postgis, rowCounts };
}

/** True when no census data is stored yet (the server then loads the demo region). */
export async function isEmpty(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ empty: boolean }>(
    'SELECT NOT EXISTS (SELECT 1 FROM source) AND NOT EXISTS (SELECT 1 FROM division) AS empty',
  );
  return rows[0]!.empty;
}
