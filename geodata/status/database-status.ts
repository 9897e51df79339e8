import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in database-status.sql beside it.
const FIXED_SQL = loadStatements(new URL('./database-status.sql', import.meta.url), ['database_status_select', 'is_empty_select_source']);

const TABLE_COUNTS_SQL = readFileSync(new URL('./table-counts.sql', import.meta.url), 'utf8');

export interface DatabaseStatus {
  postgresVersion: string;
  postgisVersion: string;
  rowCounts: Record<string, number>;
}

export async function databaseStatus(pool: pg.Pool): Promise<DatabaseStatus> {
  const versions = await pool.query<{ pg: string; postgis: string }>(
    FIXED_SQL.database_status_select,
  );
  const counts = await pool.query<Record<string, string>>(TABLE_COUNTS_SQL);
  const rowCounts = Object.fromEntries(Object.entries(counts.rows[0]!).map(([k, v]) => [k, Number(v)]));
  return { postgresVersion: versions.rows[0]!.pg, postgisVersion: versions.rows[0]!.postgis, rowCounts };
}

/** True when no census data is stored yet (the server then loads the demo region). */
export async function isEmpty(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ empty: boolean }>(
    FIXED_SQL.is_empty_select_source,
  );
  return rows[0]!.empty;
}
