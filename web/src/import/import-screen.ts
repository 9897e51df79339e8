/**
 * 导入 (the import page, admins): drop a file, a shapefile set or a zip; the server reads its
 * head and proposes the layer, encoding, CRS and field mapping (POST /api/import/inspect); the
 * user adjusts the mapping in a table; the import runs as a job (POST /api/import/jobs) whose
 * progress this page polls; the report lists the errors by line and the repaired geometries,
 * and offers the rejected rows as a CSV with BOM that Excel opens in Chinese.
 */
import { API, type Answer } from '../../../geodata/model/api/index.ts';
import { ON_EXISTING, TEXT_ENCODINGS } from '../../../geodata/model/api/import.ts';
import { el, row } from '../dom.ts';
import { ApiError, http } from '../http.ts';
import { attribute, fmt, onLangChange } from '../i18n.ts';
import type { Screen } from '../shell/screen.ts';
import { kindLabel, ti } from './import-i18n.ts';
import { rejectedRowsCsv } from './rejected-rows.ts';
import './import.css';

type Inspection = Answer<typeof API.import.inspect>;
type Job = Answer<typeof API.import.job>;

const POLL_MS = 400;

/** A target's name: the attribute's label, and longitude/latitude for the point's two fields. */
function targetLabel(target: string): string {
  if (target === 'lon' || target === 'lat') return ti(target === 'lon' ? 'im.lon' : 'im.lat');
  return attribute(target, null).label;
}

export default function createImportScreen(): Screen {
  let stop = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    mount(container) {
      let files: File[] = [];
      let inspection: Inspection | null = null;
      let kind = '';
      /** File field → chosen target ('' = not imported), as the table shows it. */
      let mapping: Record<string, string> = {};
      let job: Job | null = null;
      /** Overrides of what the head proposed: re-read with them ('' = as detected). */
      let encoding = '';
      let sheet = '';
      /** The import's options as the user set them; kept across redraws. */
      const opts = { repair: true, srid: '', onExisting: 'refuse' as (typeof ON_EXISTING)[number], keepValid: false };
      let message: () => string = () => '';
      let bad = false;
      const root = el('section', { className: 'im-screen', id: 'import-screen' });
      container.append(root);

      const say = (text: () => string, isBad = false) => { message = text; bad = isBad; draw(); };
      const fail = (e: unknown) => {
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) say(() => ti('im.adminOnly'), true);
        else { const text = e instanceof Error ? e.message : String(e); say(() => text, true); }
      };

      const choose = (k: string) => {
        kind = k;
        const proposal = inspection?.proposals.find((p) => p.kind === k);
        mapping = Object.fromEntries((inspection?.fields ?? []).map((f) => [f, proposal?.mapping[f] ?? '']));
      };

      const inspect = async () => {
        if (files.length === 0) return;
        // A head that cannot be read with the encoding or sheet the user picked leaves the last
        // reading on the page, with the reason, rather than nothing to pick from again.
        const before = inspection ? { inspection, kind, mapping, encoding: inspection.encoding ?? '', sheet: inspection.sheet ?? '' } : null;
        job = null;
        inspection = null;
        say(() => ti('im.reading'));
        try {
          const form = new FormData();
          if (encoding) form.append('encoding', encoding);
          if (sheet) form.append('sheet', sheet);
          for (const f of files) form.append('file', f, f.name);
          inspection = await http.call(API.import.inspect, { body: form });
          choose(inspection.proposals[0]?.kind ?? '');
          say(() => '');
        } catch (e) {
          if (before) {
            ({ inspection, kind, mapping } = before);
            encoding = encoding && before.encoding === encoding ? encoding : '';
            sheet = sheet && before.sheet === sheet ? sheet : '';
          }
          fail(e);
        }
      };

      const start = async () => {
        if (!inspection || !kind) return;
        const form = new FormData();
        form.append('kind', kind);
        // Every field the table shows is sent: a chosen target, or "" for one not imported.
        form.append('mapping', JSON.stringify(mapping));
        const geometry = inspection.format !== 'csv' && inspection.format !== 'xlsx';
        if (geometry && !opts.repair) form.append('repairGeometry', 'false');
        if (geometry && opts.srid.trim()) form.append('srid', opts.srid.trim());
        if (encoding) form.append('encoding', encoding);
        if (sheet) form.append('sheet', sheet);
        if (opts.onExisting !== 'refuse') form.append('onExisting', opts.onExisting);
        if (opts.keepValid) form.append('keepValidRows', 'true');
        for (const f of files) form.append('file', f, f.name);
        try {
          const started = await http.call(API.import.startJob, { body: form });
          job = null;
          say(() => ti('im.progress', { read: 0, stored: 0, rate: 0 }));
          void poll(started.id);
        } catch (e) { fail(e); }
      };

      const poll = async (id: string) => {
        try {
          job = await http.call(API.import.job, { params: { id }, cache: 'no-store' });
        } catch (e) { fail(e); return; }
        const j = job;
        if (j.status === 'running') {
          say(() => j.rowsMoved === undefined
            ? ti('im.progress', { read: fmt(j.rowsRead, 0), stored: fmt(j.rowsStored, 0), rate: fmt(j.rowsPerSecond, 0) })
            : ti('im.moving', { moved: fmt(j.rowsMoved, 0), stored: fmt(j.rowsStored, 0) }));
          timer = setTimeout(() => void poll(id), POLL_MS);
        } else if (j.status === 'failed') {
          say(() => ti('im.failed', { error: j.error ?? '' }), true);
        } else if (j.report && j.report.rejected > 0 && j.report.rowsStored > 0) {
          say(() => ti('im.partly', { stored: fmt(j.rowsStored, 0), n: fmt(j.report!.rejected, 0) }), true);
        } else if (j.report && j.report.rejected > 0) {
          say(() => ti('im.rejected', { n: fmt(j.report!.errorCount, 0) }), true);
        } else {
          say(() => ti('im.done', { stored: fmt(j.rowsStored, 0), seconds: fmt(j.elapsedMs / 1000, 1) }));
        }
      };

      const draw = () => {
        const fileInput = el('input', { type: 'file', id: 'im-file', multiple: true, accept: '.csv,.txt,.xlsx,.xls,.geojson,.json,.zip,.shp,.shx,.dbf,.prj,.cpg' });
        const chooseFiles = (chosen: File[]) => { files = chosen; encoding = ''; sheet = ''; void inspect(); };
        fileInput.onchange = () => chooseFiles([...(fileInput.files ?? [])]);
        const drop = el('label', { className: 'im-drop', id: 'im-drop' }, ti('im.files'), ' ', fileInput);
        drop.ondragover = (e) => { e.preventDefault(); drop.classList.add('over'); };
        drop.ondragleave = () => drop.classList.remove('over');
        drop.ondrop = (e) => {
          e.preventDefault();
          drop.classList.remove('over');
          chooseFiles([...(e.dataTransfer?.files ?? [])]);
        };
        const parts: Node[] = [el('h2', { textContent: ti('im.title') }), drop];
        if (files.length) parts.push(el('p', { className: 'im-files', id: 'im-chosen', textContent: files.map((f) => `${f.name} (${fmt(f.size / 1024, 0)} KB)`).join(', ') }));
        if (inspection) parts.push(...proposalView(inspection));
        parts.push(el('p', { id: 'im-message', className: bad ? 'bad' : 'ok', textContent: message() }));
        if (job) parts.push(...jobView(job));
        root.replaceChildren(...parts);
      };

      const proposalView = (i: Inspection): Node[] => {
        const facts = el('dl', { className: 'im-facts', id: 'im-facts' },
          el('dt', { textContent: ti('im.format') }), el('dd', { id: 'im-format', textContent: i.format }),
          el('dt', { textContent: ti('im.encoding') }), el('dd', { id: 'im-encoding', textContent: i.encoding ?? '—' }),
          ...(i.encoding === null ? [] : [el('dd', {}, encodingChoice())]),
          ...(i.sheet ? [el('dt', { textContent: ti('im.sheet') }), el('dd', { id: 'im-sheet-read', textContent: i.sheet })] : []),
          ...(i.sheets.length > 1 ? [el('dd', {}, sheetChoice(i))] : []),
          ...(i.crs ? [el('dt', { textContent: ti('im.crs') }), el('dd', {
            id: 'im-crs', className: i.crs.problem ? 'bad' : '', textContent: i.crs.problem ?? `${i.crs.label}${i.crs.assumed ? ` ${ti('im.crsAssumed')}` : ''}`,
          })] : []));
        const kinds = el('select', { id: 'im-kind' }, ...i.proposals.map((p) => el('option', {
          value: p.kind, selected: p.kind === kind,
          textContent: `${kindLabel(p.kind)}${p.missing.length ? ` — ${ti('im.missing', { fields: p.missing.map(targetLabel).join(', ') })}` : ''}`,
        })));
        kinds.onchange = () => { choose(kinds.value); draw(); };
        const proposal = i.proposals.find((p) => p.kind === kind);
        const targets = proposal?.targets ?? [];
        const table = el('table', { className: 'im-mapping', id: 'im-mapping' },
          el('thead', {}, row([ti('im.field'), ti('im.sample'), ti('im.target')], 'th')),
          el('tbody', {}, ...i.fields.map((f, n) => {
            const select = el('select', { id: `im-map-${n}`, dataset: { field: f } },
              el('option', { value: '', textContent: ti('im.drop') }),
              ...targets.map((t) => el('option', { value: t, selected: mapping[f] === t, textContent: `${targetLabel(t)} (${t})` })));
            select.onchange = () => { mapping[f] = select.value; draw(); };
            return el('tr', {}, el('td', { textContent: f }), el('td', { textContent: i.sample[0]?.[f] ?? '' }), el('td', {}, select));
          })));
        const geometry = i.format !== 'csv' && i.format !== 'xlsx';
        const repair = el('input', { type: 'checkbox', id: 'im-repair', checked: opts.repair });
        repair.onchange = () => (opts.repair = repair.checked);
        const srid = el('input', { id: 'im-srid', size: 8, placeholder: '4547', value: opts.srid });
        srid.oninput = () => (opts.srid = srid.value);
        const onExisting = el('select', { id: 'im-on-existing' }, ...ON_EXISTING.map((v) => el('option', { value: v, selected: opts.onExisting === v, textContent: ti(`im.onExisting.${v}`) })));
        onExisting.onchange = () => (opts.onExisting = onExisting.value as typeof opts.onExisting);
        const keepValid = el('input', { type: 'checkbox', id: 'im-keep-valid', checked: opts.keepValid });
        keepValid.onchange = () => (opts.keepValid = keepValid.checked);
        const options = el('div', { className: 'im-options' },
          ...(geometry ? [
            el('label', {}, repair, ' ', ti('im.repair')), ' ',
            el('label', {}, ti('im.srid'), ' ', srid), el('br'),
          ] : []),
          el('label', {}, ti('im.onExisting'), ' ', onExisting), ' ',
          el('label', {}, keepValid, ' ', ti('im.keepValid')));
        const startButton = el('button', { type: 'button', id: 'im-start', textContent: ti('im.start'), disabled: job?.status === 'running' });
        startButton.onclick = () => void start();
        // What the table, as the user has set it, still leaves without a column.
        const chosen = new Set(Object.values(mapping));
        const missing = (proposal?.missing ?? []).filter((t) => !chosen.has(t));
        const note = el('p', { id: 'im-missing', className: missing.length ? 'bad' : 'ok', textContent: missing.length ? ti('im.missing', { fields: missing.map(targetLabel).join(', ') }) : '' });
        return [facts, el('label', {}, ti('im.kind'), ' ', kinds), table, note, options, startButton];
      };

      /** The encoding as detected, or one the user picks: the head is read again with it. */
      const encodingChoice = (): Node => {
        const select = el('select', { id: 'im-encoding-choice', title: ti('im.encoding') },
          el('option', { value: '', selected: encoding === '', textContent: ti('im.encodingDetected') }),
          ...TEXT_ENCODINGS.map((e) => el('option', { value: e, selected: encoding === e, textContent: e })));
        select.onchange = () => { encoding = select.value; void inspect(); };
        return select;
      };

      /** Another of the workbook's worksheets: the head is read again from it. */
      const sheetChoice = (i: Inspection): Node => {
        const select = el('select', { id: 'im-sheet', title: ti('im.sheet') }, ...i.sheets.map((name) => el('option', { value: name, selected: name === i.sheet, textContent: name })));
        select.onchange = () => { sheet = select.value; void inspect(); };
        return select;
      };

      const jobView = (j: Job): Node[] => {
        const nodes: Node[] = [];
        // Reading, then moving into the layer: the bar fills once per phase.
        const total = Math.max(j.rowsMoved === undefined ? j.rowsRead : j.rowsStored, 1);
        const value = j.status !== 'running' ? total : j.rowsMoved ?? j.rowsStored;
        nodes.push(el('progress', { id: 'im-progress', max: total, value }));
        const r = j.report;
        if (!r) return nodes;
        const facts: string[] = [];
        if (r.repaired.length) facts.push(ti('im.repaired', { n: fmt(r.repaired.length, 0) }));
        if (r.coordinatesToReview) facts.push(ti('im.review', { n: fmt(r.coordinatesToReview, 0) }));
        if (r.rowsSkipped) facts.push(ti('im.skipped', { n: fmt(r.rowsSkipped, 0) }));
        if (r.rowsReplaced) facts.push(ti('im.replaced', { n: fmt(r.rowsReplaced, 0) }));
        if (r.unitsConverted?.length) facts.push(ti('im.units', { list: r.unitsConverted.map((u) => `${u.field} → ${u.column} ×${u.factor}`).join('；') }));
        nodes.push(el('ul', { id: 'im-report' }, ...facts.map((f) => el('li', { textContent: f }))));
        if (r.repaired.length) {
          nodes.push(el('table', { id: 'im-repaired' }, el('tbody', {}, ...r.repaired.slice(0, 100).map((g) => row([g.at, g.key, g.reason])))));
        }
        if (r.errors.length) {
          const download = el('button', { type: 'button', id: 'im-errors-csv', textContent: ti('im.errorsCsv') });
          download.onclick = () => void saveRejected(j);
          nodes.push(el('h3', { textContent: `${ti('im.errors')} (${fmt(r.errors.length, 0)} / ${fmt(r.errorCount, 0)})` }), download,
            el('table', { className: 'im-errors', id: 'im-errors' },
              el('thead', {}, row([ti('im.line'), ti('im.field'), ti('im.reason')], 'th')),
              el('tbody', {}, ...r.errors.map((e) => row([e.at, e.field, e.reason])))));
        }
        return nodes;
      };

      const saveRejected = async (j: Job) => {
        const csv = await rejectedRowsCsv(files, inspection?.format ?? '', inspection?.encoding ?? null, j.report!.errors);
        const a = el('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' })), download: `${j.fileName.replace(/\.[^.]+$/, '')}-rejected.csv` });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      };

      draw();
      stop = onLangChange(draw);
    },
    unmount() {
      clearTimeout(timer);
      stop();
    },
  };
}
