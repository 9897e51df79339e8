import type pg from 'pg';
import { latestReadingMonth, problemList, type Problem } from './response.ts';

export interface BattleSection {
  code: string;
  name: string;
  level: string;
  lon: number;
  lat: number;
  targetClass: number;
  waterClass: number | null;
  /** null when the section has no reading in the month */
  attains: boolean | null;
}

export interface BattleView {
  basin: { code: string; name: string; bbox: [number, number, number, number] | null };
  month: string | null;
  months: string[];
  sections: BattleSection[];
  /** Failing sections with their top contributors (source coordinates for the arcs). */
  problems: Problem[];
}

/** Basins to choose from on the battle map, main basins first. */
export async function battleBasins(pool: pg.Pool): Promise<{ code: string; name: string; level: number; sections: number }[]> {
  const { rows } = await pool.query(`
    SELECT b.code, b.name, b.level, (SELECT count(*)::int FROM section s WHERE ST_Covers(b.geom, s.geom)) AS sections
      FROM basin b WHERE b.geom IS NOT NULL ORDER BY b.level, b.code`);
  return rows;
}

/** Everything the battle map shows for one basin and month (latest month by default). */
export async function battleView(pool: pg.Pool, basinCode: string, options: { month?: string; top?: number } = {}): Promise<BattleView | null> {
  const { rows: [b] } = await pool.query(
    `SELECT code, name, ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, ST_XMax(geom) AS x1, ST_YMax(geom) AS y1 FROM basin WHERE code = $1`, [basinCode]);
  if (!b) return null;
  const month = options.month ?? (await latestReadingMonth(pool));
  const { rows: months } = await pool.query(`SELECT DISTINCT to_char(month, 'YYYY-MM') AS m FROM section_reading ORDER BY m`);
  const { rows } = await pool.query(`
    SELECT s.code, s.name, s.level, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.target_class, r.water_class
      FROM section s JOIN basin b ON b.code = $1 AND ST_Covers(b.geom, s.geom)
      LEFT JOIN section_reading r ON r.section_code = s.code AND r.month = ($2 || '-01')::date
     ORDER BY s.code`, [basinCode, month ?? '1900-01']);
  const problems = month ? (await problemList(pool, { month, basin: basinCode, top: options.top ?? 5 })).problems : [];
  return {
    basin: { code: b.code, name: b.name, bbox: b.x0 === null ? null : [b.x0, b.y0, b.x1, b.y1] },
    month,
    months: months.map((m) => m.m),
    sections: rows.map((r) => ({
      code: r.code, name: r.name, level: r.level, lon: r.lon, lat: r.lat, targetClass: r.target_class, waterClass: r.water_class,
      attains: r.water_class === null ? null : r.water_class <= r.target_class,
    })),
    problems,
  };
}
