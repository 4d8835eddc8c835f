/**
 * brat standoff export: a zip with, per document, `<id>-<title>.txt` (the text exactly, UTF-8) and
 * `<id>-<title>.ann` (T lines for spans, one `start end` pair per fragment; R lines for links; A lines
 * for attribute values; `#` AnnotatorNotes for span notes), one annotation.conf for the corpus (see
 * bratConf) and a README.txt. Offsets are code points, brat's own unit, whatever unit the export was
 * asked for. The zip is streamed a document at a time, and every entry has the same fixed time, so the
 * same corpus always gives the same bytes.
 *
 * brat reads the .ann a line at a time, so a span's text may not hold a line break: such a span is
 * split into fragments at its breaks (what brat itself does with a selection across lines). What else
 * brat cannot carry is reported through ctx.lost.
 */
import { Zip, ZipDeflate, strToU8 } from 'fflate';
import { codePointPrefix, OffsetIndex } from '../../../shared/offsets';
import type { AttrValue, Fragment, Label, LoupeDocument } from '../../../shared/types';
import { bratName, writeAnnotationConf } from '../bratConf';
import { isSafeEntryName } from '../import/zip';
import { DocumentLosses } from './losses';
import type { ExportContext, ExportSource, Exporter } from './types';

/**
 * Every entry's time. Zip stores local time and fflate converts with local getters, so it is built in
 * local time, and when written (not at load), so the bytes do not depend on the time zone.
 */
const entryTime = (): Date => new Date(2000, 0, 1, 12, 0, 0);

/** Everything Python's str.splitlines() breaks at: brat 1.3 reads .ann lines that way. */
// The control characters are the point: Python splits lines at VT, FF and FS–RS too.
// eslint-disable-next-line no-control-regex
const LINE_BREAK = /[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/;
// eslint-disable-next-line no-control-regex -- the same line breaks as LINE_BREAK
const LINE_BREAKS = /[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]+/g;

/** What the export could not carry, summed over its documents. */
interface Losses {
  splitSpans: number;
  droppedSpans: number;
  droppedLinks: number;
  values: number;
  emptyValues: number;
  notes: number;
  falseFlags: number;
}

/**
 * A document's file name without extension: its id, then a short form of its title safe on every system.
 * Path separators, drive colons, characters Windows refuses, whitespace and every control, format
 * (bidi overrides, zero-width) and lone-surrogate character become `_`, so no title can make an entry
 * that leaves the folder the zip is unpacked into; the leading id keeps the name from being empty or
 * one of Windows' reserved names (CON, NUL…).
 */
export function bratFileStem(doc: Pick<LoupeDocument, 'id' | 'title'>): string {
  const cleaned = doc.title.replace(/[\\/:*?"<>|#%&{}\s\p{Cc}\p{Cf}\p{Cs}]+/gu, '_').replace(/^[_.]+/, '');
  const short = codePointPrefix(cleaned, 40).replace(/[_.]+$/, '');
  return `${doc.id}-${short || 'document'}`;
}

/** A fragment cut at its line breaks: the pieces between them, each with its text. */
function piecesOf([start, end]: Fragment, index: OffsetIndex): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  let at = start;
  let from = start;
  let text = '';
  for (const c of index.slice(start, end)) {
    if (LINE_BREAK.test(c)) {
      if (at > from) out.push({ start: from, end: at, text });
      from = at + 1;
      text = '';
    } else {
      text += c;
    }
    at++;
  }
  if (at > from) out.push({ start: from, end: at, text });
  return out;
}

/** The .ann of one document; adds to `used` the text and number values it writes (by brat attribute name). */
function annOf(doc: LoupeDocument, labels: Map<string, Label>, used: Map<string, Set<string>>, losses: Losses): string {
  const index = new OffsetIndex(doc.text);
  const ids = new Map<string, string>();
  const t: string[] = [];
  const a: string[] = [];
  const notes: string[] = [];
  for (const span of doc.spans) {
    const pieces = span.fragments.flatMap((f) => piecesOf(f, index));
    if (pieces.length === 0) {
      losses.droppedSpans++;
      continue;
    }
    if (span.fragments.some(([s, e]) => LINE_BREAK.test(index.slice(s, e)))) losses.splitSpans++;
    const id = `T${ids.size + 1}`;
    ids.set(span.id, id);
    const offsets = pieces.map((p) => `${p.start} ${p.end}`).join(';');
    t.push(`${id}\t${bratName(span.label)} ${offsets}\t${pieces.map((p) => p.text).join(' ')}`);

    const defs = labels.get(span.label)?.attributes ?? [];
    const names = [
      ...defs.map((d) => d.name).filter((n) => n in span.attrs),
      ...Object.keys(span.attrs)
        .filter((n) => !defs.some((d) => d.name === n))
        .sort(),
    ];
    for (const name of names) {
      const value: AttrValue = span.attrs[name]!;
      const attr = bratName(name);
      if (value === false) {
        losses.falseFlags++; // brat's binary attributes are present or absent
        continue;
      }
      if (value === true) {
        a.push(`A${a.length + 1}\t${attr} ${id}`);
        continue;
      }
      const raw = String(value);
      if (raw.trim() === '') {
        losses.emptyValues++;
        continue;
      }
      const written = bratName(raw);
      if (written !== raw) losses.values++;
      if (defs.find((d) => d.name === name)?.kind !== 'choice') {
        const set = used.get(attr) ?? new Set<string>();
        used.set(attr, set.add(written));
      }
      a.push(`A${a.length + 1}\t${attr} ${id} ${written}`);
    }
    if (span.note) {
      const note = span.note.replace(LINE_BREAKS, ' ');
      if (note !== span.note) losses.notes++;
      notes.push(`#${notes.length + 1}\tAnnotatorNotes ${id}\t${note}`);
    }
  }
  const r: string[] = [];
  for (const link of doc.links) {
    const from = ids.get(link.from);
    const to = ids.get(link.to);
    if (from === undefined || to === undefined) {
      losses.droppedLinks++;
      continue;
    }
    r.push(`R${r.length + 1}\t${bratName(link.type)} Arg1:${from} Arg2:${to}`);
  }
  const lines = [...t, ...r, ...a, ...notes];
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function readme(source: ExportSource): string {
  return `This is a brat standoff export of the Loupe corpus “${source.corpusName}”.

For each document there are two files, named after its id and title:
  <id>-<title>.txt  its text exactly as Loupe holds it (UTF-8, paragraphs separated by line feeds);
  <id>-<title>.ann  its annotations: T (spans, one "start end" pair per fragment), R (links),
                    A (attribute values) and # (span notes, as AnnotatorNotes).
annotation.conf declares the labels, link types and attributes for brat. Copy the files into a
folder under brat's data directory to open them there.

Offsets in the .ann files always count Unicode code points, as brat does, whatever offset unit was
chosen for the export.

What brat cannot hold, and so is not in these files: document titles, statuses, notes and metadata;
flags that are false (only true flags are written). A span crossing a line break is split into
fragments at the break, since an annotation's text must stay on one line; a line break in a span
note is written as a space. Spaces, "|" and "," in label, link type and attribute names and in
attribute values are written as "_". A comment line in annotation.conf keeps Loupe's own schema, so
Loupe reads the names, attribute kinds and colours back as they were.
`;
}

/** Losses of the schema's names: the brat names of labels, link types and attributes that differ from Loupe's. */
function renamedNames(source: ExportSource): number {
  const names = [
    ...source.labels.flatMap((l) => [l.name, ...l.attributes.map((a) => a.name)]),
    ...source.linkTypes.map((t) => t.name),
  ];
  return names.filter((n) => bratName(n) !== n).length;
}

/**
 * An annotator's folder in the zip: their name, with what bratFileStem replaces replaced (and never
 * empty, hidden or a Windows device name).
 */
export function bratFolderName(annotator: string): string {
  const cleaned = codePointPrefix(annotator.replace(/[\\/:*?"<>|#%&{}\s\p{Cc}\p{Cf}\p{Cs}]+/gu, '_').replace(/^[_.]+/, ''), 60).replace(/[_.]+$/, '');
  return /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(cleaned) || !cleaned ? `annotator_${cleaned}` : cleaned;
}

/** Two entries per document, README.txt and annotation.conf: the most a zip without ZIP64 holds. */
export const MAX_BRAT_DOCUMENTS = Math.floor((65_535 - 2) / 2);

/** Yields the zip, a document (its .txt and .ann) at a time; README.txt first, annotation.conf last. */
export function* bratChunks(source: ExportSource, ctx: ExportContext): Generator<Uint8Array> {
  const pending: Uint8Array[] = [];
  const failure: { error: Error | null } = { error: null };
  const zip = new Zip((error, data) => {
    if (error) failure.error = error;
    else pending.push(data);
  });
  const add = (name: string, content: string) => {
    if (!isSafeEntryName(name)) throw new Error(`refusing to write the zip entry “${name}”: it could leave the folder it is unpacked into`);
    const entry = new ZipDeflate(name, { level: 6 });
    entry.mtime = entryTime();
    zip.add(entry);
    entry.push(strToU8(content), true);
    if (failure.error) throw failure.error;
  };
  const take = (): Uint8Array => {
    const out = new Uint8Array(pending.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of pending) {
      out.set(c, at);
      at += c.length;
    }
    pending.length = 0;
    return out;
  };

  const labels = new Map(source.labels.map((l) => [l.name, l]));
  const used = new Map<string, Set<string>>();
  const losses: Losses = { splitSpans: 0, droppedSpans: 0, droppedLinks: 0, values: 0, emptyValues: 0, notes: 0, falseFlags: 0 };
  // A document is its .txt and .ann: its file name keeps a short form of its title, nothing else of it.
  const documentLosses = new DocumentLosses(['title', 'status', 'note', 'meta']);
  add('README.txt', readme(source));
  yield take();
  let entries = 2;
  // Several annotators' layers: a folder each (brat shows one .ann per document); one layer: no folder.
  const folders = new Map<string | null, string>();
  const folderOf = (annotator: string | null): string => {
    let folder = folders.get(annotator);
    if (folder === undefined) {
      const base = annotator === null ? 'unattributed' : bratFolderName(annotator);
      folder = base;
      // Alice and alice are one folder where file names ignore case (Windows, macOS): told apart.
      const taken = (name: string) => [...folders.values()].some((f) => f.normalize('NFC').toLowerCase() === name.normalize('NFC').toLowerCase());
      for (let k = 2; taken(folder); k++) folder = `${base}_${k}`;
      folders.set(annotator, folder);
    }
    return folder;
  };
  const layerNames = source.annotators && source.annotators.length > 1 ? source.annotators : null;
  for (const doc of source.documents()) {
    const stem = bratFileStem(doc);
    // Each annotator's folder has every document, with that annotator's spans (maybe none).
    const parts: (readonly [string, LoupeDocument])[] = layerNames
      ? layerNames.map((annotator) => {
          const spans = doc.spans.filter((s) => s.annotator === annotator);
          const ids = new Set(spans.map((s) => s.id));
          return [`${folderOf(annotator)}/`, { ...doc, spans, links: doc.links.filter((l) => ids.has(l.from) && ids.has(l.to)) }] as const;
        })
      : [['', doc] as const];
    for (const [folder, layer] of parts) {
      // fflate writes no ZIP64 records: past 65,535 entries the archive's directory would be wrong.
      entries += 2;
      if (entries > 65_535) throw new Error(`a brat zip holds at most ${MAX_BRAT_DOCUMENTS} documents (of one layer each); export fewer (filter by status, or per document)`);
      add(`${folder}${stem}.txt`, doc.text);
      add(`${folder}${stem}.ann`, annOf(layer, labels, used, losses));
    }
    documentLosses.add(doc);
    yield take();
  }
  add('annotation.conf', writeAnnotationConf({ labels: source.labels, linkTypes: source.linkTypes }, used));
  zip.end();
  if (failure.error) throw failure.error;
  yield take();

  const report: [string, number][] = [
    ['label or type names with spaces written with _', renamedNames(source)],
    ['attribute values with spaces written with _', losses.values],
    ['empty attribute values (brat needs a value)', losses.emptyValues],
    ['spans across line breaks split into fragments at the breaks', losses.splitSpans],
    ['spans of line breaks only (brat cannot hold them)', losses.droppedSpans],
    ['links to spans brat cannot hold', losses.droppedLinks],
    ['span notes with line breaks written on one line', losses.notes],
    ['flags that are false, written as absent (brat has no false)', losses.falseFlags],
  ];
  for (const [what, n] of report) if (n > 0) ctx.lost(what, n);
  documentLosses.report(ctx);
}

/** The brat exporter, as registered for format 'brat'. */
export const bratExporter: Exporter = (source, ctx) => bratChunks(source, ctx);
