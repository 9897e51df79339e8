import { parseArgs } from 'node:util';
import { AccountError, changeUser, createUser, listUsers, NewUserBody, randomPassword, ROLES, UserChangeBody } from '../access/index.ts';
import { migrate } from '../db/migrate.ts';
import { openCliDatabase } from './open-cli-database.ts';

// npm run user -- <command>: user administration without a running server (or on a real
// PostgreSQL next to one). The admin page and POST /api/users do the same over HTTP.
const USAGE = `usage:
  npm run user -- list
  npm run user -- add <username> --role viewer|reviewer|admin [--region <division prefix>] [--name <display name>] [--password <pw>]
  npm run user -- passwd <username> [--password <pw>]
  npm run user -- set <username> [--role R] [--region <prefix>|national] [--disable|--enable]
A password left out is generated and printed once.`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    role: { type: 'string' }, region: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' },
    disable: { type: 'boolean' }, enable: { type: 'boolean' },
  },
});
const [command, username] = positionals;
if (!command || !['list', 'add', 'passwd', 'set'].includes(command) || (command !== 'list' && !username)) {
  console.error(USAGE);
  process.exit(1);
}

const db = await openCliDatabase('use the admin page (/admin) or POST /api/users on the running server, or stop it and run this again.');
let exitCode = 0;
try {
  await migrate(db.pool);
  if (command === 'list') {
    for (const u of await listUsers(db.pool)) {
      console.log(`${u.id}\t${u.username}\t${u.role}\t${u.region ?? 'national'}${u.disabled ? '\tdisabled' : ''}`);
    }
  } else if (command === 'add') {
    const password = values.password ?? randomPassword();
    const input = NewUserBody.parse({ username, password, role: values.role, region: values.region ?? null, displayName: values.name ?? null });
    const user = await createUser(db.pool, input, 'cli');
    console.log(`created ${user.username} (${user.role}, ${user.region ?? 'national'})${values.password ? '' : ` with password ${password}`}`);
  } else {
    const id = (await listUsers(db.pool)).find((u) => u.username === username)?.id;
    if (!id) throw new AccountError(`no user "${username}"`, 'not_found');
    const change = command === 'passwd'
      ? { password: values.password ?? randomPassword() }
      : UserChangeBody.parse({
          ...(values.role ? { role: values.role } : {}),
          ...(values.region ? { region: values.region === 'national' ? null : values.region } : {}),
          ...(values.disable ? { disabled: true } : values.enable ? { disabled: false } : {}),
        });
    const user = await changeUser(db.pool, id, change);
    const shown = command === 'passwd' && !values.password ? ` new password ${change.password}` : '';
    console.log(`changed ${user.username} (${user.role}, ${user.region ?? 'national'}${user.disabled ? ', disabled' : ''})${shown}`);
  }
} catch (err) {
  if (err instanceof AccountError) console.error(err.message);
  else if (err && typeof err === 'object' && 'issues' in err) {
    console.error(`invalid: ${(err as { issues: { path: PropertyKey[]; message: string }[] }).issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')} (roles: ${ROLES.join(', ')})`);
  } else throw err;
  exitCode = 1;
} finally {
  await db.close();
}
process.exit(exitCode);
