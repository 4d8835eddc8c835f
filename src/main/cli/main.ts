/**
 * The `loupe` command line: import, export, stats, schema files and the browser UI, for pipelines.
 * Every command reuses the service layer; it only parses arguments and prints.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  DOCUMENT_STATUSES,
  DUPLICATE_POLICIES,
  EXPORT_FORMATS,
  IMPORT_FORMATS,
  OFFSET_UNITS,
  type CorpusSchema,
  type DocumentStatus,
  type DuplicatePolicy,
  type ExportFormat,
  type ImportFormat,
  type OffsetUnit,
  type SchemaImpact,
  emptyImportReport,
} from '../../shared/types';
import { MAX_IMPORT_BYTES, MAX_IMPORT_MB, MAX_TEXT_FILE_BYTES, MAX_TEXT_FILE_MB } from '../../shared/limits';
import { draftMatchingByName, parseSchemaFile, serializeSchemaFile } from '../../shared/schema';
import { LOUPE_VERSION } from '../../shared/version';
import { writeFileAtomicSync } from '../files/atomicFile';
import { checkReplaceable, FileKindError, readRegularFileSync } from '../files/regularFiles';
import { isFolder, walkFolder } from '../files/folderWalk';
import { detectFormatByContent } from '../formats/import';
import { EXPORT_FORMAT_INFO } from '../../shared/formats';
import { exportFrom, exportToStream, openCorpusStore, streamableExport } from '../services/loupeService';
import { importInWorker } from '../services/importer';
import type { WorkerFile } from '../services/importWorker';
import { startWeb } from '../web';
import { type AgreementReport, documentsByAgreement, meanF1 } from '../../shared/agreement/report';
import { DISAGREEMENT_HEADER, disagreementRows, FIGURE_HEADER, figureRows } from '../../shared/agreement/table';
import { csvFile } from '../../shared/csv';
import { annotatorsOf, type CorpusAgreement, corpusAgreement } from '../services/agreement';
import { readWhileChecking, startIntegrityCheck } from '../services/integrityCheck';
import type { CorpusStore } from '../store/corpusStore';
import { CorpusOpenError } from '../store/database';
import { handout, type MergeReport, mergeCopy } from '../services/teamwork';
import { type AcceptAgreedReport, acceptAgreed } from '../services/curation';


const USAGE = `Usage:
  loupe import CORPUS FILE|FOLDER|-... [--format auto|text|markdown|html|docx|loupe-jsonl|doccano|brat|label-studio|conll]
               [--name NAME] [--duplicates skip|import] [--map-label FILE_LABEL=CORPUS_LABEL]...
               [--text-field NAME] [--label-field NAME]
                                       import documents (folders and zips; the corpus is created if missing);
                                       - reads one file from stdin, called NAME in the report (default: stdin);
                                       a document the corpus already holds is skipped unless --duplicates import;
                                       --text-field/--label-field name a doccano file's text and annotation fields
  loupe export CORPUS --format jsonl|json|csv|csv-links|xlsx|conll|brat|doccano|label-studio|w3c --out PATH|-
               [--offsets codepoint|utf16|utf8] [--document ID] [--documents ID,...] [--status new,in_progress,done]
               [--label NAME,...] [--annotators NAME,...]
                                       --annotators: only those annotators' layers (the gold layer alone, say);
                                       csv also writes the links CSV next to PATH (x.csv -> x.links.csv);
                                       xlsx is one workbook: spans, links and documents sheets;
                                       --out - writes text formats to stdout (not csv, xlsx or brat)
  loupe stats CORPUS                   documents per status, spans per label, links per type;
                                       annotators' layers and how far curation has come
  loupe handout CORPUS --annotator NAME --out COPY.loupe [--documents ID,...] [--blind] [--owner NAME]
                                       a copy of the corpus for one annotator to work in (all documents or
                                       those named; --blind leaves out every other layer; --owner names
                                       whose the spans with no annotator are)
  loupe merge CORPUS COPY... [--annotator NAME] [--all-layers] [--format F] [--dry-run]
                                       merges annotators' copies back: documents matched by id and text
                                       (an edited text is aligned and its spans moved); nothing of the
                                       corpus's is overwritten; prints what was merged and what was not.
                                       A copy is a Loupe corpus file, or another tool's export: Loupe
                                       JSONL/JSON (spans name their annotator), Label Studio JSON (each
                                       annotation its completed_by), a doccano project zip or folder
                                       (NAME.jsonl per member), brat/doccano/CoNLL files or folders
                                       (no annotator in them: --annotator NAME says whose they are)
  loupe curate CORPUS --gold NAME [--annotators A,B,...] [--threshold all|majority] [--dry-run]
                                       adds to the gold layer NAME every span (and link) that all (or a
                                       majority) of the annotators of a document drew alike; keeps what
                                       the gold layer has; export it alone with export --annotators NAME
  loupe agreement CORPUS [--annotators A,B,...] [--label NAME,...] [--format text|json|csv] [--out PATH|-]
                                       agreement between annotators (default: all): Cohen's, Fleiss' and
                                       Davies-Fleiss κ and Krippendorff's α on characters, unitizing α,
                                       span precision/recall/F1, links, attributes, label confusion;
                                       csv writes the figures to PATH and the disagreements beside it
                                       (x.csv -> x.disagreements.csv); see docs/agreement.md
  loupe schema export CORPUS FILE      write the corpus's labels, attributes and link types to a schema file
  loupe schema import CORPUS FILE [--yes]
                                       replace the corpus schema with a schema file's (matched by name);
                                       refuses to delete spans, values or links unless --yes
  loupe web [--corpus PATH] [--port N] [--data-dir DIR]
                                       the Loupe UI in a browser, on 127.0.0.1 (prints the URL first)
  loupe --version | --help`;

/** A failure the user caused; printed without a stack trace. */
class UsageError extends Error {}

/** `n thing` or `n things`. */
const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

function requireCorpus(file: string | undefined): string {
  if (!file) throw new UsageError('name a corpus file (for example corpus.loupe)');
  return path.resolve(file);
}

/** The files to import: each named file, and every file under each named folder (see files/folderWalk.ts). */
export async function collectImportFiles(paths: readonly string[]): Promise<{ files: string[]; root: Map<string, string> }> {
  const files: string[] = [];
  // Names in the report and the brat pairing are relative to the folder the user named.
  const root = new Map<string, string>();
  for (const p of paths) {
    const found = (await isFolder(p)) ? await walkFolder(p) : [{ path: p, name: p }];
    for (const f of found) {
      files.push(f.path);
      root.set(f.path, f.name);
    }
  }
  return { files, root };
}

/** `--map-label` values (`PER=official`, repeatable) as a label map. */
export function parseLabelMap(pairs: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const from = pair.slice(0, at).trim();
    const to = pair.slice(at + 1).trim();
    if (at < 0 || !from || !to) throw new UsageError(`--map-label takes FILE_LABEL=CORPUS_LABEL (for example PER=official), not "${pair}"`);
    if (Object.hasOwn(map, from) && map[from] !== to) throw new UsageError(`--map-label maps ${from} twice (to ${map[from]} and to ${to})`);
    map[from] = to;
  }
  return map;
}

/** Reads stdin whole, refusing a terminal (nothing was piped in) and more than the import limit. */
async function readStdin(input: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<Uint8Array> {
  if (input.isTTY) throw new UsageError('"-" reads the file from stdin, which is a terminal here: pipe a file in (loupe import CORPUS - < article.txt)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    // Bounded: /dev/zero or an endless producer is refused at the limit, not read without end.
    if (size > MAX_IMPORT_BYTES) throw new Error(`the file is larger than the ${MAX_IMPORT_MB} MB import limit`);
    chunks.push(bytes);
  }
  return new Uint8Array(Buffer.concat(chunks, size));
}

/** Removes a corpus file this run created, with its journal files beside it. */
function removeCreatedCorpus(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
}

async function importCommand(args: string[], out: NodeJS.WritableStream, stdin: NodeJS.ReadableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'auto' },
      name: { type: 'string' },
      duplicates: { type: 'string', default: 'skip' },
      'map-label': { type: 'string', multiple: true, default: [] },
      'text-field': { type: 'string' },
      'label-field': { type: 'string' },
    },
  });
  const [corpus, ...paths] = positionals;
  const corpusPath = requireCorpus(corpus);
  if (paths.length === 0) throw new UsageError('name at least one file or folder to import (or - for stdin)');
  const format = values.format as ImportFormat | 'auto';
  if (format !== 'auto' && !IMPORT_FORMATS.includes(format)) {
    throw new UsageError(`--format must be auto or one of ${IMPORT_FORMATS.join(', ')}`);
  }
  const duplicates = values.duplicates as DuplicatePolicy;
  if (!DUPLICATE_POLICIES.includes(duplicates)) throw new UsageError(`--duplicates must be ${DUPLICATE_POLICIES.join(' or ')}`);
  const labelMap = parseLabelMap(values['map-label']);
  const fields = {
    ...(values['text-field'] ? { text: values['text-field'] } : {}),
    ...(values['label-field'] ? { label: values['label-field'] } : {}),
  };
  const fromStdin = paths.filter((p) => p === '-').length;
  if (fromStdin > 1) throw new UsageError('"-" (stdin) can be named once');
  if (values.name !== undefined && (fromStdin === 0 || values.name.trim() === '')) {
    throw new UsageError('--name names the file read from stdin ("-"): give it with "-" and a name');
  }
  // Files are read one at a time in the import worker, when their turn comes (services/importer.ts);
  // stdin is read here, before the corpus is opened. A corpus this run created is removed again
  // when nothing could be imported.
  const inputs: WorkerFile[] = [];
  const unreadable: { name: string; error: string }[] = [];
  const { files, root } = await collectImportFiles(paths.filter((p) => p !== '-'));
  for (const file of files) inputs.push({ name: root.get(file) ?? file, path: file });
  if (fromStdin) {
    const name = values.name ?? 'stdin';
    try {
      const data = await readStdin(stdin);
      // A name with an extension is detected as a file of that name would be; else by the content.
      const detected = format === 'auto' && !path.extname(name) ? detectFormatByContent(data, fields.text || fields.label ? fields : undefined) : undefined;
      // A zip of files is imported as the folder it holds, which its name tells the importer.
      if (detected === 'zip') inputs.push({ name: `${name}.zip`, data });
      else inputs.push({ name, data, ...(detected ? { format: detected } : {}) });
    } catch (error) {
      if (error instanceof UsageError) throw error;
      unreadable.push({ name, error: (error as Error).message });
    }
  }
  const created = !fs.existsSync(corpusPath);
  let report = emptyImportReport();
  if (inputs.length > 0) {
    const store = openCorpusStore(corpusPath, { create: true });
    try {
      report = await importInWorker(store, inputs, { format, duplicates, labelMap, ...(fields.text || fields.label ? { fields } : {}) });
    } finally {
      store.close();
    }
  }
  if (created && report.imported.length === 0) removeCreatedCorpus(corpusPath);
  const failed = [...unreadable, ...report.failed];
  for (const r of report.imported) {
    const annotations = r.spans || r.links ? `, ${plural(r.spans, 'span')}, ${plural(r.links, 'link')}` : '';
    out.write(`imported ${r.name} (${r.format}, ${r.encoding}${annotations}) as document ${r.documentId}: ${r.title}\n`);
    for (const note of r.notes) out.write(`  ${note}\n`);
  }
  for (const d of report.duplicates) {
    out.write(`not imported ${d.name}: “${d.title}” is already in the corpus as document ${d.existingId}\n`);
  }
  for (const s of report.skipped) out.write(`skipped ${s.name}: ${s.why}\n`);
  for (const f of failed) process.stderr.write(`failed ${f.name}: ${f.error}\n`);
  if (report.labelsMapped.length) out.write(`labels mapped: ${report.labelsMapped.map((m) => `${m.from} → ${m.to}`).join(', ')}\n`);
  for (const from of Object.keys(labelMap)) {
    if (!report.labelsMapped.some((m) => m.from.toLowerCase() === from.toLowerCase())) {
      out.write(`--map-label ${from}: nothing was mapped (no imported span or declared label is called ${from})\n`);
    }
  }
  const added = report.schemaAdded;
  if (added.labels.length) out.write(`labels added to the schema: ${added.labels.join(', ')}\n`);
  if (added.attributes.length) out.write(`attributes added: ${added.attributes.join(', ')}\n`);
  if (added.linkTypes.length) out.write(`link types added or widened: ${added.linkTypes.join(', ')}\n`);
  const notImported = report.duplicates.length
    ? `, ${plural(report.duplicates.length, 'duplicate')} not imported (--duplicates import imports them)`
    : '';
  out.write(`${plural(report.imported.length, 'document')} imported${notImported}, ${plural(report.skipped.length, 'file')} skipped, ${failed.length} failed\n`);
  if (created && report.imported.length === 0) out.write(`nothing was imported, so ${corpusPath} was not created\n`);
  return failed.length ? 1 : 0;
}

async function exportCommand(args: string[], out: NodeJS.WritableStream, stdout: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      offsets: { type: 'string', default: 'codepoint' },
      document: { type: 'string' },
      status: { type: 'string', multiple: true },
      label: { type: 'string', multiple: true },
      documents: { type: 'string', multiple: true },
      annotators: { type: 'string', multiple: true },
    },
  });
  const corpusPath = requireCorpus(positionals[0]);
  const format = values.format as ExportFormat;
  const offsets = values.offsets as OffsetUnit;
  if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (!OFFSET_UNITS.includes(offsets)) throw new UsageError(`--offsets must be one of ${OFFSET_UNITS.join(', ')}`);
  if (!values.out) throw new UsageError('--out PATH is required (- writes to stdout)');
  const documentId = values.document === undefined ? undefined : Number(values.document);
  if (documentId !== undefined && !(Number.isInteger(documentId) && documentId > 0)) {
    throw new UsageError('--document takes a document id (a positive whole number)');
  }
  const statuses = (values.status ?? []).flatMap((s) => s.split(','));
  for (const s of statuses) {
    if (!DOCUMENT_STATUSES.includes(s as DocumentStatus)) throw new UsageError(`--status must be one of ${DOCUMENT_STATUSES.join(', ')}`);
  }
  const labels = (values.label ?? []).flatMap((l) => l.split(','));
  const documentIds = (values.documents ?? []).flatMap((d) => d.split(',')).map(Number);
  if (documentIds.some((id) => !(Number.isInteger(id) && id > 0))) {
    throw new UsageError('--documents takes document ids (positive whole numbers, comma-separated)');
  }
  const annotators = (values.annotators ?? []).flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean);
  const filter = {
    ...(statuses.length ? { statuses: statuses as DocumentStatus[] } : {}),
    ...(labels.length ? { labels } : {}),
    ...(documentIds.length ? { documentIds } : {}),
    ...(annotators.length ? { annotators } : {}),
  };
  const toStdout = values.out === '-';
  if (toStdout && format === 'csv') {
    throw new UsageError('--format csv writes two files (spans and links), which stdout cannot hold: name a file with --out, or use --format csv-links for the links alone');
  }
  if (toStdout && !streamableExport(format)) {
    throw new UsageError(`--format ${format} writes a binary file (${EXPORT_FORMAT_INFO[format].name}), not text for stdout: name a file with --out`);
  }
  const store = openCorpusStore(corpusPath, { create: false });
  try {
    const known = new Set(store.labels().map((l) => l.name));
    const unknown = labels.filter((l) => !known.has(l));
    if (unknown.length) throw new UsageError(`no label called ${unknown.join(', ')} in this corpus`);
    if (toStdout) {
      // The export is the output; what was written and lost goes to stderr.
      const result = await exportToStream(store, { format, offsets, documentId, filter }, stdout);
      if (result.closed) return 0; // the reader stopped reading (| head): nothing to report
      const what = format === 'csv-links' ? plural(result.links, 'link') : `${plural(result.documents, 'document')}, ${plural(result.spans, 'span')}, ${plural(result.links, 'link')}`;
      process.stderr.write(`wrote ${what} to stdout${format === 'csv-links' ? '' : ` (offsets: ${offsets})`}\n`);
      for (const loss of result.losses) process.stderr.write(`not carried by ${format}: ${loss}\n`);
      return 0;
    }
    const result = await exportFrom(store, { format, offsets, path: values.out, documentId, filter });
    const [first, ...others] = result.files;
    if (format === 'csv-links') {
      out.write(`wrote ${plural(result.links, 'link')} to ${first}\n`);
    } else if (format === 'csv') {
      out.write(`wrote ${plural(result.documents, 'document')}, ${plural(result.spans, 'span')} to ${first} (offsets: ${offsets})\n`);
      for (const file of others) out.write(`wrote ${plural(result.links, 'link')} to ${file}\n`);
    } else {
      out.write(
        `wrote ${plural(result.documents, 'document')}, ${plural(result.spans, 'span')}, ${plural(result.links, 'link')} ` +
          `to ${first} (offsets: ${offsets})\n`,
      );
    }
    for (const loss of result.losses) out.write(`not carried by ${format}: ${loss}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function statsCommand(args: string[], out: NodeJS.WritableStream): number {
  const store = openCorpusStore(requireCorpus(args[0]), { create: false });
  try {
    const byStatus = new Map(DOCUMENT_STATUSES.map((s) => [s, 0]));
    for (const d of store.listDocuments()) byStatus.set(d.status, (byStatus.get(d.status) ?? 0) + 1);
    const spans = store.spanCountsByLabel();
    const links = store.linkCountsByType();
    out.write(`corpus: ${store.name}\ndocuments: ${store.documentCount()}\n`);
    for (const [status, count] of byStatus) out.write(`  ${status}: ${count}\n`);
    out.write(`spans: ${spans.reduce((n, c) => n + c.count, 0)}\n`);
    for (const c of spans) out.write(`  ${c.label}: ${c.count}\n`);
    out.write(`links: ${links.reduce((n, c) => n + c.count, 0)}\n`);
    for (const c of links) out.write(`  ${c.type}: ${c.count}\n`);
    // Team annotation: whose layers, and how far curation has come.
    const annotators = annotatorsOf(store);
    if (annotators.length) {
      out.write(`annotators: ${annotators.length}\n`);
      for (const a of annotators) out.write(`  ${a.name}: ${plural(a.spans, 'span')} in ${plural(a.documents, 'document')}\n`);
    }
    const curation = [...store.curationStatuses().values()];
    if (curation.length) {
      out.write(`curated: ${curation.filter((c) => c.status === 'done').length} of ${plural(store.documentCount(), 'document')} (being curated: ${curation.filter((c) => c.status === 'in_progress').length})\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}

const AGREEMENT_FORMATS = ['text', 'json', 'csv'] as const;

/** A figure to three places, or "n/a" where it is undefined. */
const fig = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(3));

/** How many documents and disagreements the terminal report lists (the CSV and JSON have all). */
const TEXT_LISTED = 20;

/** The agreement report as the terminal shows it. */
export function agreementText(report: AgreementReport, unattributed: number): string {
  const lines: string[] = [];
  const c = report.characters.corpus;
  lines.push(`agreement between ${report.annotators.join(', ')}: ${plural(report.documents, 'document')} annotated by two or more of them`);
  if (unattributed) lines.push(`(${plural(unattributed, 'span')} with no annotator left out)`);
  lines.push('', 'characters (one item per character and label; docs/agreement.md):');
  const table = [['', 'mean Cohen κ', 'Fleiss κ', 'Krippendorff α', 'items (α)']];
  table.push(['all labels', fig(c.meanCohen.value), fig(c.fleiss.value), fig(c.alpha.value), String(c.alpha.items)]);
  for (const [label, l] of Object.entries(report.characters.byLabel)) table.push([label, fig(l.meanCohen.value), fig(l.fleiss.value), fig(l.alpha.value), String(l.alpha.items)]);
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => [...r[i]!].length)));
  for (const r of table) lines.push(`  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`);
  lines.push('', 'pairs (a as the reference):');
  report.spans.pairs.forEach((p, i) => {
    const k = c.cohen[i]!;
    lines.push(`  ${p.a} – ${p.b}: Cohen κ ${fig(k.kappa.value)}; spans exact F1 ${fig(p.exact.f1)} (P ${fig(p.exact.precision)}, R ${fig(p.exact.recall)}), overlap F1 ${fig(p.overlap.f1)}; links F1 ${fig(report.links[i]!.f1)}`);
  });
  lines.push(`  mean F1: exact ${fig(report.spans.meanF1.exact)}, overlap ${fig(report.spans.meanF1.overlap)}`);
  const u = report.unitizing;
  lines.push('', `unitizing α over ${plural(u.documents, 'document')} all of them annotated: ${fig(u.corpus.value)}`);
  lines.push(`  ${Object.entries(u.byLabel).map(([label, f]) => `${label} ${fig(f.value)}`).join(', ')}`);
  const attributes = Object.entries(report.attributes);
  if (attributes.length) {
    lines.push('', 'attributes of spans drawn alike (Krippendorff α):');
    for (const [name, a] of attributes) lines.push(`  ${name}: ${fig(a.alpha.value)} over ${plural(a.alpha.items, 'span')}`);
  }
  const docs = documentsByAgreement(report.byDocument);
  if (docs.length) {
    const shown = docs.slice(0, TEXT_LISTED);
    lines.push('', `by document, least agreement first (${shown.length} of ${docs.length}${shown.length < docs.length ? '; --format csv or json for all' : ''}):`);
    for (const d of shown) {
      const k = d.characters;
      lines.push(
        `  ${d.id} ${d.name}: α ${fig(k.alpha.value)}, mean Cohen κ ${fig(k.meanCohen.value)}, unitizing α ${fig(d.unitizing.value)}; span F1 exact ${fig(meanF1(d.spans, 'exact'))}, overlap ${fig(meanF1(d.spans, 'overlap'))}`,
      );
    }
  }
  for (const pair of report.confusion) {
    if (!pair.cells.length) continue;
    lines.push('', `labels of spans drawn at the same place, ${pair.a} → ${pair.b} (none: no such span):`);
    for (const cell of pair.cells) lines.push(`  ${cell.a ?? 'none'} → ${cell.b ?? 'none'}: ${cell.count}`);
  }
  const kinds = new Map<string, number>();
  for (const d of report.disagreements) kinds.set(d.kind, (kinds.get(d.kind) ?? 0) + 1);
  lines.push('', `disagreements: ${report.disagreements.length}${kinds.size ? ` (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}`);
  const place = (s: { label: string; start: number; end: number } | null) => (s ? `${s.label} ${s.start}–${s.end}` : '–');
  for (const d of report.disagreements.slice(0, TEXT_LISTED)) {
    lines.push(`  ${d.document} ${d.documentName}: ${d.kind} · ${d.a}: ${place(d.spanA)} · ${d.b}: ${place(d.spanB)}`);
  }
  if (report.disagreements.length > TEXT_LISTED) lines.push(`  … and ${report.disagreements.length - TEXT_LISTED} more (--format csv writes them all)`);
  return `${lines.join('\n')}\n`;
}

async function handoutCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      annotator: { type: 'string' },
      out: { type: 'string' },
      documents: { type: 'string', multiple: true },
      blind: { type: 'boolean', default: false },
      owner: { type: 'string' },
    },
  });
  if (!values.annotator) throw new UsageError('--annotator NAME is required: whom the copy is for');
  if (!values.out) throw new UsageError('--out COPY.loupe is required: where the copy goes');
  const documentIds = (values.documents ?? []).flatMap((d) => d.split(',')).map(Number);
  if (documentIds.some((id) => !(Number.isInteger(id) && id > 0))) throw new UsageError('--documents takes document ids (positive whole numbers, comma-separated)');
  const target = path.resolve(values.out);
  if (fs.existsSync(target)) throw new UsageError(`${target} already exists; choose another name (a copy never replaces a file)`);
  const store = openCorpusStore(requireCorpus(positionals[0]), { create: false });
  try {
    const result = await handout(store, {
      annotator: values.annotator,
      out: target,
      ...(documentIds.length ? { documentIds } : {}),
      blind: values.blind,
      ...(values.owner !== undefined ? { owner: values.owner } : {}),
    }).catch((error: unknown) => {
      throw new UsageError((error as Error).message);
    });
    out.write(
      `wrote a copy for ${values.annotator.trim()} to ${result.path}: ${plural(result.documents, 'document')}, ${plural(result.spans, 'span')}` +
        `${result.layers.length ? ` (layers: ${result.layers.join(', ')})` : ''}${values.blind ? ', blind' : ''}\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}

function mergeCommand(args: string[], out: NodeJS.WritableStream): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      annotator: { type: 'string' },
      'all-layers': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      format: { type: 'string', default: 'auto' },
    },
  });
  const [corpus, ...copies] = positionals;
  if (!copies.length) throw new UsageError('name the copies to merge (loupe merge CORPUS COPY.loupe...)');
  const format = values.format as ImportFormat | 'auto';
  if (format !== 'auto' && !IMPORT_FORMATS.includes(format)) throw new UsageError(`--format must be auto or one of ${IMPORT_FORMATS.join(', ')}`);
  // The corpus's integrity is checked in a worker while the copies are read and merged; each merge
  // waits for it before it commits (a damaged corpus is not written to).
  const file = requireCorpus(corpus);
  const store = openCorpusStore(file, { create: false, deferIntegrityCheck: true });
  const check = startIntegrityCheck(file);
  let failed = false;
  try {
    for (const copy of copies) {
      let report: MergeReport;
      try {
        report = mergeCopy(store, copy, {
          checkCorpus: () => check.wait(),
          ...(values.annotator !== undefined ? { annotator: values.annotator } : {}),
          allLayers: values['all-layers'],
          dryRun: values['dry-run'],
          format,
        });
      } catch (error) {
        failed = true;
        process.stderr.write(`loupe: ${copy}: ${(error as Error).message}; nothing of it was merged\n`);
        continue;
      }
      const d = report.documents;
      out.write(
        `${report.dryRun ? 'would merge' : 'merged'} ${copy}${report.handedOutTo ? ` (handed out to ${report.handedOutTo})` : ''}: ` +
          `${plural(d.inCopy, 'document')} (${d.byId} by id, ${d.byText} by text, ${d.aligned} with an edited text aligned, ${d.notFound} not found)\n`,
      );
      for (const l of report.layers) {
        out.write(`  ${l.annotator}: ${plural(l.spansAdded, 'span')} and ${plural(l.linksAdded, 'link')} added to ${plural(l.documents, 'document')}; ${l.unchanged} unchanged, ${l.conflicts} kept as the corpus has them${l.removedSince ? `; ${plural(l.removedSince, 'span')} removed in the corpus since the last merge, not brought back` : ''}\n`);
      }
      if (report.documentNotes) out.write(`  document notes written in the copy, added to the corpus's: ${report.documentNotes}\n`);
      for (const p of report.problems) out.write(`  document ${p.document} (${p.title})${p.annotator ? `, ${p.annotator}` : ''}: ${p.what}\n`);
    }
    return failed ? 1 : 0;
  } finally {
    check.stop();
    store.close();
  }
}

function curateCommand(args: string[], out: NodeJS.WritableStream): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      gold: { type: 'string' },
      annotators: { type: 'string', multiple: true },
      threshold: { type: 'string', default: 'all' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  if (!values.gold) throw new UsageError('--gold NAME is required: the layer the agreed spans go to');
  if (values.threshold !== 'all' && values.threshold !== 'majority') throw new UsageError('--threshold must be all or majority');
  const annotators = (values.annotators ?? []).flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean);
  const store = openCorpusStore(requireCorpus(positionals[0]), { create: false });
  try {
    let report: AcceptAgreedReport;
    try {
      report = acceptAgreed(store, {
        gold: values.gold,
        ...(annotators.length ? { annotators } : {}),
        threshold: values.threshold,
        dryRun: values['dry-run'],
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    out.write(
      `${report.dryRun ? 'would add' : 'added'} to ${report.gold}: ${plural(report.spansAccepted, 'span')} and ${plural(report.linksAccepted, 'link')} ` +
        `that ${report.threshold === 'all' ? 'all' : 'a majority'} of ${report.annotators.join(', ')} drew alike, over ${plural(report.documents, 'document')}` +
        `${report.alreadyGold ? ` (${plural(report.alreadyGold, 'agreed span')} already there)` : ''}\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}

/** The corpus opened read-only with its integrity check left to the caller; null when it is too old to be read without an upgrade. */
function openReadOnlyUnlessOld(file: string): CorpusStore | null {
  try {
    return openCorpusStore(file, { create: false, readOnly: true, deferIntegrityCheck: true });
  } catch (error) {
    if (error instanceof CorpusOpenError && error.reason?.key === 'error.readOnlyOld') return null;
    throw error;
  }
}

function agreementCommand(args: string[], out: NodeJS.WritableStream): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      annotators: { type: 'string', multiple: true },
      label: { type: 'string', multiple: true },
      format: { type: 'string', default: 'text' },
      out: { type: 'string', default: '-' },
    },
  });
  const format = values.format as (typeof AGREEMENT_FORMATS)[number];
  if (!AGREEMENT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${AGREEMENT_FORMATS.join(', ')}`);
  if (format === 'csv' && values.out === '-') throw new UsageError('--format csv writes two files (figures and disagreements): name one with --out');
  const annotators = (values.annotators ?? []).flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean);
  const labels = (values.label ?? []).flatMap((l) => l.split(',')).map((l) => l.trim()).filter(Boolean);
  const file = requireCorpus(positionals[0]);
  const measure = (store: CorpusStore): CorpusAgreement => {
    try {
      const known = new Set(store.labels().map((l) => l.name));
      const unknown = labels.filter((l) => !known.has(l));
      if (unknown.length) throw new UsageError(`no label called ${unknown.join(', ')} in this corpus`);
      try {
        // The command has the file to itself: the documents are read in a worker while this thread computes.
        return corpusAgreement(store, { ...(annotators.length ? { annotators } : {}), ...(labels.length ? { labels } : {}) }, { readInWorker: true });
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    } finally {
      store.close();
    }
  };
  // Read-only, with the corpus's integrity checked in a worker while it is read (nothing is written
  // before the check passed); the workers read the file the store reads (the one snapshot copy of a
  // corpus in a folder Loupe may not write to). A corpus too old to be read without an upgrade opens
  // as any other command opens it: upgraded, checked first.
  let result: CorpusAgreement;
  const readOnly = openReadOnlyUnlessOld(file);
  if (readOnly) result = readWhileChecking(file, () => measure(readOnly), readOnly.db.name);
  else result = measure(openCorpusStore(file, { create: false }));
  const { report, unattributedSpans } = result;
  if (format === 'csv') {
    const file = path.resolve(values.out);
    const beside = file.replace(/(\.csv)?$/i, '.disagreements.csv');
    writeFileAtomicSync(file, csvFile(FIGURE_HEADER, figureRows(report)));
    writeFileAtomicSync(beside, csvFile(DISAGREEMENT_HEADER, disagreementRows(report)));
    out.write(`wrote the agreement figures to ${file} and ${plural(report.disagreements.length, 'disagreement')} to ${beside}\n`);
    return 0;
  }
  // Compact: the report of a large corpus lists hundreds of thousands of disagreements.
  const text = format === 'json' ? `${JSON.stringify({ ...report, unattributedSpans })}\n` : agreementText(report, unattributedSpans);
  if (values.out === '-') out.write(text);
  else {
    writeFileAtomicSync(path.resolve(values.out), text);
    out.write(`wrote the agreement report to ${path.resolve(values.out)}\n`);
  }
  return 0;
}

/** One line per thing a schema change deletes (those that lose nothing are left out). */
function impactLines(impact: SchemaImpact): string[] {
  return [
    ...impact.labels
      .filter((l) => l.spans > 0 || l.links > 0)
      .map((l) => `label "${l.name}": ${plural(l.spans, 'span')}, ${plural(l.links, 'link')}`),
    ...impact.attributes.filter((a) => a.values > 0).map((a) => `attribute "${a.name}" of "${a.label}": ${plural(a.values, 'value')}`),
    ...impact.linkTypes.filter((t) => t.links > 0).map((t) => `link type "${t.name}": ${plural(t.links, 'link')}`),
  ];
}

/** Reads a schema file as UTF-8 text, refusing one above the size limit (or not a regular file) before reading it. */
function readSchemaFile(file: string): CorpusSchema {
  let bytes: Buffer;
  try {
    bytes = readRegularFileSync(file, { bytes: MAX_TEXT_FILE_BYTES, mb: MAX_TEXT_FILE_MB, name: 'schema file' });
  } catch (error) {
    if (error instanceof FileKindError && error.reason.key === 'error.fileTooLarge') {
      throw new Error(`${file} is larger than ${MAX_TEXT_FILE_MB} MB; a schema file is a few kB`, { cause: error });
    }
    throw error;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${file} is not UTF-8 text`);
  }
  return parseSchemaFile(text);
}

function schemaCommand(args: string[], out: NodeJS.WritableStream): number {
  const [action, ...rest] = args;
  if (action !== 'export' && action !== 'import') throw new UsageError('schema takes "export" or "import"');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: action === 'import' ? { yes: { type: 'boolean', default: false } } : {},
  });
  const corpusPath = requireCorpus(positionals[0]);
  const file = positionals[1];
  if (!file || positionals.length > 2) throw new UsageError(`schema ${action} takes a corpus and one schema file`);
  const target = path.resolve(file);
  if (action === 'export') {
    const store = openCorpusStore(corpusPath, { create: false });
    try {
      const schema = store.schema();
      checkReplaceable(target);
      writeFileAtomicSync(target, serializeSchemaFile(schema));
      out.write(`wrote ${plural(schema.labels.length, 'label')}, ${plural(schema.linkTypes.length, 'link type')} to ${target}\n`);
      return 0;
    } finally {
      store.close();
    }
  }
  const imported = readSchemaFile(target); // before the corpus is opened: a bad file changes nothing
  const store = openCorpusStore(corpusPath, { create: false });
  try {
    const result = store.updateSchema(draftMatchingByName(store.schema(), imported), { confirmDeletes: values.yes === true });
    const lines = impactLines(result.impact);
    if (!result.applied) {
      process.stderr.write(`loupe: importing ${target} would delete:\n${lines.map((l) => `  ${l}\n`).join('')}`);
      process.stderr.write('Nothing was changed. Run again with --yes to import it anyway.\n');
      return 1;
    }
    if (lines.length) out.write(`deleted:\n${lines.map((l) => `  ${l}\n`).join('')}`);
    out.write(
      `imported ${plural(imported.labels.length, 'label')}, ${plural(imported.linkTypes.length, 'link type')} from ${target}\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}

async function webCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { corpus: { type: 'string' }, port: { type: 'string', default: '0' }, 'data-dir': { type: 'string' } },
  });
  const port = Number(values.port);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError('--port takes a number from 0 to 65535');
  const web = await startWeb({ corpusPath: values.corpus, port, dataDir: values['data-dir'] });
  out.write(`${web.url}\n`);
  out.write(`Loupe is serving ${web.corpusPath} on 127.0.0.1 only. Open the URL above (it carries this run's token). Ctrl+C stops.\n`);
  const stop = (): void => {
    void web.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => undefined); // runs until a signal
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function runCli(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'import':
        return await importCommand(rest, out, stdin);
      case 'export':
        return await exportCommand(rest, out, out);
      case 'stats':
        return statsCommand(rest, out);
      case 'agreement':
        return agreementCommand(rest, out);
      case 'handout':
        return await handoutCommand(rest, out);
      case 'merge':
        return mergeCommand(rest, out);
      case 'curate':
        return curateCommand(rest, out);
      case 'schema':
        return schemaCommand(rest, out);
      case 'web':
        return await webCommand(rest, out);
      case '--version':
      case '-v':
        out.write(`${LOUPE_VERSION}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        out.write(`${USAGE}\n`);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`loupe: ${message}\n`);
    if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    return 1;
  }
}

