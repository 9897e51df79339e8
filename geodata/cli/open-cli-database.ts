import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { openDatabase, type Database } from '../db/database.ts';

/**
 * Opens the database a command-line tool works on: DATABASE_URL, or the embedded engine on
 * YZT_DATA_DIR (default ./.data). While a server holds the embedded folder the tool cannot open
 * it, and says how to reach the running server instead.
 */
export async function openCliDatabase(hint: string): Promise<Database> {
  try {
    return await openDatabase({
      databaseUrl: process.env.DATABASE_URL || undefined,
      dataDir: process.env.YZT_DATA_DIR || '.data',
      schema: process.env.YZT_DB_SCHEMA || 'yzt',
      poolSize: 2,
    });
  } catch (err) {
    if (err instanceof DataDirInUseError) {
      console.error(`${err.message}.\nThe running server owns the embedded database; ${hint}`);
      process.exit(2);
    }
    throw err;
  }
}
