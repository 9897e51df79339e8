import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether Debian's gdal-bin is here; suites that need it skip with this reason otherwise. */
export const hasGdal = spawnSync('ogrinfo', ['--version']).status === 0;

/** GDAL's environment for a Bearer token: GDAL_HTTP_HEADERS (GDAL >= 3.6). */
export function gdalEnv(token?: string): NodeJS.ProcessEnv {
  return { ...process.env, CPL_DEBUG: 'OFF', GDAL_HTTP_TIMEOUT: '60', ...(token ? { GDAL_HTTP_HEADERS: `Authorization: Bearer ${token}` } : {}) };
}

/** `ogrinfo -so` of one layer: the feature count GDAL reports. */
export async function ogrFeatureCount(dataset: string, layer: string, token?: string, extra: string[] = []): Promise<number> {
  const { stdout } = await run('ogrinfo', ['-ro', '-so', ...extra, dataset, layer], { env: gdalEnv(token), maxBuffer: 64 << 20 });
  const m = /Feature Count: (\d+)/.exec(stdout);
  if (!m) throw new Error(`ogrinfo printed no feature count for ${layer}:\n${stdout}`);
  return Number(m[1]);
}

/** `ogrinfo` output of one layer (field definitions and all features). */
export async function ogrInfo(dataset: string, layer: string, token?: string, extra: string[] = []): Promise<string> {
  const { stdout } = await run('ogrinfo', ['-ro', ...extra, dataset, layer], { env: gdalEnv(token), maxBuffer: 256 << 20 });
  return stdout;
}

/** `ogr2ogr` of one layer to a file (every page read). */
export async function ogr2ogr(dest: string, dataset: string, layer: string, token?: string, extra: string[] = []): Promise<void> {
  await run('ogr2ogr', ['-f', 'GeoJSON', dest, dataset, layer, ...extra], { env: gdalEnv(token), maxBuffer: 64 << 20 });
}

/** `ogrinfo -q` of a dataset: its layer list. */
export async function ogrList(dataset: string, token?: string): Promise<string> {
  const { stdout } = await run('ogrinfo', ['-ro', '-q', dataset], { env: gdalEnv(token) });
  return stdout;
}
