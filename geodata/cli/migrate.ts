import { migrate } from '../db/migrate.ts';
import { openCliDatabase } from './open-cli-database.ts';

// npm run migrate: applies pending migrations (the server also does this at start-up).
const db = await openCliDatabase('it applies migrations itself at start-up.');
try {
  const applied = await migrate(db.pool);
  console.log(applied.length ? `applied migrations ${applied.join(', ')} (${db.engine}, ${db.location})` : `schema up to date (${db.engine}, ${db.location})`);
} finally {
  await db.close();
}
