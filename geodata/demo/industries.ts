/**
 * GB/T 4754-2017 industry classes used by the demo, by source type, with how often each
 * occurs, the word that ends a firm's name, and median emissions in t/a per pollutant
 * (missing = the pollutant does not apply to that class). Medians are rough orders of
 * magnitude from census-style reports, enough to make maps and rankings look plausible.
 */
export type SourceType = 'industrial' | 'agricultural' | 'domestic' | 'centralized' | 'mobile' | 'other';
export type Pollutant = 'cod' | 'nh3n' | 'tn' | 'tp' | 'so2' | 'nox' | 'pm' | 'vocs';

export const WATER_POLLUTANTS: readonly Pollutant[] = ['cod', 'nh3n', 'tn', 'tp'];
export const AIR_POLLUTANTS: readonly Pollutant[] = ['so2', 'nox', 'pm', 'vocs'];

export interface Industry {
  readonly code: string;
  readonly title: string;
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
  { code: '1713', title: '棉印染精加工', type: 'industrial', weight: 8, suffix: '印染有限公司', parkable: true, emissions: { ...water(18, 1.2, 2.5, 0.15), so2: 1.5, nox: 1.2, vocs: 0.8 } },
  { code: '1810', title: '机织服装制造', type: 'industrial', weight: 8, suffix: '制衣有限公司', emissions: { ...water(0.6, 0.05, 0.1, 0.01) } },
  { code: '1910', title: '皮革鞣制加工', type: 'industrial', weight: 2, suffix: '皮革有限公司', parkable: true, emissions: { ...water(12, 1.5, 3, 0.1) } },
  { code: '2110', title: '木质家具制造', type: 'industrial', weight: 8, suffix: '家具有限公司', emissions: { pm: 0.8, vocs: 3 } },
  { code: '2211', title: '木竹浆制造', type: 'industrial', weight: 1, suffix: '浆纸有限公司', emissions: { ...water(60, 3, 6, 0.4), so2: 8, nox: 10, pm: 3 } },
  { code: '2221', title: '机制纸及纸板制造', type: 'industrial', weight: 4, suffix: '纸业有限公司', parkable: true, emissions: { ...water(25, 1.2, 2.5, 0.15), so2: 4, nox: 6, pm: 1.5 } },
  { code: '2511', title: '原油加工及石油制品制造', type: 'industrial', weight: 0.3, suffix: '石化有限公司', parkable: true, emissions: { ...water(15, 2, 3, 0.1), so2: 40, nox: 60, pm: 10, vocs: 80 } },
  { code: '2614', title: '有机化学原料制造', type: 'industrial', weight: 3, suffix: '化工有限公司', parkable: true, emissions: { ...water(8, 0.8, 1.5, 0.08), so2: 3, nox: 4, vocs: 12 } },
  { code: '2641', title: '涂料制造', type: 'industrial', weight: 3, suffix: '涂料有限公司', parkable: true, emissions: { ...water(1, 0.1, 0.2, 0.02), vocs: 6 } },
  { code: '2651', title: '初级形态塑料及合成树脂制造', type: 'industrial', weight: 2, suffix: '树脂有限公司', parkable: true, emissions: { ...water(3, 0.3, 0.6, 0.03), vocs: 10 } },
  { code: '2710', title: '化学药品原料药制造', type: 'industrial', weight: 1, suffix: '制药有限公司', parkable: true, emissions: { ...water(10, 1, 2, 0.1), vocs: 5 } },
  { code: '2929', title: '塑料零件及其他塑料制品制造', type: 'industrial', weight: 9, suffix: '塑胶制品有限公司', emissions: { vocs: 1.5 } },
  { code: '3011', title: '水泥制造', type: 'industrial', weight: 0.6, suffix: '水泥有限公司', emissions: { so2: 30, nox: 200, pm: 40 } },
  { code: '3071', title: '建筑陶瓷制品制造', type: 'industrial', weight: 3, suffix: '陶瓷有限公司', parkable: true, emissions: { so2: 25, nox: 30, pm: 15 } },
  { code: '3130', title: '钢压延加工', type: 'industrial', weight: 2, suffix: '钢铁有限公司', parkable: true, emissions: { ...water(2, 0.2, 0.4, 0.02), so2: 10, nox: 20, pm: 8 } },
  { code: '3216', title: '铝冶炼', type: 'industrial', weight: 0.5, suffix: '铝业有限公司', parkable: true, emissions: { so2: 20, nox: 15, pm: 10 } },
  { code: '3311', title: '金属结构制造', type: 'industrial', weight: 8, suffix: '钢结构有限公司', emissions: { pm: 1, vocs: 2 } },
  { code: '3360', title: '金属表面处理及热处理加工', type: 'industrial', weight: 6, suffix: '电镀有限公司', parkable: true, emissions: { ...water(3, 0.5, 1.2, 0.05) } },
  { code: '3670', title: '汽车零部件及配件制造', type: 'industrial', weight: 4, suffix: '汽车配件有限公司', parkable: true, emissions: { ...water(1, 0.1, 0.2, 0.02), vocs: 4 } },
  { code: '3982', title: '电子电路制造', type: 'industrial', weight: 7, suffix: '电子有限公司', parkable: true, emissions: { ...water(6, 0.8, 1.6, 0.06), vocs: 3 } },
  { code: '1351', title: '牲畜屠宰', type: 'industrial', weight: 1.5, suffix: '肉类加工有限公司', emissions: { ...water(10, 1, 2, 0.2) } },
  { code: '1340', title: '制糖业', type: 'industrial', weight: 0.5, suffix: '糖业有限公司', emissions: { ...water(20, 0.5, 1.5, 0.2), so2: 6, nox: 5, pm: 4 } },
  { code: '1513', title: '啤酒制造', type: 'industrial', weight: 0.5, suffix: '啤酒有限公司', emissions: { ...water(15, 0.8, 1.5, 0.2) } },
  { code: '4411', title: '火力发电', type: 'industrial', weight: 0.3, suffix: '发电有限公司', emissions: { ...water(5, 0.3, 0.6, 0.05), so2: 300, nox: 500, pm: 80 } },
  { code: '4412', title: '热电联产', type: 'industrial', weight: 0.4, suffix: '热电有限公司', emissions: { ...water(2, 0.2, 0.4, 0.03), so2: 80, nox: 120, pm: 20 } },
  // Agricultural: large-scale livestock farms
  { code: '0313', title: '猪的饲养', type: 'agricultural', weight: 6, suffix: '生猪养殖场', emissions: { ...water(15, 1.5, 3, 0.5) } },
  { code: '0321', title: '鸡的饲养', type: 'agricultural', weight: 3, suffix: '养鸡场', emissions: { ...water(4, 0.3, 0.8, 0.15) } },
  { code: '0322', title: '鸭的饲养', type: 'agricultural', weight: 2, suffix: '养鸭场', emissions: { ...water(5, 0.4, 1, 0.2) } },
  { code: '0311', title: '牛的饲养', type: 'agricultural', weight: 1, suffix: '奶牛场', emissions: { ...water(20, 1, 3, 0.5) } },
  // Domestic: villages, hotels, hospitals, laundries
  { code: '6110', title: '旅游饭店', type: 'domestic', weight: 3, suffix: '酒店', emissions: { ...water(2, 0.3, 0.5, 0.04), so2: 0.2, nox: 0.5 } },
  { code: '6210', title: '正餐服务', type: 'domestic', weight: 4, suffix: '酒家', emissions: { ...water(1, 0.1, 0.2, 0.02), pm: 0.05, vocs: 0.1 } },
  { code: '8411', title: '综合医院', type: 'domestic', weight: 1, suffix: '医院', emissions: { ...water(3, 0.5, 0.8, 0.05) } },
  { code: '8030', title: '洗染服务', type: 'domestic', weight: 1, suffix: '洗涤有限公司', emissions: { ...water(1.5, 0.1, 0.2, 0.05) } },
  // Centralized treatment
  { code: '4620', title: '污水处理及其再生利用', type: 'centralized', weight: 1, suffix: '污水处理厂', emissions: { ...water(120, 12, 60, 1.5) } },
  { code: '7724', title: '危险废物治理', type: 'centralized', weight: 0, suffix: '危险废物处置中心', emissions: { so2: 2, nox: 5, pm: 1 } },
  // Mobile (fuel storage and retail, counted with mobile sources in the census)
  { code: '5265', title: '机动车燃油零售', type: 'mobile', weight: 1, suffix: '加油站', emissions: { vocs: 1.2 } },
  // Other
  { code: '7820', title: '环境卫生管理', type: 'other', weight: 1, suffix: '环卫站', emissions: { ...water(0.5, 0.05, 0.1, 0.01) } },
  { code: '0511', title: '农业机械活动', type: 'other', weight: 1, suffix: '农机服务队', emissions: { so2: 0.1, nox: 2, pm: 0.2 } },
];

export const INDUSTRY_BY_CODE: ReadonlyMap<string, Industry> = new Map(INDUSTRIES.map((i) => [i.code, i]));

export function industriesOfType(type: SourceType): Industry[] {
  return INDUSTRIES.filter((i) => i.type === type && i.weight > 0);
}

export function emitsWater(industry: Industry): boolean {
  return industry.emissions.cod !== undefined;
}
