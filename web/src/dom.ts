/** The small DOM helpers the screens share (quality panels, import page). */

/** An element with its properties (text, attributes, handlers), data attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string> } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const { dataset, ...rest } = props;
  const e = Object.assign(document.createElement(tag), rest);
  if (dataset) Object.assign(e.dataset, dataset);
  e.append(...children);
  return e;
}

/** A table row of plain text cells. */
export function row(cells: readonly (string | number)[], tag: 'td' | 'th' = 'td'): HTMLTableRowElement {
  return el('tr', {}, ...cells.map((c) => el(tag, { textContent: String(c) })));
}
