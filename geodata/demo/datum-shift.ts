import gcoordModule from 'gcoord';

// gcoord is CommonJS whose typings declare an ES default export; at run time the default
// may or may not be wrapped, so take whichever is there.
type Gcoord = typeof gcoordModule.default;
const gcoord: Gcoord = (gcoordModule as unknown as { default?: Gcoord }).default ?? (gcoordModule as unknown as Gcoord);

export type ShiftedCrs = 'gcj02' | 'bd09';

/** A WGS-84 point as the Chinese web-map datums (GCJ-02, BD-09) would show it. */
export function fromWgs84(x: number, y: number, to: ShiftedCrs): [number, number] {
  const [a, b] = gcoord.transform([x, y], gcoord.WGS84, to === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09);
  return [a, b];
}

/** Back to WGS-84 (gcoord's inverse is iterative, good to well under a metre). */
export function toWgs84(x: number, y: number, from: ShiftedCrs): [number, number] {
  const [a, b] = gcoord.transform([x, y], from === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09, gcoord.WGS84);
  return [a, b];
}
