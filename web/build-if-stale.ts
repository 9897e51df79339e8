import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Run before `npm start`: builds the web client when web/dist is missing or older than any
 * source file, so the server always serves the current client.
 */
const webDir = fileURLToPath(new URL('.', import.meta.url));
const dist = join(webDir, 'dist', 'index.html');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f))));
}

const sources = Math.max(newest(join(webDir, 'src')), newest(join(webDir, 'index.html')), newest(join(webDir, 'vite.config.ts')));
if (existsSync(dist) && statSync(dist).mtimeMs >= sources) {
  console.log('web client is up to date (web/dist)');
} else {
  console.log('building the web client into web/dist …');
  const r = spawnSync(process.execPath, [join(webDir, '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(webDir, 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('web client build failed; the server starts without it');
  }
}
