import type { Rng } from './random.ts';

/** Every place shown to a user carries this, so demo data can never pass for real data. */
export const DEMO_PREFIX = '示范区';

// Characters common in south-China place names; two of them make a plausible, harmless name.
const PLACE_CHARS = [
  '龙', '凤', '青', '白', '石', '沙', '金', '银', '桂', '兰', '梅', '竹', '松', '柳', '潭', '溪',
  '横', '大', '新', '古', '鹤', '鹿', '马', '象', '清', '碧', '平', '安', '和', '顺', '东', '西',
  '南', '北', '前', '后', '上', '下', '田', '岗', '坑', '塘', '湾', '洲', '滘', '沥', '围', '埔',
  '头', '尾', '山', '岭', '林', '霞', '云', '星', '月', '明', '华', '荣', '富', '贵', '福', '寿',
  '泰', '康', '宁', '乐', '永', '长', '丰', '盛', '兴', '隆', '旺', '昌', '美', '秀', '香', '茶',
  '榕', '荔', '蕉', '禾', '稻', '麦', '桃', '杏', '莲', '荷', '菱', '藕', '鱼', '虾', '蚝', '螺',
  '赤', '黄', '绿', '紫', '彩', '锦', '玉', '珠', '宝', '瑞', '祥', '吉', '仁', '义', '礼', '信',
];

/**
 * Unique two-character names (three when the pairs run out), drawn without replacement in
 * a seeded order. One pool serves one kind of place so names do not repeat within it.
 */
export class NamePool {
  private readonly pairs: string[];
  private used = 0;
  constructor(rng: Rng) {
    this.pairs = [];
    for (const a of PLACE_CHARS) for (const b of PLACE_CHARS) if (a !== b) this.pairs.push(a + b);
    rng.shuffle(this.pairs);
  }

  next(): string {
    const name = this.pairs[this.used % this.pairs.length]!;
    const round = Math.floor(this.used / this.pairs.length);
    this.used++;
    return round === 0 ? name : name + PLACE_CHARS[(round - 1) % PLACE_CHARS.length]!;
  }
}

/** Trade names for companies (字号); these may repeat, as they do in real registers. */
export const TRADE_NAMES = [
  '华兴', '永利', '宏达', '金源', '恒盛', '鸿运', '富华', '德胜', '新宇', '联合', '广源', '信达',
  '万通', '利丰', '骏豪', '嘉诚', '汇丰', '佳美', '盈科', '正泰', '南粤', '粤海', '珠联', '汇通',
  '创新', '东成', '锦绣', '宝华', '瑞丰', '昌盛', '中联', '天成', '海川', '宏图', '立信', '友谊',
  '力拓', '志高', '明辉', '星河', '日升', '景隆', '美达', '百利', '福临', '祥和', '隆发', '众诚',
];

export const VILLAGE_SUFFIXES = ['村', '村', '村', '社区'];
