/** A hash grid answering "is any placed point closer than d" for minimum-spacing sampling. */
export class SpacingGrid {
  private readonly cells = new Map<number, number[]>();
  constructor(private readonly size: number) {}
  private key(i: number, j: number) {
    return i * 1_000_003 + j;
  }
  add(x: number, y: number) {
    const k = this.key(Math.floor(x / this.size), Math.floor(y / this.size));
    const list = this.cells.get(k);
    if (list) list.push(x, y);
    else this.cells.set(k, [x, y]);
  }
  free(x: number, y: number, d: number): boolean {
    const i = Math.floor(x / this.size), j = Math.floor(y / this.size);
    const r = Math.ceil(d / this.size);
    for (let a = i - r; a <= i + r; a++) {
      for (let b = j - r; b <= j + r; b++) {
        const list = this.cells.get(this.key(a, b));
        if (!list) continue;
        for (let k = 0; k < list.length; k += 2) if (Math.hypot(list[k]! - x, list[k + 1]! - y) < d) return false;
      }
    }
    return true;
  }
}
