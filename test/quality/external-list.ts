import seedrandom from 'seedrandom';
import { creditCodeCheckChar, organizationCodeCheckChar } from '../../geodata/model/credit-code.ts';
import type { Row } from '../../geodata/model/layers.ts';

/**
 * Another department's list built from a labelled directory ({@link labelledCensus}), with the
 * answer for every line, and the divisions it is placed in; shared by the quality loop's API
 * and browser tests.
 */
export type Expect = { kind: 'matched'; censusId: string } | { kind: 'ambiguous' } | { kind: 'unmatched' };
export interface ListLine { cells: (string | number | null)[]; expect: Expect }

const box = (x: number, y: number) => ({ type: 'MultiPolygon' as const, coordinates: [[[[x - 0.1, y - 0.1], [x + 0.1, y - 0.1], [x + 0.1, y + 0.1], [x - 0.1, y + 0.1], [x - 0.1, y - 0.1]]]] });
export const DIVISIONS: Row[] = [
  { code: '440100', name: '广州市', level: 'city', parent_code: '440000', geom: box(113.26, 23.2) },
  { code: '440111', name: '白云区', level: 'county', parent_code: '440100', geom: box(113.27, 23.25) },
  { code: '440300', name: '深圳市', level: 'city', parent_code: '440000', geom: box(113.9, 22.57) },
  { code: '440305', name: '南山区', level: 'county', parent_code: '440300', geom: box(113.93, 22.53) },
  // A county of the same name in another province: the city in the address tells them apart.
  { code: '450105', name: '南山区', level: 'county', parent_code: '450100', geom: box(108.3, 22.8) },
  { code: '450100', name: '南宁市', level: 'city', parent_code: '450000', geom: box(108.3, 22.8) },
];

export const HEADER = ['企业名称', '统一社会信用代码', '组织机构代码', '注册地址', '经度', '纬度'];

/**
 * Another department's list built from the labelled directory: units given by credit code,
 * by organisation code only, by a name variant (with and without a position), units the census
 * missed, and names two directory units share.
 */
export function externalList(rows: readonly Row[], variant: (name: string, rng: () => number) => string): ListLine[] {
  const rng = seedrandom('external-list');
  const count = (key: (r: Row) => string | null) => {
    const m = new Map<string, number>();
    for (const r of rows) {
      const k = key(r);
      if (k) m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  const nameKey = (n: string) => n.normalize('NFKC').replace(/\s/g, '').replace(/^(广州市|深圳市|东莞市)?(荔湾区|白云区|南山区|宝安区)?/, '').replace(/\(.{2,3}\)/, '').replace(/(股份有限公司|有限责任公司|有限公司)$/, '');
  const credits = count((r) => r.credit_code as string | null);
  const orgs = count((r) => (r.credit_code as string | null)?.slice(8, 17) ?? null);
  const names = count((r) => nameKey(r.name as string));
  const unique = rows.filter((r) => r.source_type === 'industrial' && r.status === 'active' && credits.get(r.credit_code as string) === 1
    && orgs.get((r.credit_code as string).slice(8, 17)) === 1 && names.get(nameKey(r.name as string)) === 1);
  const lines: ListLine[] = [];
  const shuffled = [...unique].sort(() => rng() - 0.5);
  let i = 0;
  for (const r of shuffled.slice(i, (i += 120))) {
    lines.push({ cells: [variant(r.name as string, rng), r.credit_code as string, null, null, null, null], expect: { kind: 'matched', censusId: r.census_id as string } });
  }
  for (const r of shuffled.slice(i, (i += 60))) {
    const org = (r.credit_code as string).slice(8, 17);
    lines.push({ cells: [r.name as string, null, `${org.slice(0, 8)}-${org[8]}`, null, null, null], expect: { kind: 'matched', censusId: r.census_id as string } });
  }
  for (const [n, r] of shuffled.slice(i, (i += 160)).entries()) {
    const p = (r.geom as unknown as { coordinates: [number, number] }).coordinates;
    const near = n % 2 === 0 ? [p[0] + 0.0004, p[1] + 0.0003] : [null, null];
    lines.push({ cells: [variant(r.name as string, rng), null, null, '某路1号', near[0]!, near[1]!], expect: { kind: 'matched', censusId: r.census_id as string } });
  }
  // Units the census missed: names no directory unit has (characters the directory never uses).
  const stems = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥';
  for (let n = 0; n < 60; n++) {
    const name = `深圳市${stems[n % 22]}${stems[Math.floor(n / 22) + 3]}新材料有限公司`;
    const body = String(90000000 + n);
    const code = n % 2 ? (() => { const f = `91440305${body}${organizationCodeCheckChar(body)}`; return f + creditCodeCheckChar(f); })() : null;
    const address = n % 2 ? '广东省广州市白云区太和镇某路' : '深圳市南山区粤海街道某路';
    lines.push({ cells: [name, code, null, address, null, null], expect: { kind: 'unmatched' } });
  }
  // Names two directory units share (a chain 3-8 km apart): without a position, ambiguous;
  // next to one of them, that one.
  const shared = rows.filter((r) => r.source_type === 'industrial' && names.get(nameKey(r.name as string)) === 2 && credits.get(r.credit_code as string) === 1);
  const seen = new Set<string>();
  for (const r of shared) {
    const k = nameKey(r.name as string);
    if (seen.has(k)) continue;
    seen.add(k);
    const p = (r.geom as unknown as { coordinates: [number, number] }).coordinates;
    if (seen.size % 3 === 0) {
      lines.push({ cells: [r.name as string, null, null, null, p[0] + 0.0003, p[1]], expect: { kind: 'matched', censusId: r.census_id as string } });
    } else {
      lines.push({ cells: [variant(r.name as string, rng), null, null, null, null, null], expect: { kind: 'ambiguous' } });
    }
  }
  return lines.sort(() => rng() - 0.5);
}

export function csv(lines: readonly ListLine[]): string {
  const cell = (v: string | number | null) => (v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return '\uFEFF' + [HEADER, ...lines.map((l) => l.cells)].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

