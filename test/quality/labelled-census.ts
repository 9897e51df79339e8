import type { Point } from 'geojson';
import seedrandom from 'seedrandom';
import { creditCodeCheckChar, organizationCodeCheckChar } from '../../geodata/model/credit-code.ts';
import type { Row } from '../../geodata/model/layers.ts';
import type { ScreeningCode } from '../../geodata/review/check-catalog.ts';
import { POLLUTANTS, type Pollutant } from '../../geodata/model/vocabulary.ts';

/**
 * A labelled census directory for the screening and list-matching tests: a realistic spread of
 * industries in one province, emissions that follow output value (log-normal, as sectors are),
 * and seeded errors whose expected findings are known. Deterministic from the seed.
 */
export interface LabelledCensus {
  readonly rows: Row[];
  /** census id → the screening checks that must fire on it. */
  readonly truth: Map<string, Set<ScreeningCode>>;
  /** Name variants that a list would carry for a directory unit (same normalised key). */
  variant(name: string, rng: () => number): string;
}



/** 4-digit industry, its share of the directory, its trade word and what it emits (t per 万元 of output). */
const INDUSTRIES: readonly { code: string; share: number; word: string; emits: Partial<Record<Pollutant, number>> }[] = [
  { code: '1311', share: 6, word: '粮油', emits: { cod: 2e-3 } },
  { code: '1511', share: 4, word: '酒业', emits: { cod: 5e-3, nh3n: 3e-4 } },
  { code: '1713', share: 8, word: '印染', emits: { cod: 8e-3, nh3n: 6e-4, tn: 9e-4 } },
  { code: '2221', share: 6, word: '纸业', emits: { cod: 6e-3, nh3n: 3e-4, vocs: 2e-4 } },
  { code: '2614', share: 5, word: '化工', emits: { cod: 4e-3, vocs: 1e-3, so2: 5e-4, nox: 4e-4 } },
  { code: '2641', share: 5, word: '涂料', emits: { vocs: 2e-3, cod: 1e-3 } },
  { code: '2922', share: 9, word: '塑胶', emits: { vocs: 8e-4 } },
  { code: '2927', share: 7, word: '塑料制品', emits: { vocs: 6e-4 } },
  { code: '3311', share: 8, word: '钢结构', emits: { pm: 7e-4, vocs: 3e-4 } },
  { code: '3360', share: 10, word: '电镀', emits: { cod: 2e-3, tp: 1e-4 } },
  { code: '3982', share: 14, word: '电子', emits: { cod: 5e-4, vocs: 2e-4 } },
  { code: '3021', share: 4, word: '水泥', emits: { pm: 4e-3, so2: 2e-3, nox: 5e-3 } },
  { code: '4411', share: 4, word: '热电', emits: { so2: 3e-3, nox: 4e-3, pm: 1e-3 } },
];

const COUNTIES = [
  { code: '440103', city: '广州市', county: '荔湾区', lon: 113.24, lat: 23.12 },
  { code: '440111', city: '广州市', county: '白云区', lon: 113.27, lat: 23.25 },
  { code: '440305', city: '深圳市', county: '南山区', lon: 113.93, lat: 22.53 },
  { code: '440306', city: '深圳市', county: '宝安区', lon: 113.86, lat: 22.62 },
  { code: '441900', city: '东莞市', county: '', lon: 113.75, lat: 23.02 },
] as const;

// Two of these make a trade name (华兴, 永盛…): 3,600 names before the trade word.
const CHARS = '华兴永盛鸿达宏远泰丰金源新恒通力嘉信海天利德昌隆富宝祥和万安顺益明光瑞发广联创荣耀辉中科腾飞正大凯旋东方美雅建邦博文腾越';

export function labelledCensus(seed = 'quality-20261204', industrial = 3000): LabelledCensus {
  const rng = seedrandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const truth = new Map<string, Set<ScreeningCode>>();
  const label = (id: string, code: ScreeningCode) => {
    let s = truth.get(id);
    if (!s) truth.set(id, (s = new Set()));
    s.add(code);
  };
  const rows: Row[] = [];
  const usedKeys = new Set<string>();
  const usedOrg = new Set<string>();
  let serial = 0;
  const censusId = () => `Q${String(++serial).padStart(6, '0')}`;
  const orgCode = () => {
    for (;;) {
      const body = String(Math.floor(rng() * 1e8)).padStart(8, '0');
      if (usedOrg.has(body)) continue;
      usedOrg.add(body);
      return body + organizationCodeCheckChar(body);
    }
  };
  const credit = (county: string, org: string) => {
    const first17 = `91${county}${org}`;
    return first17 + creditCodeCheckChar(first17);
  };
  const tradeName = (word: string) => {
    for (;;) {
      const trade = pick([...CHARS]) + pick([...CHARS]);
      if (usedKeys.has(trade + word)) continue;
      usedKeys.add(trade + word);
      return trade + word;
    }
  };
  const place = (c: (typeof COUNTIES)[number]) => (rng() < 0.5 ? c.city : c.city + c.county);
  const point = (c: (typeof COUNTIES)[number]): Point => ({ type: 'Point', coordinates: [c.lon + (rng() - 0.5) * 0.2, c.lat + (rng() - 0.5) * 0.2] });
  const offset = (p: Point, metres: number): Point => {
    const a = rng() * 2 * Math.PI;
    const [x, y] = p.coordinates as [number, number];
    return { type: 'Point', coordinates: [x + (Math.cos(a) * metres) / (111320 * Math.cos((y * Math.PI) / 180)), y + (Math.sin(a) * metres) / 110540] };
  };

  const totalShare = INDUSTRIES.reduce((s, i) => s + i.share, 0);
  const industryAt = () => {
    let r = rng() * totalShare;
    for (const i of INDUSTRIES) if ((r -= i.share) < 0) return i;
    return INDUSTRIES.at(-1)!;
  };

  for (let n = 0; n < industrial; n++) {
    const ind = industryAt();
    const county = pick(COUNTIES);
    const output = 5000 * Math.exp(0.9 * normal());
    const row: Row = {
      census_id: censusId(), name: `${place(county)}${tradeName(ind.word)}有限公司`, credit_code: credit(county.code, orgCode()),
      source_type: 'industrial', industry_code: ind.code, division_code: county.code, geom: point(county), status: 'active',
      output_value: Math.round(output * 10) / 10,
    };
    for (const [p, intensity] of Object.entries(ind.emits)) row[p] = output * intensity * Math.exp(0.35 * normal());
    rows.push(row);
  }
  // Non-industrial sources: no peers, no forms to miss.
  for (let n = 0; n < 300; n++) {
    const county = pick(COUNTIES);
    rows.push({
      census_id: censusId(), name: `${county.county || county.city}${tradeName('养殖场')}`, source_type: n % 2 ? 'agricultural' : 'domestic',
      division_code: county.code, geom: point(county), status: 'active', cod: 1 + rng() * 5, nh3n: rng(),
    });
  }

  const plain = rows.slice(0, industrial);
  const take = (k: number, filter: (r: Row) => boolean = () => true) => {
    const out: Row[] = [];
    for (const r of plain) {
      if (out.length >= k) break;
      if (!r._used && filter(r) && rng() < 0.3) {
        r._used = 1;
        out.push(r);
      }
    }
    return out;
  };

  // Emission outliers, the census's typical slip: one pollutant typed in kg where t was asked
  // (1,000×), or the other way round.
  for (const r of take(60)) {
    const p = POLLUTANTS.filter((k) => typeof r[k] === 'number');
    const k = pick(p);
    r[k] = (r[k] as number) * (rng() < 0.5 ? 1000 : 1 / 1000);
    label(r.census_id as string, 'emission_peer_outlier');
    label(r.census_id as string, 'intensity_peer_outlier');
  }
  // Output value typed in 元 instead of 万元's thousandth: every intensity looks 1/100 of its peers'.
  for (const r of take(50)) {
    r.output_value = (r.output_value as number) * 100;
    label(r.census_id as string, 'intensity_peer_outlier');
  }
  // VOCs missing where the industry must report them (22, 26, 29).
  for (const r of take(50, (x) => /^(22|26|29)/.test(x.industry_code as string))) {
    r.vocs = null;
    label(r.census_id as string, 'missing_pollutant');
  }
  // A wrong check character.
  for (const r of take(50)) {
    const code = r.credit_code as string;
    const wrong = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'].find((c) => c !== code[17] && rng() < 0.2) ?? (code[17] === '0' ? '1' : '0');
    r.credit_code = code.slice(0, 17) + wrong;
    label(r.census_id as string, 'credit_code_invalid');
  }
  // Closed or stopped without a reason; closed still reporting emissions.
  for (const r of take(40)) {
    r.status = rng() < 0.5 ? 'closed' : 'stopped';
    if (r.status === 'closed') for (const p of POLLUTANTS) r[p] = null;
    label(r.census_id as string, 'status_without_reason');
  }
  for (const r of take(30)) {
    r.status = 'closed';
    r.status_reason = '2019年关停';
    label(r.census_id as string, 'closed_with_emissions');
  }
  // Closed properly: a reason and nothing emitted (no finding).
  for (const r of take(30)) {
    r.status = 'closed';
    r.status_reason = '环保整治关闭';
    for (const p of POLLUTANTS) r[p] = null;
  }

  const clone = (r: Row, extra: Row): Row => {
    const c: Row = { ...r, census_id: censusId(), ...extra };
    delete c._used;
    rows.push(c);
    return c;
  };
  // One credit code under two census ids, far apart (the same unit registered twice).
  for (const r of take(20)) {
    const other = COUNTIES.find((c) => c.code !== r.division_code)!;
    const c = clone(r, { name: variant(r.name as string, rng), division_code: other.code, geom: point(other) });
    label(r.census_id as string, 'duplicate_credit_code');
    label(c.census_id as string, 'duplicate_credit_code');
  }
  // One name within 200 m under another census id and credit code.
  for (const r of take(20)) {
    const c = clone(r, {
      name: variant(r.name as string, rng), credit_code: credit(r.division_code as string, orgCode()),
      geom: offset(r.geom as Point, 30 + rng() * 120),
    });
    label(r.census_id as string, 'duplicate_name_nearby');
    label(c.census_id as string, 'duplicate_name_nearby');
  }
  // Not duplicates: one name 3-8 km apart (a chain), another name within 100 m.
  for (const r of take(20)) {
    clone(r, { credit_code: credit(r.division_code as string, orgCode()), geom: offset(r.geom as Point, 3000 + rng() * 5000) });
  }
  for (const r of take(20)) {
    clone(r, { name: `${tradeName('五金')}有限公司`, credit_code: credit(r.division_code as string, orgCode()), geom: offset(r.geom as Point, 20 + rng() * 80) });
  }
  // One organisation code under two names (credit codes of two registrations).
  for (const r of take(15)) {
    const org = (r.credit_code as string).slice(8, 17);
    const other = COUNTIES.find((c) => c.code !== r.division_code)!;
    const c = clone(r, {
      name: `${other.city}${tradeName('贸易')}有限公司`, credit_code: credit(other.code, org), division_code: other.code, geom: point(other),
    });
    label(r.census_id as string, 'org_code_names');
    label(c.census_id as string, 'org_code_names');
  }
  for (const r of rows) {
    delete r._used;
    r.entered_crs ??= 'wgs84';
  }
  return { rows, truth, variant };
}

/**
 * Another way to write the same unit's name: with or without the place, 有限公司 or
 * 有限责任公司, the place in brackets, full-width letters and spaces.
 */
function variant(name: string, rng: () => number): string {
  const core = name.replace(/^(广州市|深圳市|东莞市)(荔湾区|白云区|南山区|宝安区)?/, '').replace(/有限公司$/, '');
  const city = /^(广州|深圳|东莞)/.exec(name)?.[1] ?? '深圳';
  switch (Math.floor(rng() * 5)) {
    case 0: return `${core}有限责任公司`;
    case 1: return `${core}（${city}）有限公司`;
    case 2: return `${city}市 ${core} 有限公司`;
    case 3: return `${core}股份有限公司`;
    default: return `${city}市${core}有限公司`.replace(/[A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  }
}
