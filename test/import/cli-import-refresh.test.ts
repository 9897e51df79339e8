import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/**
 * `npm run import` is the same use case as the HTTP import ("import, then refresh the network"):
 * river lines imported from the command line are oriented and indexed, and a section imported
 * after them is placed on its reach, with no server and no rebuild call in between.
 */
describe('npm run import refreshes the network index', () => {
  let db: TestDatabase;
  let dir: string;
  const cli = async (kind: string, file: string) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'geodata/cli/import.ts', kind, file, '--actor', 'cli-test'], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: db.url, YZT_DB_SCHEMA: db.schema },
    });
    return JSON.parse(stdout);
  };
  beforeAll(async () => {
    db = await openTestDatabase('cli_import_refresh');
    dir = mkdtempSync(join(tmpdir(), 'yzt-cli-import-'));
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes imported river lines and places a section imported after them', async () => {
    const rivers = join(dir, 'rivers.geojson');
    writeFileSync(rivers, JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 1, name: '上游' }, geometry: { type: 'LineString', coordinates: [[0, 0], [0.1, 0]] } },
        { type: 'Feature', properties: { id: 2, name: '下游' }, geometry: { type: 'LineString', coordinates: [[0.1, 0], [0.2, 0]] } },
      ],
    }));
    const riverReport = await cli('river_reach', rivers);
    expect(riverReport.rowsStored).toBe(2);
    expect(riverReport.network.build).toMatchObject({ direction: 'auto', reaches: 2, outlets: [2] });
    const { rows } = await db.pool.query(`SELECT reach_id::int AS id, pre, last FROM network_reach ORDER BY pre`);
    expect(rows).toEqual([{ id: 2, pre: 0, last: 1 }, { id: 1, pre: 1, last: 1 }]);

    const sections = join(dir, 'sections.csv');
    writeFileSync(sections, 'code,name,level,target_class,lon,lat\nX1,测试断面,national,3,0.05,0.0001\n');
    const sectionReport = await cli('section', sections);
    expect(sectionReport.network).toMatchObject({ build: null, link: { sections: { nearest: 1 } } });
    const placed = await db.pool.query(`SELECT reach_id::int AS reach FROM network_section WHERE section_code = 'X1'`);
    expect(placed.rows).toEqual([{ reach: 1 }]);
  });
});
