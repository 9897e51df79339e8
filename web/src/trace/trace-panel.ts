import { fmt, lang, t } from '../i18n.ts';
import { el } from '../stats-panel.ts';
import { rankedItems, type NetworkTraceAnswer, type RankedItem } from './trace.ts';

export interface TracePanelHandlers {
  /** A ranked line was clicked: fly to it, open its detail. */
  onPick?(item: RankedItem): void;
  onClear(): void;
}

/**
 * The panel beside a drawn trace (main map and battle map alike): where it starts, how many
 * reaches it used, the validity warning when the answer may be incomplete, and the ranked list.
 */
export function renderTracePanel(panel: HTMLElement, answer: NetworkTraceAnswer, handlers: TracePanelHandlers): void {
  panel.replaceChildren();
  const start = answer.start.kind === 'source' ? answer.start.censusId : answer.start.code;
  const name = answer.trace.from.name ?? null;
  const h = el('h2', `${t(answer.direction === 'upstream' ? 'trace.upstream' : 'trace.downstream')} · ${name ? `${name}（${start}）` : start}`);
  const close = el('button', '×');
  close.className = 'close';
  close.dataset.action = 'clear-trace';
  close.addEventListener('click', () => handlers.onClear());
  h.append(close);
  const summary = el('div', answer.direction === 'upstream'
    ? t('trace.summaryUp', { reaches: answer.trace.reaches.length, sources: answer.trace.totals.sources })
    : t('trace.summaryDown', { reaches: answer.trace.reaches.length, sections: answer.trace.sections.length }));
  summary.className = 'trace-summary';
  const validity = answer.trace.validity;
  const note = el('div', validity.warning ? validity.warning[lang()] : t('trace.complete'));
  note.className = validity.warning ? 'trace-warning' : 'trace-complete';
  note.dataset.testid = 'trace-validity';
  const list = el('ol');
  list.dataset.table = 'trace-ranked';
  for (const item of rankedItems(answer)) {
    const li = el('li', `${item.name ?? item.id}`);
    li.dataset.id = item.id;
    li.dataset.kind = item.kind;
    const share = item.share === null ? '' : `${fmt(item.share * 100, 1)}% · `;
    li.append(el('small', ` ${item.id} · ${share}${fmt(item.riverM / 1000, 1)} km`));
    if (handlers.onPick) {
      li.className = 'clickable';
      li.addEventListener('click', () => handlers.onPick!(item));
    }
    list.append(li);
  }
  const heading = el('h3', t(answer.direction === 'upstream' ? 'trace.ranked' : 'trace.sectionsReached'));
  panel.append(h, summary, note, heading, list);
  panel.dataset.direction = answer.direction;
  panel.dataset.start = start;
  panel.hidden = false;
}

/** The same panel saying why there is no trace (not linked, not found, network not built). */
export function renderTraceError(panel: HTMLElement, message: string, onClear: () => void): void {
  panel.replaceChildren();
  const h = el('h2', t('trace.title'));
  const close = el('button', '×');
  close.className = 'close';
  close.addEventListener('click', onClear);
  h.append(close);
  const note = el('div', message);
  note.className = 'trace-warning';
  note.dataset.testid = 'trace-validity';
  panel.append(h, note);
  panel.hidden = false;
}
