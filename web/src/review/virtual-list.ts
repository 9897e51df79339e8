/**
 * A list of any length that holds in the DOM only the rows in view (plus a margin) and reads
 * from the server only the pages those rows fall in: scrolling 600,000 findings costs a page of
 * 100 per screenful, never the whole list.
 */
export class VirtualList<T> {
  private pages = new Map<number, T[] | Promise<T[]>>();
  private total = 0;
  /** Whether a page since the last reset brought the total: only one read a reset counts. */
  private counted = false;
  private readonly spacer: HTMLDivElement;
  private frame = 0;

  constructor(
    private readonly host: HTMLElement,
    private readonly options: {
      rowHeight: number;
      pageSize: number;
      /** `count`: the total is wanted with this page (the first read after a reset). */
      load(offset: number, limit: number, count: boolean): Promise<{ total?: number | undefined; rows: T[] }>;
      render(row: T, index: number): HTMLElement;
      placeholder(index: number): HTMLElement;
    },
  ) {
    this.spacer = document.createElement('div');
    this.spacer.className = 'vl-spacer';
    this.spacer.style.position = 'relative';
    host.replaceChildren(this.spacer);
    host.addEventListener('scroll', () => this.schedule());
  }

  /** Forgets every page and reads the first again (a filter changed, an item was saved). */
  async reset(keepScroll = false): Promise<number> {
    this.pages.clear();
    this.counted = false;
    if (!keepScroll) this.host.scrollTop = 0;
    await this.page(Math.floor(this.host.scrollTop / this.options.rowHeight / this.options.pageSize));
    this.draw();
    return this.total;
  }

  get length(): number {
    return this.total;
  }

  /** The row at a position, reading its page when needed. */
  async at(index: number): Promise<T | undefined> {
    return (await this.page(Math.floor(index / this.options.pageSize)))[index % this.options.pageSize];
  }

  /** Scrolls a position into view. */
  reveal(index: number): void {
    const top = index * this.options.rowHeight;
    const h = this.host.clientHeight;
    if (top < this.host.scrollTop) this.host.scrollTop = top;
    else if (top + this.options.rowHeight > this.host.scrollTop + h) this.host.scrollTop = top + this.options.rowHeight - h;
    this.draw();
  }

  /** Rows in the DOM now (for tests: far fewer than the list holds). */
  renderedCount(): number {
    return this.spacer.childElementCount;
  }

  loadedPages(): number {
    return [...this.pages.values()].filter((p) => Array.isArray(p)).length;
  }

  redraw(): void {
    this.draw();
  }

  private schedule(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.draw());
  }

  private page(n: number): Promise<T[]> {
    const have = this.pages.get(n);
    if (have) return Promise.resolve(have);
    const count = !this.counted;
    this.counted = true;
    const p = this.options.load(n * this.options.pageSize, this.options.pageSize, count).then((r) => {
      if (r.total !== undefined) this.total = r.total;
      this.pages.set(n, r.rows);
      return r.rows;
    }, (err) => {
      this.pages.delete(n);
      if (count) this.counted = false;
      throw err;
    });
    this.pages.set(n, p);
    return p;
  }

  private draw(): void {
    const { rowHeight, pageSize } = this.options;
    this.spacer.style.height = `${this.total * rowHeight}px`;
    const first = Math.max(0, Math.floor(this.host.scrollTop / rowHeight) - 10);
    const last = Math.min(this.total - 1, Math.ceil((this.host.scrollTop + this.host.clientHeight) / rowHeight) + 10);
    const rows: HTMLElement[] = [];
    const missing = new Set<number>();
    for (let i = first; i <= last; i++) {
      const page = this.pages.get(Math.floor(i / pageSize));
      const row = Array.isArray(page) ? page[i % pageSize] : undefined;
      if (!Array.isArray(page)) missing.add(Math.floor(i / pageSize));
      const el = row === undefined ? this.options.placeholder(i) : this.options.render(row, i);
      el.style.position = 'absolute';
      el.style.top = `${i * rowHeight}px`;
      el.style.height = `${rowHeight}px`;
      el.style.left = '0';
      el.style.right = '0';
      el.dataset.index = String(i);
      rows.push(el);
    }
    this.spacer.replaceChildren(...rows);
    for (const n of missing) void this.page(n).then(() => this.schedule(), () => {});
  }
}
