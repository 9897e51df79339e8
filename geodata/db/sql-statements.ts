import { readFileSync } from 'node:fs';

/**
 * Reads a `.sql` file of named statements, each introduced by a line `-- name: <key>` (as
 * yesql and pgtyped do), so related fixed statements sit together in one readable file beside
 * the code that runs them. Asking for a name the file lacks throws at load, not at run time.
 */
export function loadStatements<K extends string>(url: URL, names: readonly K[]): Readonly<Record<K, string>> {
  const text = readFileSync(url, 'utf8');
  const found = new Map<string, string>();
  let current: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (current !== null) found.set(current, lines.join('\n').trim().replace(/;\s*$/, ''));
  };
  for (const line of text.split('\n')) {
    const m = /^--\s*name:\s*([a-z0-9_]+)\s*$/.exec(line);
    if (m) {
      flush();
      current = m[1]!;
      lines = [];
    } else if (current !== null) {
      lines.push(line);
    }
  }
  flush();
  const out = {} as Record<K, string>;
  for (const name of names) {
    const sql = found.get(name);
    if (!sql) throw new Error(`${url.pathname} has no statement "-- name: ${name}"`);
    out[name] = sql;
  }
  return out;
}
