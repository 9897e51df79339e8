import type pg from 'pg';
import { latestReadingMonth, problemList, type Problem } from './response.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in battle-map.sql beside it.
const FIXED_SQL = loadStatements(new URL('./battle-map.sql', import.meta.url), ['battle_basins_select_section', 'battle_view_select_basin', 'battle_view_select_section_reading', 'battle_view_select_section']);

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
  const { rows } = await pool.query(FIXED_SQL.battle_basins_select_section);
  return rows;
}

/** Everything the battle map shows for one basin and month (latest month by default). */
export async function battleView(pool: pg.Pool, basinCode: string, options: { month?: string; top?: number } = {}): Promise<BattleView | null> {
  const { rows: [b] } = await pool.query(
    FIXED_SQL.battle_view_select_basin, [basinCode]);
  if (!b) return null;
  const month = options.month ?? (await latestReadingMonth(pool));
  const { rows: months } = await pool.query(FIXED_SQL.battle_view_select_section_reading);
  const { rows } = await pool.query(FIXED_SQL.battle_view_select_section, [basinCode, month ?? '1900-01']);
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
