/**
 * File › Import (and drop) as the app runs it, outside React. When the files may bring labels, a dry
 * run asks the Node side which ones the corpus lacks, and the user chooses for each: add it, or store
 * its spans under a corpus label. Then the files go: the app sends their paths in one call (the Node
 * side reads them in its import worker, and the bar follows its progress); a browser sends their
 * bytes in chunks (the bar moves between them). A Cancel button stops either after the batch being
 * stored. The report says what was imported, left out as already in the corpus, skipped, failed,
 * mapped and added, and whether the import was cancelled; when documents were left out as duplicates
 * it offers to import them anyway.
 */
import type { LoupeApi } from '../../shared/contract';
import type { MessageKey } from '../../shared/i18n';
import { planImportChunks } from '../../shared/importPlan';
import type { ImportFile, ImportFormat, ImportOptions, ImportPath, ImportReport, ImportSelection } from '../../shared/types';
import { emptyImportReport, mergeImportReports } from '../../shared/types';
import type { ChoiceRow } from './dialogs';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** What the progress bar shows while files import, and its Cancel button's work. */
export interface ImportProgressState {
  done: number;
  total: number;
  /** Cancel was pressed: the import stops after the batch being stored. */
  cancelling: boolean;
  cancel: () => void;
}

/** What the import flow needs from the app; tests give it fakes. */
export interface ImportHost {
  api: Pick<LoupeApi, 'importFiles' | 'importPaths' | 'importProgress' | 'cancelImport' | 'corpusInfo'>;
  t: Translate;
  describeError: (error: unknown) => string;
  /** Shows (null: hides) the progress bar. */
  progress: (state: ImportProgressState | null) => void;
  /** Called once files were imported: refresh the lists, open the first document. */
  imported: (report: ImportReport) => Promise<void>;
  chooseEach: (title: string, lines: string[], rows: ChoiceRow[], confirmLabel: string) => Promise<Record<string, string> | null>;
  showMessage: (title: string, lines: string[]) => Promise<void>;
  confirmAction: (title: string, lines: string[], confirmLabel: string, cancelLabel?: string) => Promise<boolean>;
}

/** Lines listed per kind of entry in the report; the rest are counted. */
export const REPORT_LINES_PER_KIND = 20;

const extOf = (name: string): string => {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
};
const stemOf = (name: string): string => name.slice(0, name.length - extOf(name).length);
const isConf = (name: string): boolean => name.slice(name.lastIndexOf('/') + 1).toLowerCase() === 'annotation.conf';

/** Formats that never carry annotations, so importing them brings no label. */
const PLAIN_FORMATS: readonly ImportFormat[] = ['text', 'markdown', 'html', 'docx'];
const PLAIN_EXTENSIONS = ['', '.txt', '.text', '.md', '.markdown', '.htm', '.html', '.docx'];

/** How often the bar asks the Node side how far an import from paths is. */
export const PROGRESS_POLL_MS = 200;

/** The files of a selection, whichever way they travel. */
const entriesOf = (selection: ImportSelection): readonly { name: string }[] => ('paths' in selection ? selection.paths : selection.files);

/** Whether some file may bring labels (annotations), so a dry run is worth asking which the corpus lacks. */
export function mayBringLabels<F extends { name: string }>(files: readonly F[], format: ImportFormat | 'auto' = 'auto'): boolean {
  if (format !== 'auto') return !PLAIN_FORMATS.includes(format);
  const annotated = new Set(files.filter((f) => extOf(f.name) === '.ann').map((f) => stemOf(f.name)));
  return files.some((f) => (!PLAIN_EXTENSIONS.includes(extOf(f.name)) && !isConf(f.name)) || annotated.has(stemOf(f.name)));
}

/**
 * The files to send again to import `names`: those files, brat .ann files beside them, every
 * annotation.conf, and the zips that hold any of them (an entry is named `<zip>/<path inside>`).
 */
export function filesFor<F extends { name: string }>(files: readonly F[], names: ReadonlySet<string>): F[] {
  const stems = new Set([...names].map(stemOf));
  const inZip = (zip: string) => [...names].some((n) => n.startsWith(`${zip}/`));
  return files.filter((f) => names.has(f.name) || isConf(f.name) || (extOf(f.name) === '.ann' && stems.has(stemOf(f.name))) || inZip(f.name));
}

/** `a → b, c → d`. */
const pairs = (mapped: readonly { from: string; to: string }[]): string => mapped.map((m) => `${m.from} → ${m.to}`).join(', ');

/** The lines of the import report, in the UI's language. */
export function reportLines(report: ImportReport, t: Translate, describeError: (error: unknown) => string): string[] {
  const capped = (lines: string[]): string[] =>
    lines.length > REPORT_LINES_PER_KIND
      ? [...lines.slice(0, REPORT_LINES_PER_KIND), t('import.more', { count: lines.length - REPORT_LINES_PER_KIND })]
      : lines;
  const added = report.schemaAdded;
  const files = new Set(report.imported.map((r) => r.name));
  return [
    ...(report.cancelled ? [t('import.cancelled')] : []),
    t('import.done', { count: files.size, documents: report.imported.length }),
    ...(report.imported.length === 0 && report.duplicates.length > 0 ? [t('import.nothingNew')] : []),
    ...capped(report.duplicates.map((d) => t('import.duplicate', { name: d.name, title: d.title }))),
    ...capped(report.skipped.map((s) => t('import.skipped', { name: s.name, why: s.why }))),
    ...capped(
      report.failed.map((f) =>
        t('import.failed', { name: f.name, error: describeError(Object.assign(new Error(f.error), f.reason ? { reason: f.reason } : {})) }),
      ),
    ),
    ...(report.labelsMapped.length ? [t('import.labelsMapped', { pairs: pairs(report.labelsMapped) })] : []),
    ...(added.labels.length ? [t('import.addedLabels', { names: added.labels.join(', ') })] : []),
    ...(added.attributes.length ? [t('import.addedAttributes', { names: added.attributes.join(', ') })] : []),
    ...(added.linkTypes.length ? [t('import.addedLinkTypes', { names: added.linkTypes.join(', ') })] : []),
    ...capped(report.imported.flatMap((r) => r.notes.map((note) => t('import.note', { name: r.name, title: r.title, note })))),
  ];
}

/** Whether the report says more than “imported n files”, so it is shown. */
const worthShowing = (r: ImportReport): boolean =>
  r.cancelled === true ||
  r.failed.length > 0 ||
  r.skipped.length > 0 ||
  r.duplicates.length > 0 ||
  r.labelsMapped.length > 0 ||
  r.schemaAdded.labels.length + r.schemaAdded.attributes.length + r.schemaAdded.linkTypes.length > 0 ||
  r.imported.some((i) => i.notes.length > 0);

/** One run of the flow: whether Cancel was pressed, and the bar's last figures. */
interface Session {
  cancelled: boolean;
  done: number;
  total: number;
}

/** Shows the bar at `done` of `total`, with Cancel. */
function showProgress(host: ImportHost, session: Session, done: number, total: number): void {
  session.done = done;
  session.total = total;
  host.progress({
    done,
    total,
    cancelling: session.cancelled,
    cancel: () => {
      if (session.cancelled) return;
      session.cancelled = true;
      showProgress(host, session, session.done, session.total);
      // Stops the batch the Node side is on; chunks not yet sent are not sent.
      void host.api.cancelImport({}).catch(() => undefined);
    },
  });
}

/** Sends `files` in chunks with `options`, moving the progress bar; a chunk refused whole is reported as failed. */
async function sendInChunks(host: ImportHost, session: Session, files: readonly ImportFile[], options: ImportOptions): Promise<ImportReport> {
  const total = emptyImportReport();
  const counted = files.filter((f) => !isConf(f.name)).length;
  let done = 0;
  showProgress(host, session, 0, counted);
  for (const chunk of planImportChunks(files)) {
    if (session.cancelled) {
      total.cancelled = true;
      break;
    }
    let result: ImportReport;
    try {
      result = await host.api.importFiles({ files: chunk, ...options });
    } catch (e) {
      // The chunk was refused as a whole (too large a request, the corpus closed…): its files are
      // reported as failed, the chunks before it stay imported, and the next ones are still tried.
      const error = host.describeError(e);
      result = { ...emptyImportReport(), failed: chunk.map((f) => ({ name: f.name, error })) };
    }
    mergeImportReports(total, result);
    done += chunk.filter((f) => !isConf(f.name)).length;
    showProgress(host, session, Math.min(done, counted), counted);
  }
  return total;
}

/** Sends the paths in one call, the bar following the Node side's progress until it answers. */
async function sendPaths(host: ImportHost, session: Session, paths: readonly ImportPath[], options: ImportOptions): Promise<ImportReport> {
  showProgress(host, session, 0, paths.length);
  let answered = false;
  const call = host.api.importPaths({ files: [...paths], ...options }).finally(() => {
    answered = true;
  });
  while (!answered) {
    await Promise.race([call.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, PROGRESS_POLL_MS))]);
    if (answered) break;
    const now = await host.api.importProgress({}).catch(() => null);
    if (now && !answered) showProgress(host, session, now.done, now.total || paths.length);
  }
  return call;
}

/** Sends the selection with `options`, however its files travel; the bar is hidden again after. */
async function send(host: ImportHost, session: Session, selection: ImportSelection, options: ImportOptions): Promise<ImportReport> {
  try {
    return 'paths' in selection ? await sendPaths(host, session, selection.paths, options) : await sendInChunks(host, session, selection.files, options);
  } finally {
    host.progress(null);
  }
}

/**
 * Asks which corpus label each label new to the corpus goes to (a dry run finds them); resolves the
 * label map to import with, or null when the user cancelled.
 */
async function chooseLabelMap(host: ImportHost, selection: ImportSelection, options: ImportOptions): Promise<Record<string, string> | null> {
  const labelMap = { ...options.labelMap };
  if (!mayBringLabels(entriesOf(selection), options.format)) return labelMap;
  const session: Session = { cancelled: false, done: 0, total: 0 };
  const dry = await send(host, session, selection, { ...options, dryRun: true });
  if (dry.cancelled || session.cancelled) return null;
  const fresh = dry.schemaAdded.labels;
  if (fresh.length === 0) return labelMap;
  const { t } = host;
  const corpusLabels = (await host.api.corpusInfo({})).labels.map((l) => l.name);
  const rows: ChoiceRow[] = fresh.map((name) => ({
    name,
    label: t('labelMap.choice', { name }),
    options: [{ value: '', label: t('labelMap.addNew') }, ...corpusLabels.map((l) => ({ value: l, label: t('labelMap.mapTo', { name: l }) }))],
  }));
  const lines = [t('labelMap.intro'), ...(dry.labelsMapped.length ? [t('labelMap.caseMatched', { pairs: pairs(dry.labelsMapped) })] : [])];
  const chosen = await host.chooseEach(t('labelMap.title'), lines, rows, t('labelMap.import'));
  if (!chosen) return null;
  for (const [from, to] of Object.entries(chosen)) if (to) labelMap[from] = to;
  return labelMap;
}

/** Imports the chosen files as the app does (see the top of this file). */
export async function runImport(host: ImportHost, selection: ImportSelection, options: ImportOptions = {}): Promise<void> {
  if (entriesOf(selection).length === 0) return;
  const labelMap = await chooseLabelMap(host, selection, options);
  if (!labelMap) return;
  const session: Session = { cancelled: false, done: 0, total: 0 };
  const report = await send(host, session, selection, { ...options, ...(Object.keys(labelMap).length ? { labelMap } : {}) });
  await host.imported(report);
  if (!worthShowing(report)) return;
  const { t } = host;
  const lines = reportLines(report, t, host.describeError);
  if (report.duplicates.length === 0 || report.cancelled) {
    await host.showMessage(t('import.report'), lines);
    return;
  }
  if (!(await host.confirmAction(t('import.report'), lines, t('import.importAnyway'), t('dialog.close')))) return;
  // Just the documents left out, from just their files (and what brat reads with them), with the same labels.
  const names = new Set(report.duplicates.map((d) => d.name));
  const again: ImportSelection = 'paths' in selection ? { paths: filesFor(selection.paths, names) } : { files: filesFor(selection.files, names) };
  const only = report.duplicates.map((d) => ({ name: d.name, index: d.index }));
  await runImport(host, again, { ...options, labelMap, duplicates: 'import', only });
}
