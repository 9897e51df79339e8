import type { Layer } from '@deck.gl/core';
import { PathLayer } from '@deck.gl/layers';
import type { z } from 'zod';
import { API, type Answer } from '../../../geodata/model/api/index.ts';
import type { RebuildBody } from '../../../geodata/model/api/network.ts';
import { el } from '../dom.ts';
import { fmt, locale, phrasebook } from '../i18n.ts';

/** GET /api/network/issues: the last build's outlets and doubts, each reach named and drawable. */
export type NetworkIssues = Answer<typeof API.network.issues>;
export type NetworkIssue = NetworkIssues['issues'][number];
type Kind = NetworkIssue['kind'];
type Rgb = [number, number, number];

const WORDS = {
  'nc.title': ['河网校验', 'Network check'],
  'nc.none': ['河网尚未构建：导入河流后自动构建。', 'No network built yet: it is built when rivers are imported.'],
  'nc.built': ['构建于 {at}，流向：{direction}', 'Built {at}, direction: {direction}'],
  'nc.dir.auto': ['按河网形态推断', 'found from the network\'s shape'],
  'nc.dir.stored': ['按导入的下游河段编号', 'as stored (downstream ids)'],
  'nc.dir.attribute': ['按数字化方向', 'as digitised'],
  'nc.dir.outlet': ['朝向声明的出口', 'towards the declared outlets'],
  'nc.truncated': ['只显示前 {n} 个河段', 'Only the first {n} reaches are shown'],
  'nc.kind.outlet': ['出口', 'Outlet'],
  'nc.kind.guessed': ['推断的出口（请确认）', 'Guessed outlet (confirm it)'],
  'nc.kind.ambiguous_fork': ['无法判定的分汊', 'Unresolved fork'],
  'nc.kind.no_outlet': ['无出口', 'Reaches no outlet'],
  'nc.kind.cycle': ['环路', 'Loop'],
  'nc.kind.off_flow': ['不参与流向（双线河另一岸、岛环）', 'Off the flow (second bank, island ring)'],
  'nc.unnamed': ['未命名河段', 'unnamed reach'],
  'nc.confirm': ['确认出口', 'Confirm outlet'],
  'nc.notOutlet': ['不是出口', 'Not an outlet'],
  'nc.makeOutlet': ['设为出口', 'Make it the outlet'],
  'nc.rebuilding': ['正在按确认重建河网…', 'Rebuilding the network with your decision…'],
} as const satisfies Record<string, readonly [zh: string, en: string]>;
const tn = phrasebook<keyof typeof WORDS>(WORDS);

/** A reach's class on the check: guessed outlets apart from outlets found at a mouth or declared. */
type Shown = Kind | 'guessed';
const shownOf = (i: NetworkIssue): Shown => (i.kind === 'outlet' && i.how === 'free-end' ? 'guessed' : i.kind);

/**
 * One colour per class, none of them the trace's fuchsia: teal outlets, orange guessed outlets
 * (they want the user's confirmation), amber forks, red reaches without outlet, violet loops,
 * grey reaches off the flow.
 */
export const ISSUE_COLOURS: Record<Shown, Rgb> = {
  outlet: [13, 148, 136], guessed: [234, 88, 12], ambiguous_fork: [245, 158, 11], no_outlet: [220, 38, 38], cycle: [124, 58, 237], off_flow: [107, 114, 128],
};
/** Listed in this order: what wants a decision first. */
const ORDER: Shown[] = ['guessed', 'ambiguous_fork', 'no_outlet', 'cycle', 'off_flow', 'outlet'];
const MAX_LISTED = 300;

/** The deck.gl layer of the check: every drawn reach in its class's colour. */
export function networkCheckLayers(issues: NetworkIssues | null): Layer[] {
  if (!issues) return [];
  return [new PathLayer<NetworkIssue>({
    id: 'network-check', data: issues.issues.filter((i) => i.path.length > 1), getPath: (i) => i.path,
    getColor: (i) => [...ISSUE_COLOURS[shownOf(i)], 235], getWidth: 6, widthUnits: 'pixels', widthMinPixels: 4,
    capRounded: true, jointRounded: true,
  })];
}

/** What an admin decided about outlets: reach ids to add to the declared outlets or to the not-outlets. */
export interface OutletDecision { outlets?: number[]; notOutlets?: number[] }

export interface NetworkCheckHandlers {
  /** A listed reach was clicked: frame it. */
  onPick(issue: NetworkIssue): void;
  /** Admins only: confirm, refuse or make an outlet; the map rebuilds and draws the check again. */
  onDecide?: (decision: OutletDecision) => void;
  onClose(): void;
}

/** The check's panel: when and how the network was built, a count per class, and the reaches by class. */
export function renderNetworkCheck(panel: HTMLElement, issues: NetworkIssues, handlers: NetworkCheckHandlers): void {
  const close = el('button', { type: 'button', className: 'close', textContent: '×', dataset: { action: 'close-network-check' } });
  close.onclick = () => handlers.onClose();
  const parts: Node[] = [el('h2', {}, tn('nc.title'), close)];
  if (!issues.builtAt) {
    parts.push(el('p', { textContent: tn('nc.none') }));
    panel.replaceChildren(...parts);
    panel.hidden = false;
    return;
  }
  parts.push(el('p', { className: 'nc-built', textContent: tn('nc.built', { at: new Date(issues.builtAt).toLocaleString(locale()), direction: directionLabel(issues.direction) }) }));
  const counts = new Map<Shown, number>();
  for (const i of issues.issues) counts.set(shownOf(i), (counts.get(shownOf(i)) ?? 0) + 1);
  parts.push(el('ul', { className: 'nc-counts', id: 'nc-counts' }, ...ORDER.filter((k) => counts.get(k)).map((k) =>
    el('li', { dataset: { kind: k } }, swatch(k), ` ${tn(`nc.kind.${k}`)}: ${fmt(counts.get(k)!, 0)}`))));
  if (issues.truncated) parts.push(el('p', { textContent: tn('nc.truncated', { n: fmt(issues.issues.length, 0) }) }));
  const sorted = [...issues.issues].sort((a, b) => ORDER.indexOf(shownOf(a)) - ORDER.indexOf(shownOf(b)) || a.reach - b.reach);
  const list = el('ol', { className: 'nc-list', id: 'nc-list' }, ...sorted.slice(0, MAX_LISTED).map((i) => {
    const li = el('li', { className: 'clickable', dataset: { reach: String(i.reach), kind: shownOf(i) } },
      swatch(shownOf(i)), ' ', el('span', { className: 'nc-name', textContent: i.name ?? tn('nc.unnamed') }), ' ', el('small', { textContent: `#${i.reach} · ${tn(`nc.kind.${shownOf(i)}`)}` }));
    li.title = i.note ?? '';
    li.onclick = () => handlers.onPick(i);
    if (handlers.onDecide) li.append(...decisions(i, handlers.onDecide));
    return li;
  }));
  parts.push(list);
  panel.replaceChildren(...parts);
  panel.hidden = false;
}

/** Says the network is being rebuilt with the user's decision. */
export function renderNetworkCheckBusy(panel: HTMLElement): void {
  panel.replaceChildren(el('h2', { textContent: tn('nc.title') }), el('p', { textContent: tn('nc.rebuilding') }));
  panel.hidden = false;
}

function decisions(i: NetworkIssue, decide: (d: OutletDecision) => void): Node[] {
  const button = (key: 'nc.confirm' | 'nc.notOutlet' | 'nc.makeOutlet', action: string, decision: OutletDecision) => {
    const b = el('button', { type: 'button', textContent: tn(key), dataset: { action } });
    b.onclick = (e) => { e.stopPropagation(); decide(decision); };
    return b;
  };
  if (i.kind === 'outlet') {
    return i.how === 'declared' ? [] : [button('nc.confirm', 'confirm-outlet', { outlets: [i.reach] }), button('nc.notOutlet', 'not-outlet', { notOutlets: [i.reach] })];
  }
  return i.kind === 'off_flow' ? [] : [button('nc.makeOutlet', 'make-outlet', { outlets: [i.reach] })];
}

function directionLabel(direction: string | null): string {
  const known = ['auto', 'stored', 'attribute', 'outlet'] as const;
  const d = known.find((k) => k === direction);
  return d ? tn(`nc.dir.${d}`) : direction ?? '';
}

function swatch(k: Shown): HTMLElement {
  const s = el('span', { className: 'nc-swatch' });
  s.style.background = `rgb(${ISSUE_COLOURS[k].join(',')})`;
  return s;
}

/**
 * The rebuild body for a decision: the last build's options with the reach added to the
 * declared outlets or the not-outlets (and taken out of the other list), its link tolerances
 * kept. A stored or digitised direction becomes 'auto', the mode that takes declarations.
 */
export function rebuildBodyFor(issues: NetworkIssues, decision: OutletDecision): z.input<typeof RebuildBody> {
  const last = issues.options ?? { direction: 'auto' };
  const outlets = new Set(last.outlets ?? []), notOutlets = new Set(last.notOutlets ?? []);
  for (const id of decision.outlets ?? []) { outlets.add(id); notOutlets.delete(id); }
  for (const id of decision.notOutlets ?? []) { notOutlets.add(id); outlets.delete(id); }
  const direction = last.direction === 'outlet' && outlets.size > 0 ? 'outlet' : 'auto';
  const number = (k: string) => (typeof last[k] === 'number' ? { [k]: last[k] as number } : {});
  return {
    ...number('toleranceM'), ...number('gapSearchM'), ...number('maxBankWidthM'), direction,
    ...(outlets.size > 0 && { outlets: [...outlets].sort((a, b) => a - b) }),
    ...(notOutlets.size > 0 && direction === 'auto' && { notOutlets: [...notOutlets].sort((a, b) => a - b) }),
    link: issues.linkOptions ?? {},
  };
}
