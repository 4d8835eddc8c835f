/**
 * What a merge reads (services/teamwork.ts): a copy of the corpus handed out to an annotator (a Loupe
 * corpus file), or another tool's export of the annotators' work read with the importers — Loupe
 * JSONL/JSON, Label Studio JSON (an annotation per annotator), brat (a folder per annotator, as Loupe
 * writes several layers), doccano, CoNLL — as documents with their annotators' layers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { codePointLength } from '../../shared/offsets';
import { sharedRuns } from '../../shared/textAlign';
import type { Fragment, ImportFormat, Link, Span } from '../../shared/types';
import { lazyFile } from '../files/lazyFile';
import { parseBatch, type BatchFile } from '../formats/import';
import type { ParsedDocument } from '../formats/import/types';
import { openCorpusStore } from './corpusFiles';
import { type IntegrityCheck, startIntegrityCheck } from './integrityCheck';
import { annotatorName } from './settingsStore';

/** Corpus metadata of a copy: for whom, of which corpus, when. */
export const HANDOUT_FOR = 'handout_for';
/** Names one copy, so that merging it again knows what it merged before. */
export const HANDOUT_ID = 'handout_id';

/** An annotator's spans and links of a document in a copy. */
interface CopyLayer {
  spans: Span[];
  links: Link[];
}

/** A document of a copy: its id in the lead's corpus when the copy knows it, its layers, and its spans of nobody. */
interface CopyDocument {
  id: number | null;
  title: string;
  text: string;
  layers: Map<string, CopyLayer>;
  nobody: CopyLayer;
  /** The document's note in the copy ('' when none). */
  note: string;
  /** What reading it changed (duplicates dropped), for the report. */
  notes?: { annotator: string | null; what: string }[];
}

/** What is merged: a Loupe corpus file (a handed-out copy), or another tool's export. */
export interface CopySource {
  /** The annotator the copy was handed out to, if it says. */
  handedOutTo: string | null;
  /** Names the copy in merged_spans, so merging it again knows what it merged before. */
  key: string;
  /**
   * Another tool's export: its span ids are unique within a document only (T1, span-1), and a
   * document id it carries is a claim to check against the text.
   */
  foreign: boolean;
  documents(): Iterable<CopyDocument>;
  /** Throws when what was read cannot be trusted (a Loupe copy that fails its integrity check, run while it was read). */
  verify(): void;
  close(): void;
}

/** A Loupe corpus file as a copy (see handout). */
export function loupeCopy(file: string): CopySource {
  const copy = openCorpusStore(file, { create: false, readOnly: true, deferIntegrityCheck: true });
  // Checked while it is read (from the file the store reads: a snapshot copy of one in a folder Loupe may not write to).
  let check: IntegrityCheck;
  try {
    check = startIntegrityCheck(file, copy.db.name);
  } catch (error) {
    copy.close();
    throw error;
  }
  let handedOutTo: string | null;
  let key: string;
  let layersOfCopy: ((id: number) => string[]) | null = null;
  try {
    const meta = copy.db.prepare<[string], { value: string }>('SELECT value FROM corpus_meta WHERE key = ?');
    handedOutTo = meta.get(HANDOUT_FOR)?.value ?? null;
    key = meta.get(HANDOUT_ID)?.value ?? `file:${path.basename(file)}`;
    if (copy.recordsLayers) {
      const statement = copy.db.prepare<[number], { annotator: string }>('SELECT annotator FROM layers WHERE document_id = ?');
      layersOfCopy = (id) => statement.all(id).map((r) => r.annotator);
    } // else a copy from before layers: its spans' annotators are all there is
  } catch (error) {
    // A damaged copy says so rather than how reading it failed.
    try {
      check.wait();
    } finally {
      check.stop();
      copy.close();
    }
    throw error;
  }
  return {
    handedOutTo,
    key,
    foreign: false,
    *documents() {
      for (const doc of copy.documents()) {
        const names = new Set(layersOfCopy?.(doc.id) ?? []);
        for (const s of doc.spans) if (s.annotator !== null) names.add(s.annotator);
        // Each layer as getDocument(id, [], name) reads it, from the spans and links read already:
        // its spans in the same order, the links from its spans.
        const layers = new Map<string, CopyLayer>();
        for (const name of names) {
          const spans = doc.spans.filter((s) => s.annotator === name);
          const ids = new Set(spans.map((s) => s.id));
          layers.set(name, { spans, links: doc.links.filter((l) => ids.has(l.from)) });
        }
        const nobody = doc.spans.filter((s) => s.annotator === null);
        const nobodyIds = new Set(nobody.map((s) => s.id));
        yield { id: doc.id, title: doc.title, text: doc.text, note: doc.note, layers, nobody: { spans: nobody, links: doc.links.filter((l) => nobodyIds.has(l.from)) } };
      }
    },
    verify: () => check.wait(),
    close: () => {
      check.stop();
      copy.close();
    },
  };
}

/** The formats that carry annotations (a merge reads nothing else). */
const ANNOTATED_FORMATS: readonly ImportFormat[] = ['loupe-jsonl', 'label-studio', 'brat', 'doccano', 'conll'];

/** Files a foreign copy may have, at most (a folder of brat files, say). */
const MAX_COPY_FILES = 100_000;

/**
 * Another tool's export as a copy: Loupe JSONL/JSON (spans say their `annotator`), Label Studio JSON
 * (each annotation its `completed_by`'s), or a file or folder of a format that names no annotator
 * (brat, doccano, CoNLL…: its spans are nobody's, and the merge asks whose). Read with the importers.
 */
export function foreignCopy(file: string, format: ImportFormat | 'auto'): CopySource {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new Error(`${file} does not exist`);
  if (stat.isFile() && path.extname(file).toLowerCase() === '.loupe') throw new Error(`${file} is not a Loupe corpus (not an SQLite database)`);
  const names = stat.isDirectory()
    ? (fs.readdirSync(file, { recursive: true, withFileTypes: true }) as fs.Dirent[])
        .filter((e) => e.isFile() && !e.name.startsWith('.'))
        .map((e) => path.join(e.parentPath, e.name))
        .sort()
    : [file];
  if (names.length > MAX_COPY_FILES) throw new Error(`the folder holds more than ${MAX_COPY_FILES} files`);
  const base = stat.isDirectory() ? file : path.dirname(file);
  const batch: BatchFile[] = names.map((full) => lazyFile(path.relative(base, full).split(path.sep).join('/'), full));
  const parsed: { name: string; format: ImportFormat; doc: ParsedDocument }[] = [];
  const failures: string[] = [];
  for (const event of parseBatch(batch, { format }, { layers: true })) {
    if (event.kind === 'failed') failures.push(`${event.name}: ${event.error}`);
    if (event.kind !== 'parsed') continue;
    if (!ANNOTATED_FORMATS.includes(event.parsed.format)) {
      failures.push(`${event.name}: read as ${event.parsed.format}, a format with no annotations to merge (an annotator's work comes as ${ANNOTATED_FORMATS.join(', ')}, or a Loupe corpus)`);
      continue;
    }
    for (const doc of event.parsed.documents) parsed.push({ name: event.name, format: event.parsed.format, doc });
  }
  if (failures.length) throw new Error(`could not read ${failures.length === 1 ? 'a file' : `${failures.length} files`} of ${file}: ${failures.slice(0, 3).join('; ')}`);
  if (parsed.length === 0) throw new Error(`${file} holds no documents to merge`);
  const folderOwner = bratFolderOwners(parsed);
  const fileOwner = doccanoFileOwners(parsed, stat.isDirectory());
  const documents = parsed.map(({ name, doc }) => {
    const byFolder = folderOwner(name);
    return copyDocument(doc, byFolder !== undefined ? byFolder : fileOwner(name));
  });
  return { handedOutTo: null, key: `file:${path.basename(file)}`, foreign: true, documents: () => documents, verify: () => undefined, close: () => undefined };
}

/** The top folder of a name in a folder or zip (`王芳/1-x.txt`, `export.zip/王芳/1-x.txt` → `王芳`), if it is in one. */
const topFolder = (name: string): string | null => {
  const parts = name.replace(/^[^/]*\.zip\//i, '').split('/');
  return parts.length > 1 ? parts[0]! : null;
};

/**
 * brat files laid out as Loupe exports several layers (a top folder per annotator, each with the same
 * documents): the folder names the annotator (`unattributed`: nobody). Otherwise no folder names anyone.
 */
function bratFolderOwners(parsed: readonly { name: string; format: ImportFormat }[]): (name: string) => string | null | undefined {
  const brat = parsed.filter((p) => p.format === 'brat');
  const byFolder = new Map<string, Set<string>>();
  for (const { name } of brat) {
    const top = topFolder(name);
    if (top === null) return () => undefined;
    const rest = byFolder.get(top) ?? new Set<string>();
    rest.add(name.replace(/^[^/]*\.zip\//i, '').slice(top.length + 1));
    byFolder.set(top, rest);
  }
  const sets = [...byFolder.values()].map((s) => [...s].sort().join('\n'));
  if (byFolder.size < 2 || sets.some((s) => s !== sets[0])) return () => undefined;
  return (name) => {
    const top = topFolder(name);
    if (top === null || !byFolder.has(top)) return undefined;
    return top === 'unattributed' ? null : (annotatorName(top) ?? null);
  };
}

/**
 * doccano's export of a project whose members annotate apart is a zip of one JSONL file per member,
 * named after them (`admin.jsonl`, `wang.jsonl`), each with the project's documents, beside
 * `all.jsonl` or `unknown.jsonl` (no one's). Files laid out so (in a zip, or a folder unzipped from
 * one: all.jsonl/unknown.jsonl there, or two or more files holding the same texts) are each their
 * member's layer; other doccano files (a lone one, parts of a dataset) name no one.
 */
function doccanoFileOwners(parsed: readonly { name: string; format: ImportFormat; doc: ParsedDocument }[], folder: boolean): (name: string) => string | undefined {
  const files = new Map<string, string[]>();
  for (const { name, format, doc } of parsed) {
    if (format !== 'doccano' || (!folder && !/\.zip\//i.test(name))) continue;
    files.set(name, [...(files.get(name) ?? []), doc.text]);
  }
  const stem = (name: string) => path.basename(name).replace(/\.jsonl?$/i, '');
  const shared = /^(all|unknown)$/i;
  const texts = [...files].filter(([name]) => !shared.test(stem(name))).map(([, t]) => [...t].sort().join('\u0000'));
  const project = [...files.keys()].some((name) => shared.test(stem(name))) || (texts.length >= 2 && texts.every((t) => t === texts[0]));
  if (!project) return () => undefined;
  return (name) => (files.has(name) && !shared.test(stem(name)) ? (annotatorName(stem(name)) ?? undefined) : undefined);
}

/**
 * A document read by an importer as a copy's: its spans in their annotators' layers (`owner`, when
 * given, is everyone's: a brat folder's annotator; null: nobody), exact duplicates in one layer (one
 * person's two annotations of a Label Studio task, say) kept once.
 */
function copyDocument(doc: ParsedDocument, owner: string | null | undefined): CopyDocument {
  const named = doc.annotators ?? {};
  const layers = new Map<string, CopyLayer>();
  const nobody: CopyLayer = { spans: [], links: [] };
  const whose = new Map<string, CopyLayer>();
  const keptAs = new Map<string, string>(); // a span id -> the id of the span it duplicates (or its own)
  const seen = new Map<CopyLayer, Map<string, string>>();
  const notes: { annotator: string | null; what: string }[] = [];
  const duplicates = new Map<string | null, number>();
  for (const s of doc.spans) {
    const fragments = s.fragments && s.fragments.length > 1 ? s.fragments : ([[s.start, s.end]] as Fragment[]);
    const name = owner === undefined ? (annotatorName(named[s.id]) ?? null) : owner;
    let layer = nobody;
    if (name) {
      layer = layers.get(name) ?? { spans: [], links: [] };
      layers.set(name, layer);
    }
    const key = JSON.stringify([s.label, fragments]);
    const inLayer = seen.get(layer) ?? new Map<string, string>();
    seen.set(layer, inLayer);
    const first = inLayer.get(key);
    if (first !== undefined) {
      keptAs.set(s.id, first);
      duplicates.set(name, (duplicates.get(name) ?? 0) + 1);
      continue;
    }
    inLayer.set(key, s.id);
    keptAs.set(s.id, s.id);
    layer.spans.push({ id: s.id, label: s.label, start: s.start, end: s.end, fragments, attrs: s.attrs ?? {}, note: s.note ?? '', annotator: name, createdAt: '', updatedAt: '' });
    whose.set(s.id, layer);
  }
  for (const [annotator, n] of duplicates) notes.push({ annotator, what: `${n} span(s) drawn twice in one layer (the same label and text): kept once` });
  const linked = new Set<string>();
  for (const l of doc.links) {
    const from = keptAs.get(l.from);
    const to = keptAs.get(l.to);
    if (!from || !to || from === to) continue;
    const layer = whose.get(from);
    const key = JSON.stringify([l.type, from, to]);
    if (!layer || layer !== whose.get(to) || linked.has(key)) continue;
    linked.add(key);
    layer.links.push({ ...l, from, to });
  }
  return { id: doc.loupeId ?? null, title: doc.title, text: doc.text, note: doc.note ?? '', layers, nobody, ...(notes.length ? { notes } : {}) };
}

/** How much of two texts a shared-run alignment covers, as a share of the longer one (0–1). */
export function alignedShare(a: string, b: string): number {
  const shared = sharedRuns(a, b).reduce((n, r) => n + r.length, 0);
  return shared / Math.max(1, codePointLength(a), codePointLength(b));
}

/** Below this share of shared text, a foreign copy's document id is not taken to name the corpus's document. */
export const MIN_ALIGNED_SHARE = 0.5;

/** Whether `file` is a SQLite database (a Loupe corpus), by its header. */
export function isCorpusFile(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(16);
      fs.readSync(fd, head, 0, 16, 0);
      return head.toString('latin1') === 'SQLite format 3\0';
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

