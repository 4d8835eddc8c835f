/**
 * Imports a batch of files into a corpus. Each file's format is detected (from its name, and for
 * JSON from its content) unless one is given; brat's .txt/.ann pairs and annotation.conf travel
 * together, and what a brat folder holds besides them is skipped (see bratSkipReason). A zip's entries
 * are imported as the files of a folder named after it (archive.ts). Each file is stored in one transaction — its documents, its spans and links, and the
 * schema additions they need — so a bad file leaves nothing behind and the rest still import.
 */
import path from 'node:path';
import type { ImportFields, ImportFormat, ImportOptions, ImportReport, Link, SpanInput } from '../../../shared/types';
import { emptyImportReport } from '../../../shared/types';
import { newId, PLAIN_ID } from '../../../shared/ids';
import { bratFolders, bratSkipReason, type BratFolders } from '../../../shared/importPlan';
import { DecodeError, decodeText } from '../decode';
import { parsePlainText } from '../plainText';
import type { CorpusStore } from '../../store/corpusStore';
import { StoreError } from '../../store/corpusStore';
import { doccanoImporter, jsonLines, jsonText, looksLikeDoccano, loupeImporter } from './jsonl';
import { isZipName, unpackZip } from './archive';
import { readZip } from './zip';
import { bratImporter } from './brat';
import { conllImporter } from './conll';
import { docxImporter } from './docx';
import { htmlImporter } from './html';
import { markdownImporter } from './markdown';
import { labelStudioImporter, looksLikeLabelStudioTask } from './labelStudio';
import { fitSchema, mergeAdditions } from './schemaFit';
import { matchNames } from './nameMatch';
import { mergeDuplicateSpans } from './duplicateSpans';
import { type Companions, ImportError, type ImportInput, type Importer, type ParsedFile } from './types';

export { ImportError } from './types';

/** Plain text: one paragraph per non-blank line; the first is the title. */
export const textImporter: Importer = {
  format: 'text',
  extensions: ['.txt', '.text'],
  parse(file) {
    const decoded = decodeText(file.data);
    const article = parsePlainText(decoded.text, path.basename(file.name), decoded.encoding);
    return {
      format: 'text',
      encoding: decoded.encoding,
      documents: [{ title: article.title, text: article.text, meta: article.meta, spans: [], links: [] }],
    };
  },
};

/** Every importer, by format. Formats registered later (see registerImporter) join this table. */
const importers = new Map<ImportFormat, Importer>([
  ['text', textImporter],
  ['loupe-jsonl', loupeImporter],
  ['doccano', doccanoImporter],
  ['label-studio', labelStudioImporter],
  ['brat', bratImporter],
  ['conll', conllImporter],
  ['markdown', markdownImporter],
  ['html', htmlImporter],
  ['docx', docxImporter],
]);

/** Adds (or replaces) the importer of a format. */
export function registerImporter(importer: Importer): void {
  importers.set(importer.format, importer);
}

/** The importer of a format, if this build has one. */
export function importerFor(format: ImportFormat): Importer | undefined {
  return importers.get(format);
}

const extOf = (name: string): string => path.extname(name).toLowerCase();
const stemOf = (name: string): string => name.slice(0, name.length - path.extname(name).length);

/** Loupe's JSON export starts with its `loupe_version` (told apart without parsing a whole corpus). */
const LOUPE_JSON_START = /^\s*\{\s*"loupe_version"\s*:/;

/**
 * The format a file is in, from its extension and, for JSON Lines, its first line (`fields` named by
 * the user make a JSON Lines file without Loupe's spans doccano's).
 */
export function detectFormat(file: ImportInput, fields?: ImportFields): ImportFormat {
  const ext = extOf(file.name);
  if (ext === '.jsonl' || ext === '.ndjson') {
    try {
      const [first] = jsonLines(jsonText(file).text);
      return looksLikeDoccano(first?.value, fields) ? 'doccano' : 'loupe-jsonl';
    } catch {
      return 'loupe-jsonl'; // its importer says what is wrong
    }
  }
  if (ext === '.json') {
    // A JSON array is Label Studio's export (tasks); an object is Loupe's JSON export (it starts with
    // "loupe_version") or one Label Studio task (it has "data"). A broken file goes to the importer
    // that can say what is wrong.
    try {
      const text = jsonText(file).text;
      if (text.trimStart().startsWith('[')) return 'label-studio';
      if (LOUPE_JSON_START.test(text)) return 'loupe-jsonl';
      return looksLikeLabelStudioTask(JSON.parse(text)) ? 'label-studio' : 'loupe-jsonl';
    } catch {
      return 'loupe-jsonl';
    }
  }
  for (const importer of importers.values()) {
    if (importer.format !== 'text' && importer.extensions.includes(ext)) return importer.format;
  }
  return 'text';
}

/** How much of a nameless file detectFormatByContent looks at. */
const SNIFF_BYTES = 64 * 1024;

/**
 * The format of a file without a telling name (read from stdin), from its content: a zip (below),
 * JSON and JSON Lines go through detectFormat as a `.json` or `.jsonl` file would, HTML is HTML, and
 * anything else plain text (Markdown and CoNLL must be named). A zip is Word's when it holds
 * word/document.xml, else a zip of files (`zip`: import it as one).
 */
export function detectFormatByContent(data: Uint8Array, fields?: ImportFields): ImportFormat | 'zip' {
  if (data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04) {
    // A Word file is a zip whose directory lists word/document.xml (a zip of .docx files is not one).
    let word = false;
    try {
      readZip(data, (entry) => {
        if (entry.name === 'word/document.xml') word = true;
        return false;
      });
    } catch {
      // a damaged zip: the archive reader says what is wrong with it
    }
    return word ? 'docx' : 'zip';
  }
  const head = new TextDecoder('utf-8').decode(data.subarray(0, SNIFF_BYTES)).replace(/^\ufeff/, '').trimStart();
  if (head.startsWith('[')) return detectFormat({ name: 'stdin.json', data });
  if (head.startsWith('{')) {
    // One object per line is JSON Lines; an object over many lines is Loupe's JSON export.
    const firstLine = head.split(/\r\n|\n|\r/, 1)[0]!;
    let oneLine = true;
    try {
      JSON.parse(firstLine);
    } catch {
      oneLine = false;
    }
    return detectFormat({ name: oneLine ? 'stdin.jsonl' : 'stdin.json', data }, fields);
  }
  if (/^<(!doctype html|html|head|body|article|main|div|p|h[1-6])[\s>]/i.test(head)) return 'html';
  return 'text';
}

/**
 * The brat annotation.conf of a file: as brat looks for it, the one in its folder or the nearest
 * folder above; else, when the batch has exactly one, that one.
 */
export function confFor(name: string, confs: readonly ImportInput[]): ImportInput | undefined {
  const byDir = new Map(confs.map((c) => [path.posix.dirname(c.name.split(path.sep).join('/')), c]));
  for (let dir = path.posix.dirname(name.split(path.sep).join('/')); ; dir = path.posix.dirname(dir)) {
    const conf = byDir.get(dir);
    if (conf) return conf;
    if (dir === '.' || dir === '/' || dir === path.posix.dirname(dir)) break;
  }
  return confs.length === 1 ? confs[0] : undefined;
}

export type { ImportOptions } from '../../../shared/types';

/**
 * A file of a batch: its bytes, or why it could not be read; `format` reads this file so (unless the
 * batch's format overrides it) instead of detecting it; `zip` names the zip it is an entry of.
 */
export type BatchFile = ImportInput & { error?: string; format?: ImportFormat; zip?: string };

/** The batch with each zip replaced by its entries; a zip that cannot be opened is reported as failed. */
function withZipsOpened(files: readonly BatchFile[], report: ImportReport): BatchFile[] {
  const out: BatchFile[] = [];
  for (const file of files) {
    if (file.error !== undefined || !isZipName(file.name)) {
      out.push(file);
      continue;
    }
    try {
      const { entries, skipped } = unpackZip(file);
      if (entries.length === 0 && skipped.length === 0) throw new ImportError('the zip holds no files (only folders or hidden files)');
      out.push(...entries.map((e) => ({ ...e, zip: file.name })));
      report.skipped.push(...skipped);
    } catch (error) {
      const reason = error instanceof ImportError ? error.reason : undefined;
      report.failed.push({ name: file.name, error: error instanceof Error ? error.message : String(error), ...(reason ? { reason } : {}) });
    }
  }
  return out;
}

/** Thrown to roll a dry run back. */
const DRY_RUN = Symbol('dry run');

/**
 * Imports `files` into `store`; returns what happened to each file. A dry run imports the same way
 * inside a transaction it then rolls back, so its report is the one the import would give.
 */
export function importBatch(store: CorpusStore, files: readonly BatchFile[], options: ImportOptions = {}): ImportReport {
  if (!options.dryRun) return importFiles(store, files, options);
  let report = emptyImportReport();
  try {
    store.db.transaction(() => {
      report = importFiles(store, files, options);
      throw DRY_RUN;
    }).immediate();
  } catch (error) {
    if (error !== DRY_RUN) throw error;
  }
  return report;
}

function importFiles(store: CorpusStore, input: readonly BatchFile[], options: ImportOptions): ImportReport {
  const report = emptyImportReport();
  const files = withZipsOpened(input, report);
  // With `only`, the other files are read only as companions of those named.
  const only = options.only && new Map<string, Set<number>>();
  for (const { name, index } of options.only ?? []) only!.set(name, (only!.get(name) ?? new Set()).add(index));
  const forced = options.format && options.format !== 'auto' ? options.format : undefined;
  const byName = new Map(files.map((f) => [f.name, f]));
  const confs = files.filter((f) => path.basename(f.name).toLowerCase() === 'annotation.conf');
  const anns = files.filter((f) => extOf(f.name) === '.ann');
  const annByStem = new Map(anns.map((a) => [stemOf(a.name), a]));
  const annFor = (txt: ImportInput) => annByStem.get(stemOf(txt.name));
  // The brat folders of the batch; a zip's entries are judged among themselves, as the zip's own folder.
  const slashed = (name: string) => name.split(path.sep).join('/');
  const scopes = new Map<string | undefined, BratFolders>();
  for (const zip of new Set(files.map((f) => f.zip))) {
    scopes.set(zip, bratFolders(files.filter((f) => f.zip === zip).map((f) => slashed(f.name))));
  }

  // Which files are read on their own, and which only with another.
  const primaries: { file: ImportInput; format: ImportFormat; companions: Companions }[] = [];
  for (const file of files) {
    if (file.error !== undefined) {
      report.failed.push({ name: file.name, error: file.error });
      continue;
    }
    const base = path.basename(file.name).toLowerCase();
    if (base === 'annotation.conf' || base === 'visual.conf' || base === 'tools.conf' || base === 'kb_shortcuts.conf') {
      report.skipped.push({ name: file.name, why: 'a brat configuration file: read with the .txt/.ann pairs of its folder' });
      continue;
    }
    // Read as another format on purpose, a .txt needs no .ann; a README is no article either way.
    const paired = (forced !== undefined && forced !== 'brat') || annFor(file) !== undefined;
    const notArticle = bratSkipReason(slashed(file.name), scopes.get(file.zip)!, paired);
    if (notArticle) {
      report.skipped.push({ name: file.name, why: notArticle });
      continue;
    }
    if (extOf(file.name) === '.ann') {
      if (!byName.has(`${stemOf(file.name)}.txt`)) {
        report.skipped.push({ name: file.name, why: `a brat annotation file without ${path.basename(stemOf(file.name))}.txt next to it` });
      } else if (forced && forced !== 'brat') {
        report.skipped.push({ name: file.name, why: `brat annotations, not read when importing as ${forced}` });
      }
      continue; // read with its .txt
    }
    if (only && !only.has(file.name)) continue;
    const ann = extOf(file.name) === '.txt' ? annFor(file) : undefined;
    const format = forced ?? file.format ?? (ann ? 'brat' : detectFormat(file, options.fields));
    const conf = confFor(file.name, confs);
    const companions: Companions = {
      get: (what) => (what === 'ann' ? ann : what === 'annotation.conf' ? conf : byName.get(what)),
    };
    primaries.push({ file, format, companions });
  }

  for (const { file, format, companions } of primaries) {
    try {
      const importer = importers.get(format);
      if (!importer) throw new ImportError(`this version of Loupe cannot read ${format} files yet`);
      const parsed = importer.parse(file, companions, options.fields ? { fields: options.fields } : {});
      if (parsed.documents.length === 0) throw new ImportError('the file holds no documents');
      // Reported only once committed: a commit that fails (a full disk) leaves the file failed, not both.
      const stored = storeParsed(store, file, parsed, { ...options, only: only?.get(file.name) });
      mergeAdditions(report.schemaAdded, stored.added);
      report.imported.push(...stored.imported);
      report.duplicates.push(...stored.duplicates);
      for (const m of stored.labelsMapped) {
        if (!report.labelsMapped.some((x) => x.from === m.from && x.to === m.to)) report.labelsMapped.push(m);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reason = error instanceof DecodeError || error instanceof ImportError || error instanceof StoreError ? error.reason : undefined;
      report.failed.push({ name: file.name, error: message, ...(reason ? { reason } : {}) });
    }
  }
  if (only) report.skipped = report.skipped.filter((s) => only.has(s.name));
  return report;
}

/**
 * Stores one parsed file in one transaction: schema additions, then its documents; returns what it
 * stored, for the report, once committed. IMMEDIATE: the write lock is taken (waiting for another
 * writer) before anything is read, so another process writing meanwhile cannot make the transaction
 * fail halfway. Documents the corpus already holds (or the file, earlier) are left out unless
 * `options.duplicates` is 'import'; names are matched to the corpus's (see nameMatch.ts) and exact
 * duplicate spans merged before anything is written.
 */
function storeParsed(
  store: CorpusStore,
  file: ImportInput,
  parsed: ParsedFile,
  options: Omit<ImportOptions, 'only'> & { only?: ReadonlySet<number> | undefined },
): Pick<ImportReport, 'imported' | 'duplicates' | 'labelsMapped'> & { added: ImportReport['schemaAdded'] } {
  return store.db.transaction(() => {
    const duplicates: ImportReport['duplicates'] = [];
    // A document repeating one earlier in this file: its position among `documents`, for the id.
    const repeats: { entry: ImportReport['duplicates'][number]; of: number }[] = [];
    const firstWithText = new Map<string, number>();
    const documents = parsed.documents.flatMap((doc, index) => {
      if (options.only && !options.only.has(index)) return [];
      if (options.duplicates !== 'import') {
        const entry = { name: file.name, title: doc.title, existingId: 0, index };
        const existingId = store.documentWithText(doc.text);
        if (existingId !== undefined) {
          duplicates.push({ ...entry, existingId });
          return [];
        }
        const earlier = firstWithText.get(doc.text);
        if (earlier !== undefined) {
          duplicates.push(entry);
          repeats.push({ entry, of: earlier });
          return [];
        }
        firstWithText.set(doc.text, firstWithText.size);
      }
      return [doc];
    });
    if (documents.length === 0) return { imported: [], duplicates, labelsMapped: [], added: { labels: [], attributes: [], linkTypes: [] } };

    // Span and link ids: the file's own when free, else fresh ones (links follow their spans).
    const taken = new Set<string>();
    for (const doc of documents) {
      const spanIds = new Map<string, string>();
      doc.spans = doc.spans.map((s: SpanInput) => {
        if (spanIds.has(s.id)) throw new ImportError(`document “${doc.title}”: two spans have the id ${s.id}`);
        const id = PLAIN_ID.test(s.id) && !taken.has(s.id) && !store.hasSpanId(s.id) ? s.id : newId();
        spanIds.set(s.id, id);
        taken.add(id);
        return { ...s, id };
      });
      const linkIds = new Set<string>();
      doc.links = doc.links.map((l: Link) => {
        const from = spanIds.get(l.from);
        const to = spanIds.get(l.to);
        if (from === undefined || to === undefined) {
          throw new ImportError(`document “${doc.title}”: link ${l.id} (${l.type}) joins a span the document does not have`);
        }
        const id = PLAIN_ID.test(l.id) && !linkIds.has(l.id) && !taken.has(l.id) && !store.hasLinkId(l.id) ? l.id : newId();
        linkIds.add(id);
        taken.add(id);
        return { ...l, id, from, to };
      });
    }
    const schema = store.schema();
    const matched = matchNames(schema, documents, parsed.schema, options.labelMap);
    const { draft, added } = fitSchema(schema, documents, parsed.schema);
    if (draft) store.updateSchema(draft);
    const notes = documents.map((doc, i) => [...matched.notes[i]!, ...mergeDuplicateSpans(doc)]);
    const rows = documents.map((doc) => ({
      doc,
      id: store.insertDocument({
        title: doc.title,
        text: doc.text,
        meta: { ...doc.meta, format: parsed.format },
        ...(doc.status ? { status: doc.status } : {}),
        ...(doc.note ? { note: doc.note } : {}),
        spans: doc.spans,
        links: doc.links,
      }),
    }));
    for (const { entry, of } of repeats) entry.existingId = rows[of]!.id;
    return {
      added,
      duplicates,
      labelsMapped: matched.labels,
      imported: rows.map(({ doc, id }, i) => ({
        name: file.name,
        documentId: id,
        title: doc.title,
        encoding: parsed.encoding,
        format: parsed.format,
        spans: doc.spans.length,
        links: doc.links.length,
        notes: [...(doc.notes ?? []), ...notes[i]!],
      })),
    };
  }).immediate();
}
