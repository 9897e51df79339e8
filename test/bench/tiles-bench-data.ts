import type pg from 'pg';
import { SOURCE_TYPES } from '../../geodata/model/vocabulary.ts';

/**
 * Benchmark sources made in SQL, for when the demo generator is not available: `count`
 * points in clusters (towns of different size and spread; a squared random pick makes a
 * few clusters very dense) over 112.9–113.9 E, 22.2–23.1 N, with 6-digit county, 9-digit
 * township and census-zone codes from a grid, emissions, types, industries and statuses.
 * setseed makes it repeatable. Inserts in chunks so one statement never holds millions of rows.
 */
export async function generateBenchSources(pool: pg.Pool, count: number, log: (m: string) => void): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT setseed(0.42)');
    await client.query(`CREATE TEMP TABLE bench_cluster ON COMMIT DROP AS
      SELECT i, 112.9 + random() * 1.0 AS lon, 22.2 + random() * 0.9 AS lat, 0.002 + power(random(), 2) * 0.04 AS sd
      FROM generate_series(1, 400) i`);
    const chunk = 200_000;
    for (let start = 1; start <= count; start += chunk) {
      const end = Math.min(count, start + chunk - 1);
      await client.query(
        `INSERT INTO source (census_id, name, source_type, industry_code, division_code, zone_code, geom,
           cod, nh3n, tn, tp, so2, nox, pm, vocs, status)
         SELECT 'B' || p.g, '企业' || p.g || '号',
           (ARRAY[${SOURCE_TYPES.map((t) => `'${t}'`).join(',')}])[1 + p.g % ${SOURCE_TYPES.length}],
           lpad((1000 + (p.g::bigint * 7919) % 9000)::text, 4, '0'),
           '4401' || lpad(floor((p.lon - 112.9) * 9)::int::text, 2, '0') || lpad(floor((p.lat - 22.2) * 30)::int::text, 3, '0'),
           '4401' || lpad(floor((p.lon - 112.9) * 9)::int::text, 2, '0') || lpad(floor((p.lat - 22.2) * 30)::int::text, 3, '0')
             || lpad((floor((p.lon - 112.9) * 200)::int % 100)::text, 2, '0'),
           ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326),
           round((random() * 100)::numeric, 2), round((random() * 10)::numeric, 2), round((random() * 20)::numeric, 2),
           round((random() * 2)::numeric, 3), round((random() * 50)::numeric, 2), round((random() * 40)::numeric, 2),
           round((random() * 30)::numeric, 2), round((random() * 25)::numeric, 2),
           CASE WHEN p.g % 97 = 0 THEN 'closed' ELSE 'active' END
         FROM (
           SELECT g,
             least(113.9, greatest(112.9, c.lon + c.sd * sqrt(-2 * ln(1 - u1)) * cos(2 * pi() * u2))) AS lon,
             least(23.1, greatest(22.2, c.lat + c.sd * sqrt(-2 * ln(1 - u1)) * sin(2 * pi() * u2))) AS lat
           FROM (SELECT g, 1 + floor(power(random(), 2) * 400)::int AS k, random() AS u1, random() AS u2
                 FROM generate_series($1::int, $2::int) g) r
           JOIN bench_cluster c ON c.i = r.k
         ) p`,
        [start, end],
      );
      log(`  sources ${end}/${count}`);
    }
    await client.query('COMMIT');
    await client.query('ANALYZE source');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
