import { loadDatabaseConfig } from '../config/config.ts';
import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { openDatabase, type Database } from '../db/database.ts';

/**
 * Opens the database a command-line tool works on: DATABASE_URL, or the embedded engine on
 * YZT_DATA_DIR (default ./.data). While a server holds the embedded folder the tool cannot open
 * it, and says how to reach the running server instead.
 */
export async function openCliDatabase(hint: string): Promise<Database> {
  try {
    return await openDatabase({ ...loadDatabaseConfig(process.env), poolSize: 2 });
  } catch (err) {
    if (err instanceof DataDirInUseError) {
      console.error(`${err.message}.\nThe running server owns the embedded database; ${hint}`);
      process.exit(2);
    }
    throw err;
  }
}
