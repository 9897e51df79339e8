import type { ECharts } from 'echarts/core';
import type { GroupCount, Statistics } from './api.ts';
import { fmt, lang, t, type MessageKey } from './i18n.ts';
import { industryName } from './industries.ts';
import { POLLUTANTS, type Pollutant } from './state.ts';
import { TYPE_COLORS } from './data-layers.ts';

type EchartsCore = Pick<typeof import('echarts/core'), 'init'>;
let echartsLoading: Promise<EchartsCore> | null = null;

/** ECharts is loaded on first use (its own chunks), so it does not hold up the map's start. */
export function loadEcharts(): Promise<EchartsCore> {
  echartsLoading ??= (async () => {
    const [{ use, init }, { BarChart }, { GridComponent, TooltipComponent }, { CanvasRenderer }] = await Promise.all([
      import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers'),
    ]);
    use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);
    return { init };
  })();
  echartsLoading.catch(() => { echartsLoading = null; });
  return echartsLoading;
}

/**
 * Bar charts (ECharts, which these users know from their own reporting systems; bars compare
 * categories exactly, where pies do not) with the numbers behind them in a table. Clicking a bar
 * or a row narrows the filters to it.
 */
export interface StatsPanelEvents {
  onPickType(type: string): void;
  onPickIndustry(prefix: string): void;
  onPickDivision(code: string): void;
}

export class StatsPanel {
  private charts = new Map<string, ECharts>();
  private last: Statistics | null = null;
  /** Bumped by every render, so charts of an older render that finish loading late are dropped. */
  private generation = 0;
  private pendingCharts: ((ec: EchartsCore) => void)[] = [];

  constructor(private readonly root: HTMLElement, private readonly events: StatsPanelEvents, private sizeBy: () => Pollutant | null) {}

  /** The ECharts instance of one block (for tests), once drawn. */
  chart(id: string): ECharts | undefined {
    return this.charts.get(id);
  }

  /** Renders the tables at once; the returned promise settles when the charts are drawn too. */
  render(stats: Statistics | null = this.last): Promise<void> {
    this.last = stats;
    const generation = ++this.generation;
    for (const c of this.charts.values()) c.dispose();
    this.charts.clear();
    this.pendingCharts = [];
    this.root.innerHTML = '';
    const h = el('h2', t('statistics'));
    this.root.append(h);
    if (!stats) return Promise.resolve();
    const total = el('div', `${fmt(stats.count, 0)} ${t('sources')}`);
    total.className = 'total';
    total.dataset.testid = 'stats-total';
    total.dataset.count = String(stats.count);
    this.root.append(total);
    const zh = lang() === 'zh';
    const pol = this.sizeBy() ?? 'cod';
    this.block('byType', t('byType'), stats.byType.map((g) => ({ g, label: t(`type.${g.code}` as MessageKey) })), 'count',
      (g) => this.events.onPickType(g.code), (g) => TYPE_COLORS[g.code as keyof typeof TYPE_COLORS]);
    this.block('industries', t('topIndustries'), stats.topIndustries.map((g) => ({ g, label: industryName(g.code, zh ? 'zh' : 'en') })), 'count',
      (g) => this.events.onPickIndustry(g.code));
    const emissionRows = POLLUTANTS.map((p) => ({ g: { code: p, name: null, count: stats.emissions[p], emissions: stats.emissions } as GroupCount, label: t(`pol.${p}` as MessageKey) }));
    this.block('emissions', t('emissions'), emissionRows, 'count', null);
    this.block('divisions', `${t('byDivision')} · ${t(`pol.${pol}` as MessageKey)}`, stats.byDivision.map((g) => ({ g, label: g.name ?? g.code })), pol,
      (g) => this.events.onPickDivision(g.code));
    const draws = this.pendingCharts;
    this.pendingCharts = [];
    return loadEcharts().then((ec) => {
      if (generation === this.generation) for (const drawChart of draws) drawChart(ec);
    }, (err) => console.warn('charts failed to load', err));
  }

  private block(
    id: string,
    title: string,
    rows: { g: GroupCount; label: string }[],
    metric: 'count' | Pollutant,
    onPick: ((g: GroupCount) => void) | null,
    color?: (g: GroupCount) => number[] | undefined,
  ): void {
    const value = (g: GroupCount) => (metric === 'count' ? g.count : g.emissions[metric]);
    const h = el('h2', title);
    const chartEl = el('div');
    chartEl.className = 'chart';
    chartEl.dataset.chart = id;
    this.root.append(h, chartEl);
    const data = [...rows].reverse();
    this.pendingCharts.push((ec) => {
      const chart = ec.init(chartEl, undefined, { renderer: 'canvas' });
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 40, top: 4, bottom: 4, containLabel: true },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        // Few, short axis labels (5万 / 50k), whole steps for counts: a narrow panel otherwise
        // runs "50,000100,000" together, and a count of 1 gets ticks 0 0 0 1 1 1.
        xAxis: { type: 'value', splitNumber: 3, minInterval: metric === 'count' ? 1 : 0, axisLabel: { formatter: axisNumber, hideOverlap: true } },
        yAxis: { type: 'category', data: data.map((r) => truncate(r.label, 12)), axisLabel: { fontSize: 11 } },
        series: [{
          type: 'bar',
          data: data.map((r) => {
            const c = color?.(r.g);
            return { value: value(r.g), itemStyle: c ? { color: `rgba(${c[0]},${c[1]},${c[2]},1)` } : undefined };
          }),
          itemStyle: { color: '#0f4c81' },
          label: { show: true, position: 'right', formatter: (p: { value: number }) => fmt(p.value, metric === 'count' ? 0 : 1), fontSize: 10 },
        }],
      });
      if (onPick) chart.on('click', (p) => onPick(data[p.dataIndex]!.g));
      this.charts.set(id, chart);
    });
    const table = el('table');
    table.className = 'numbers';
    table.dataset.table = id;
    for (const r of rows) {
      const tr = el('tr');
      tr.append(el('td', r.label));
      const td = el('td', fmt(value(r.g), metric === 'count' && id !== 'emissions' ? 0 : 2));
      td.className = 'num';
      tr.append(td);
      if (onPick) {
        tr.className = 'clickable';
        tr.dataset.code = r.g.code;
        tr.addEventListener('click', () => onPick(r.g));
      }
      table.append(tr);
    }
    this.root.append(table);
  }
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** An axis number in few characters: 5万 / 50k from ten thousand on, one decimal below ten. */
export function axisNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 10_000) return lang() === 'zh' ? `${fmt(v / 10_000, a >= 100_000 ? 0 : 1)}万` : `${fmt(v / 1000, 0)}k`;
  return fmt(v, a > 0 && a < 10 && !Number.isInteger(v) ? 1 : 0);
}
