/**
 * File › Import (and drop) as the app runs it, outside React. When the files may bring labels, a dry
 * run asks the Node side which ones the corpus lacks, and the user chooses for each: add it, or store
 * its spans under a corpus label. Then the files go in chunks (a progress bar moves between them)
 * and the report says what was imported, left out as already in the corpus, skipped, failed, mapped
 * and added; when documents were left out as duplicates it offers to import them anyway.
 */
import type { LoupeApi } from '../../shared/contract';
import type { MessageKey } from '../../shared/i18n';
import { planImportChunks } from '../../shared/importPlan';
import type { ImportFile, ImportFormat, ImportOptions, ImportReport } from '../../shared/types';
import { emptyImportReport, mergeImportReports } from '../../shared/types';
import type { ChoiceRow } from './dialogs';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** What the import flow needs from the app; tests give it fakes. */
export interface ImportHost {
  api: Pick<LoupeApi, 'importFiles' | 'corpusInfo'>;
  t: Translate;
  describeError: (error: unknown) => string;
  /** Shows (null: hides) the progress bar. */
  progress: (state: { done: number; total: number } | null) => void;
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

/** Whether some file may bring labels (annotations), so a dry run is worth asking which the corpus lacks. */
export function mayBringLabels(files: readonly ImportFile[], format: ImportFormat | 'auto' = 'auto'): boolean {
  if (format !== 'auto') return !PLAIN_FORMATS.includes(format);
  const annotated = new Set(files.filter((f) => extOf(f.name) === '.ann').map((f) => stemOf(f.name)));
  return files.some((f) => (!PLAIN_EXTENSIONS.includes(extOf(f.name)) && !isConf(f.name)) || annotated.has(stemOf(f.name)));
}

/**
 * The files to send again to import `names`: those files, brat .ann files beside them, every
 * annotation.conf, and the zips that hold any of them (an entry is named `<zip>/<path inside>`).
 */
export function filesFor(files: readonly ImportFile[], names: ReadonlySet<string>): ImportFile[] {
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
  r.failed.length > 0 ||
  r.skipped.length > 0 ||
  r.duplicates.length > 0 ||
  r.labelsMapped.length > 0 ||
  r.schemaAdded.labels.length + r.schemaAdded.attributes.length + r.schemaAdded.linkTypes.length > 0 ||
  r.imported.some((i) => i.notes.length > 0);

/** Sends `files` in chunks with `options`, moving the progress bar; a chunk refused whole is reported as failed. */
async function sendInChunks(host: ImportHost, files: readonly ImportFile[], options: ImportOptions): Promise<ImportReport> {
  const total = emptyImportReport();
  const counted = files.filter((f) => !isConf(f.name)).length;
  host.progress({ done: 0, total: counted });
  try {
    let done = 0;
    for (const chunk of planImportChunks(files)) {
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
      host.progress({ done: Math.min(done, counted), total: counted });
    }
  } finally {
    host.progress(null);
  }
  return total;
}

/**
 * Asks which corpus label each label new to the corpus goes to (a dry run finds them); resolves the
 * label map to import with, or null when the user cancelled.
 */
async function chooseLabelMap(host: ImportHost, files: readonly ImportFile[], options: ImportOptions): Promise<Record<string, string> | null> {
  const labelMap = { ...options.labelMap };
  if (!mayBringLabels(files, options.format)) return labelMap;
  const dry = await sendInChunks(host, files, { ...options, dryRun: true });
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

/** Imports `files` as the app does (see the top of this file). */
export async function runImport(host: ImportHost, files: readonly ImportFile[], options: ImportOptions = {}): Promise<void> {
  if (files.length === 0) return;
  const labelMap = await chooseLabelMap(host, files, options);
  if (!labelMap) return;
  const report = await sendInChunks(host, files, { ...options, ...(Object.keys(labelMap).length ? { labelMap } : {}) });
  await host.imported(report);
  if (!worthShowing(report)) return;
  const { t } = host;
  const lines = reportLines(report, t, host.describeError);
  if (report.duplicates.length === 0) {
    await host.showMessage(t('import.report'), lines);
    return;
  }
  if (!(await host.confirmAction(t('import.report'), lines, t('import.importAnyway'), t('dialog.close')))) return;
  // Just the documents left out, from just their files (and what brat reads with them), with the same labels.
  const again = filesFor(files, new Set(report.duplicates.map((d) => d.name)));
  const only = report.duplicates.map((d) => ({ name: d.name, index: d.index }));
  await runImport(host, again, { ...options, labelMap, duplicates: 'import', only });
}
