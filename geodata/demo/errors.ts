import { fromWgs84 } from './datum-shift.ts';
import type { Rng } from './random.ts';
import { WeightedPicker } from './random.ts';

/**
 * Coordinate mistakes seeded into about 3% of the sources, with their ground truth, so a
 * geolocation check can be measured against what was done. For every kind, `geom` is what
 * a naive importer would store: the entered text read as WGS-84 (NULL when empty).
 */
export type SeededErrorKind =
  | 'swapped_lat_lon'
  | 'zero_coordinates'
  | 'empty_coordinates'
  | 'out_of_range'
  | 'dms_as_decimal'
  | 'gcj02_as_wgs84'
  | 'bd09_as_wgs84'
  | 'stacked_point'
  | 'township_centroid'
  | 'low_precision'
  | 'outside_declared_zone';

export interface SeededError {
  readonly census_id: string;
  readonly kind: SeededErrorKind;
}

export const SEEDED_ERROR_KINDS: readonly SeededErrorKind[] = [
  'swapped_lat_lon', 'zero_coordinates', 'empty_coordinates', 'out_of_range', 'dms_as_decimal', 'gcj02_as_wgs84',
  'bd09_as_wgs84', 'stacked_point', 'township_centroid', 'low_precision', 'outside_declared_zone',
];

const KIND_WEIGHTS: Readonly<Record<SeededErrorKind, number>> = {
  swapped_lat_lon: 10, zero_coordinates: 5, empty_coordinates: 6, out_of_range: 5, dms_as_decimal: 8,
  gcj02_as_wgs84: 22, bd09_as_wgs84: 10, stacked_point: 10, township_centroid: 7, low_precision: 10,
  outside_declared_zone: 7,
};

export const ERROR_SHARE = 0.03;

export interface ErrorPlan {
  /** Per source index: 0 for none, else 1 + index in SEEDED_ERROR_KINDS. */
  readonly kinds: Uint8Array;
  /** For stacked sources: which stack point they share. */
  readonly stackOf: Map<number, number>;
  readonly stackCount: number;
  readonly errors: SeededError[];
}

/**
 * Decides up front which sources carry which mistake, so the ground truth is known before
 * any source is generated (sources stream; the truth list does not).
 */
export function planErrors(total: number, firstEligible: number, censusId: (i: number) => string, rng: Rng): ErrorPlan {
  const kinds = new Uint8Array(total);
  const picker = new WeightedPicker(SEEDED_ERROR_KINDS.map((k) => KIND_WEIGHTS[k]));
  const errors: SeededError[] = [];
  const stackOf = new Map<number, number>();
  let stack = -1;
  let left = 0;
  for (let i = firstEligible; i < total; i++) {
    if (!rng.chance(ERROR_SHARE)) continue;
    const k = picker.pick(rng);
    kinds[i] = k + 1;
    const kind = SEEDED_ERROR_KINDS[k]!;
    errors.push({ census_id: censusId(i), kind });
    if (kind === 'stacked_point') {
      // Groups of unrelated sources (different places, types) typed in with one address point.
      if (left === 0) {
        stack++;
        left = 4 + rng.int(12);
      }
      stackOf.set(i, stack);
      left--;
    }
  }
  return { kinds, stackOf, stackCount: stack + 1, errors };
}

export interface Entered {
  entered_x: string;
  entered_y: string;
  entered_crs: string;
  /** What a naive importer stores: [x, y] read from the text as WGS-84, or null. */
  geom: [number, number] | null;
}

export interface ErrorContext {
  /** True position in degrees. */
  readonly x: number;
  readonly y: number;
  readonly crs: string;
  readonly stackPoint: () => [number, number];
  readonly townshipCentroid: () => [number, number];
  readonly elsewhere: () => [number, number];
}

export function applyError(kind: SeededErrorKind, ctx: ErrorContext, rng: Rng): Entered {
  const asTyped = (x: string, y: string, crs = ctx.crs): Entered => ({
    entered_x: x, entered_y: y, entered_crs: crs, geom: x === '' || y === '' ? null : [Number(x), Number(y)],
  });
  const six = (v: number) => v.toFixed(6);
  switch (kind) {
    case 'swapped_lat_lon':
      return asTyped(six(ctx.y), six(ctx.x));
    case 'zero_coordinates':
      return asTyped('0', '0');
    case 'empty_coordinates':
      return asTyped('', '');
    case 'out_of_range':
      // A slipped decimal point: 1134.56789 or 226.12345.
      return rng.chance(0.5) ? asTyped((ctx.x * 10).toFixed(5), six(ctx.y)) : asTyped(six(ctx.x), (ctx.y * 10).toFixed(5));
    case 'dms_as_decimal':
      return asTyped(dmsDigits(ctx.x), dmsDigits(ctx.y));
    case 'gcj02_as_wgs84': {
      const [x, y] = fromWgs84(ctx.x, ctx.y, 'gcj02');
      return asTyped(six(x), six(y), 'wgs84');
    }
    case 'bd09_as_wgs84': {
      const [x, y] = fromWgs84(ctx.x, ctx.y, 'bd09');
      return asTyped(six(x), six(y), 'wgs84');
    }
    case 'stacked_point': {
      const [x, y] = ctx.stackPoint();
      return asTyped(six(x), six(y));
    }
    case 'township_centroid': {
      const [x, y] = ctx.townshipCentroid();
      return asTyped(six(x), six(y));
    }
    case 'low_precision':
      return asTyped(ctx.x.toFixed(2), ctx.y.toFixed(2));
    case 'outside_declared_zone': {
      const [x, y] = ctx.elsewhere();
      return asTyped(six(x), six(y));
    }
  }
}

/** 113°33'45" typed as 113.3345: degrees, then minutes and seconds as decimal digits. */
export function dmsDigits(value: number): string {
  const totalSeconds = Math.round(value * 3600);
  const d = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `${d}.${String(m).padStart(2, '0')}${String(s).padStart(2, '0')}`;
}
