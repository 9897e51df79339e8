/**
 * GB/T 4754-2017 industry classes used by the demo, by source type, with how often each
 * occurs, the word that ends a firm's name, and median emissions in t/a per pollutant
 * (missing = the pollutant does not apply to that class). Medians are rough orders of
 * magnitude from census-style reports, enough to make maps and rankings look plausible.
 * The classes' names are the standard's (geodata/model/industry-classes.ts).
 */
import type { Pollutant, SourceType } from '../model/vocabulary.ts';

export { AIR_POLLUTANTS, WATER_POLLUTANTS, type Pollutant, type SourceType } from '../model/vocabulary.ts';

export interface Industry {
  readonly code: string;
  readonly type: SourceType;
  readonly weight: number;
  /** Ends the unit's name: 印染有限公司, 养猪场, 污水处理厂… */
  readonly suffix: string;
  readonly emissions: Readonly<Partial<Record<Pollutant, number>>>;
  /** Likely in an industrial park (and a park may specialise in it). */
  readonly parkable?: boolean;
}

const water = (cod: number, nh3n: number, tn: number, tp: number) => ({ cod, nh3n, tn, tp });

export const INDUSTRIES: readonly Industry[] = [
  // Industrial
  { code: '1713', type: 'industrial', weight: 8, suffix: '印染有限公司', parkable: true, emissions: { ...water(18, 1.2, 2.5, 0.15), so2: 1.5, nox: 1.2, vocs: 0.8 } },
  { code: '1819', type: 'industrial', weight: 8, suffix: '制衣有限公司', emissions: { ...water(0.6, 0.05, 0.1, 0.01) } },
  { code: '1910', type: 'industrial', weight: 2, suffix: '皮革有限公司', parkable: true, emissions: { ...water(12, 1.5, 3, 0.1) } },
  { code: '2110', type: 'industrial', weight: 8, suffix: '家具有限公司', emissions: { pm: 0.8, vocs: 3 } },
  { code: '2211', type: 'industrial', weight: 1, suffix: '浆纸有限公司', emissions: { ...water(60, 3, 6, 0.4), so2: 8, nox: 10, pm: 3 } },
  { code: '2221', type: 'industrial', weight: 4, suffix: '纸业有限公司', parkable: true, emissions: { ...water(25, 1.2, 2.5, 0.15), so2: 4, nox: 6, pm: 1.5 } },
  { code: '2511', type: 'industrial', weight: 0.3, suffix: '石化有限公司', parkable: true, emissions: { ...water(15, 2, 3, 0.1), so2: 40, nox: 60, pm: 10, vocs: 80 } },
  { code: '2614', type: 'industrial', weight: 3, suffix: '化工有限公司', parkable: true, emissions: { ...water(8, 0.8, 1.5, 0.08), so2: 3, nox: 4, vocs: 12 } },
  { code: '2641', type: 'industrial', weight: 3, suffix: '涂料有限公司', parkable: true, emissions: { ...water(1, 0.1, 0.2, 0.02), vocs: 6 } },
  { code: '2651', type: 'industrial', weight: 2, suffix: '树脂有限公司', parkable: true, emissions: { ...water(3, 0.3, 0.6, 0.03), vocs: 10 } },
  { code: '2710', type: 'industrial', weight: 1, suffix: '制药有限公司', parkable: true, emissions: { ...water(10, 1, 2, 0.1), vocs: 5 } },
  { code: '2929', type: 'industrial', weight: 9, suffix: '塑胶制品有限公司', emissions: { vocs: 1.5 } },
  { code: '3011', type: 'industrial', weight: 0.6, suffix: '水泥有限公司', emissions: { so2: 30, nox: 200, pm: 40 } },
  { code: '3071', type: 'industrial', weight: 3, suffix: '陶瓷有限公司', parkable: true, emissions: { so2: 25, nox: 30, pm: 15 } },
  { code: '3130', type: 'industrial', weight: 2, suffix: '钢铁有限公司', parkable: true, emissions: { ...water(2, 0.2, 0.4, 0.02), so2: 10, nox: 20, pm: 8 } },
  { code: '3216', type: 'industrial', weight: 0.5, suffix: '铝业有限公司', parkable: true, emissions: { so2: 20, nox: 15, pm: 10 } },
  { code: '3311', type: 'industrial', weight: 8, suffix: '钢结构有限公司', emissions: { pm: 1, vocs: 2 } },
  { code: '3360', type: 'industrial', weight: 6, suffix: '电镀有限公司', parkable: true, emissions: { ...water(3, 0.5, 1.2, 0.05) } },
  { code: '3670', type: 'industrial', weight: 4, suffix: '汽车配件有限公司', parkable: true, emissions: { ...water(1, 0.1, 0.2, 0.02), vocs: 4 } },
  { code: '3982', type: 'industrial', weight: 7, suffix: '电子有限公司', parkable: true, emissions: { ...water(6, 0.8, 1.6, 0.06), vocs: 3 } },
  { code: '1351', type: 'industrial', weight: 1.5, suffix: '肉类加工有限公司', emissions: { ...water(10, 1, 2, 0.2) } },
  { code: '1340', type: 'industrial', weight: 0.5, suffix: '糖业有限公司', emissions: { ...water(20, 0.5, 1.5, 0.2), so2: 6, nox: 5, pm: 4 } },
  { code: '1513', type: 'industrial', weight: 0.5, suffix: '啤酒有限公司', emissions: { ...water(15, 0.8, 1.5, 0.2) } },
  { code: '4411', type: 'industrial', weight: 0.3, suffix: '发电有限公司', emissions: { ...water(5, 0.3, 0.6, 0.05), so2: 300, nox: 500, pm: 80 } },
  { code: '4412', type: 'industrial', weight: 0.4, suffix: '热电有限公司', emissions: { ...water(2, 0.2, 0.4, 0.03), so2: 80, nox: 120, pm: 20 } },
  // Agricultural: large-scale livestock farms
  { code: '0313', type: 'agricultural', weight: 6, suffix: '生猪养殖场', emissions: { ...water(15, 1.5, 3, 0.5) } },
  { code: '0321', type: 'agricultural', weight: 3, suffix: '养鸡场', emissions: { ...water(4, 0.3, 0.8, 0.15) } },
  { code: '0322', type: 'agricultural', weight: 2, suffix: '养鸭场', emissions: { ...water(5, 0.4, 1, 0.2) } },
  { code: '0311', type: 'agricultural', weight: 1, suffix: '奶牛场', emissions: { ...water(20, 1, 3, 0.5) } },
  // Domestic: villages, hotels, hospitals, laundries
  { code: '6110', type: 'domestic', weight: 3, suffix: '酒店', emissions: { ...water(2, 0.3, 0.5, 0.04), so2: 0.2, nox: 0.5 } },
  { code: '6210', type: 'domestic', weight: 4, suffix: '酒家', emissions: { ...water(1, 0.1, 0.2, 0.02), pm: 0.05, vocs: 0.1 } },
  { code: '8411', type: 'domestic', weight: 1, suffix: '医院', emissions: { ...water(3, 0.5, 0.8, 0.05) } },
  { code: '8030', type: 'domestic', weight: 1, suffix: '洗涤有限公司', emissions: { ...water(1.5, 0.1, 0.2, 0.05) } },
  // Centralized treatment
  { code: '4620', type: 'centralized', weight: 1, suffix: '污水处理厂', emissions: { ...water(120, 12, 60, 1.5) } },
  { code: '7724', type: 'centralized', weight: 0, suffix: '危险废物处置中心', emissions: { so2: 2, nox: 5, pm: 1 } },
  // Mobile (fuel storage and retail, counted with mobile sources in the census)
  { code: '5265', type: 'mobile', weight: 1, suffix: '加油站', emissions: { vocs: 1.2 } },
  // Other
  { code: '7820', type: 'other', weight: 1, suffix: '环卫站', emissions: { ...water(0.5, 0.05, 0.1, 0.01) } },
  { code: '0512', type: 'other', weight: 1, suffix: '农机服务队', emissions: { so2: 0.1, nox: 2, pm: 0.2 } },
];

export const INDUSTRY_BY_CODE: ReadonlyMap<string, Industry> = new Map(INDUSTRIES.map((i) => [i.code, i]));

export function industriesOfType(type: SourceType): Industry[] {
  return INDUSTRIES.filter((i) => i.type === type && i.weight > 0);
}

export function emitsWater(industry: Industry): boolean {
  return industry.emissions.cod !== undefined;
}
