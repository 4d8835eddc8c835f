/**
 * Reads a batch of files into documents, one file (or brat pair) at a time; storing them is the
 * service's job (services/importer.ts), so nothing here touches a corpus. Each file's format is
 * detected (from its name, and for JSON from its content) unless one is given; brat's .txt/.ann pairs
 * and annotation.conf travel together, and what a brat folder holds besides them is skipped (see
 * bratSkipReason). A zip's entries are read as the files of a folder named after it (archive.ts).
 * A file's bytes are asked for only when its turn comes (`BatchFile.data` may be a getter that reads
 * the disk), so a batch of 10,000 files is never held whole.
 */
import path from 'node:path';
import type { ErrorReason } from '../../../shared/errors';
import type { ImportFields, ImportFormat, ImportOptions } from '../../../shared/types';
import { bratConfFor, bratFolders, bratSkipReason, type BratFolders } from '../../../shared/importPlan';
import { decodeText } from '../decode';
import { parsePlainText } from '../plainText';
import { doccanoImporter, jsonLines, jsonText, looksLikeDoccano, loupeImporter } from './jsonl';
import { isZipName, unpackZip } from './archive';
import { readZip } from './zip';
import { bratImporter } from './brat';
import { conllImporter } from './conll';
import { docxImporter } from './docx';
import { htmlImporter } from './html';
import { markdownImporter } from './markdown';
import { labelStudioImporter, looksLikeLabelStudioTask } from './labelStudio';
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

/** The brat annotation.conf of a file among `confs` (the rule is bratConfFor's, shared with the app's chunks). */
export function confFor(name: string, confs: readonly ImportInput[]): ImportInput | undefined {
  const slashed = (n: string) => n.split(path.sep).join('/');
  const byName = new Map(confs.map((c) => [slashed(c.name), c]));
  const found = bratConfFor(slashed(name), [...byName.keys()]);
  return found === undefined ? undefined : byName.get(found);
}

export type { ImportOptions } from '../../../shared/types';

/**
 * A file of a batch: its bytes (or a getter that reads them when first asked), or why it could not be
 * read; `format` reads this file so (unless the batch's format overrides it) instead of detecting it;
 * `zip` names the zip it is an entry of; `reason` words `error` in the UI's language.
 */
export type BatchFile = ImportInput & {
  error?: string;
  reason?: ErrorReason;
  format?: ImportFormat;
  zip?: string;
  /** Lets go of bytes read on demand, once the file (or the pair it belongs to) is read. */
  release?: () => void;
};

/** What reading a batch gives, file by file, in the order the report lists them. */
export type BatchEvent =
  /** How many files will be read as articles (known once zips are opened); comes first. */
  | { kind: 'planned'; files: number }
  | { kind: 'skipped'; name: string; why: string }
  | { kind: 'failed'; name: string; error: string; reason?: ErrorReason }
  /** A file read; `only` (from ImportOptions.only) lists which of its documents to store. */
  | { kind: 'parsed'; name: string; parsed: ParsedFile; only?: number[] };

/** A failure of one file, as the report lists it; an error that words itself for the UI (`reason`) keeps it. */
export function failureOf(name: string, error: unknown): Extract<BatchEvent, { kind: 'failed' }> {
  const message = error instanceof Error ? error.message : String(error);
  const reason = error instanceof Error ? (error as { reason?: unknown }).reason : undefined;
  const worded = typeof reason === 'object' && reason !== null && typeof (reason as { key?: unknown }).key === 'string';
  return { kind: 'failed', name, error: message, ...(worded ? { reason: reason as ErrorReason } : {}) };
}

/** The batch with each zip replaced by its entries; a zip that cannot be opened is reported as failed. */
function withZipsOpened(files: readonly BatchFile[], events: BatchEvent[]): BatchFile[] {
  const out: BatchFile[] = [];
  for (const file of files) {
    if (file.error !== undefined || !isZipName(file.name)) {
      out.push(file);
      continue;
    }
    try {
      const { entries, skipped } = unpackZip(file);
      file.release?.(); // the entries hold what is needed of it
      if (entries.length === 0 && skipped.length === 0) throw new ImportError('the zip holds no files (only folders or hidden files)');
      out.push(...entries.map((e) => ({ ...e, zip: file.name })));
      for (const s of skipped) events.push({ kind: 'skipped', ...s });
    } catch (error) {
      events.push(failureOf(file.name, error));
    }
  }
  return out;
}

/**
 * Reads `input` file by file (see the top of this file): first what is decided from the names alone
 * (files skipped, files that could not be read, zips that do not open), then each article in turn.
 * A file whose bytes cannot be read, or that its format refuses, is a `failed` event; the rest go on.
 */
export function* parseBatch(input: readonly BatchFile[], options: ImportOptions = {}, reading: { layers?: boolean } = {}): Generator<BatchEvent, void, undefined> {
  const early: BatchEvent[] = [];
  const files = withZipsOpened(input, early);
  // With `only`, the other files are read only as companions of those named.
  const only = options.only && new Map<string, number[]>();
  for (const { name, index } of options.only ?? []) only!.set(name, [...(only!.get(name) ?? []), index]);
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
  const primaries: { file: BatchFile; ann?: BatchFile | undefined; format?: ImportFormat; companions: Companions }[] = [];
  for (const file of files) {
    if (file.error !== undefined) {
      early.push({ kind: 'failed', name: file.name, error: file.error, ...(file.reason ? { reason: file.reason } : {}) });
      continue;
    }
    const base = path.basename(file.name).toLowerCase();
    if (base === 'annotation.conf' || base === 'visual.conf' || base === 'tools.conf' || base === 'kb_shortcuts.conf') {
      early.push({ kind: 'skipped', name: file.name, why: 'a brat configuration file: read with the .txt/.ann pairs of its folder' });
      continue;
    }
    // Read as another format on purpose, a .txt needs no .ann; a README is no article either way.
    const paired = (forced !== undefined && forced !== 'brat') || annFor(file) !== undefined;
    const notArticle = bratSkipReason(slashed(file.name), scopes.get(file.zip)!, paired);
    if (notArticle) {
      early.push({ kind: 'skipped', name: file.name, why: notArticle });
      continue;
    }
    if (extOf(file.name) === '.ann') {
      if (!byName.has(`${stemOf(file.name)}.txt`)) {
        early.push({ kind: 'skipped', name: file.name, why: `a brat annotation file without ${path.basename(stemOf(file.name))}.txt next to it` });
      } else if (forced && forced !== 'brat') {
        early.push({ kind: 'skipped', name: file.name, why: `brat annotations, not read when importing as ${forced}` });
      }
      continue; // read with its .txt
    }
    if (only && !only.has(file.name)) continue;
    const ann = extOf(file.name) === '.txt' ? annFor(file) : undefined;
    // Detecting the format of a JSON file reads it: left to its turn, so nothing is read early.
    const format = forced ?? file.format ?? (ann ? 'brat' : undefined);
    const conf = confFor(file.name, confs);
    const companions: Companions = {
      get: (what) => (what === 'ann' ? ann : what === 'annotation.conf' ? conf : byName.get(what)),
    };
    primaries.push({ file, ann, ...(format ? { format } : {}), companions });
  }

  // Counted as the progress bar counts: each article read, and each file that failed before it could be.
  yield { kind: 'planned', files: primaries.length + early.filter((e) => e.kind === 'failed').length };
  yield* early;
  for (const { file, ann, format, companions } of primaries) {
    let event: BatchEvent;
    try {
      const chosen = format ?? detectFormat(file, options.fields);
      const importer = importers.get(chosen);
      if (!importer) throw new ImportError(`this version of Loupe cannot read ${chosen} files yet`);
      const parsed = importer.parse(file, companions, { ...(options.fields ? { fields: options.fields } : {}), ...(reading.layers ? { layers: true } : {}) });
      if (parsed.documents.length === 0) throw new ImportError('the file holds no documents');
      const indexes = only?.get(file.name);
      event = { kind: 'parsed', name: file.name, parsed, ...(indexes ? { only: indexes } : {}) };
    } catch (error) {
      event = failureOf(file.name, error);
    } finally {
      file.release?.();
      ann?.release?.();
    }
    yield event;
  }
}
