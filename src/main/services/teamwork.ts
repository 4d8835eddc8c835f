/**
 * Team annotation the offline way (issue 15): the lead hands each annotator a copy of the corpus (a
 * corpus file of its own: all documents or some, with or without the other layers), each annotates
 * in their copy, and the lead merges the copies back. A copy keeps the documents' ids, so documents
 * are matched by id and text; one whose text was edited in the copy is matched by aligning the two
 * texts (textAlign.ts) and its spans moved, those that cannot be placed reported. Nothing of the
 * lead's is overwritten: a layer the corpus already has and the copy changed otherwise is reported,
 * not merged.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { codePointLength } from '../../shared/offsets';
import { edgeMapper, sharedRuns } from '../../shared/textAlign';
import type { Fragment, ImportFormat, Link, Span, SpanInput } from '../../shared/types';
import { MAX_IMPORT_BYTES, MAX_IMPORT_MB } from '../../shared/limits';
import { readRegularFileSync } from '../files/regularFiles';
import { parseBatch, type BatchFile } from '../formats/import';
import type { ParsedDocument } from '../formats/import/types';
import { newId } from '../../shared/ids';
import { replaceFile } from '../files/atomicFile';
import { checkFile } from './backups';
import type { CorpusStore } from '../store/corpusStore';
import type { HandoutResult, LayerMerge, MergeReport } from '../../shared/teamwork';

export type { HandoutResult, LayerMerge, MergeProblem, MergeReport } from '../../shared/teamwork';
import { openCorpusStore, replacesCorpus } from './corpusFiles';
import { annotatorName } from './settingsStore';

export interface HandoutRequest {
  annotator: string;
  out: string;
  /** Default: every document. */
  documentIds?: readonly number[];
  /** Leave out every layer but the annotator's own (blind annotation). */
  blind?: boolean;
  /** Whose spans with no annotator are, in the copy (else a handout with any is refused, unless blind). */
  owner?: string;
}


/** Corpus metadata of a copy: for whom, of which corpus, when. */
const HANDOUT_FOR = 'handout_for';
/** Names one copy, so that merging it again knows what it merged before. */
const HANDOUT_ID = 'handout_id';

/** Writes a copy of the corpus for one annotator (atomically: the file appears whole or not at all). */
export async function handout(store: CorpusStore, request: HandoutRequest): Promise<HandoutResult> {
  const annotator = annotatorName(request.annotator);
  if (!annotator) throw new Error('name the annotator the copy is for (--annotator NAME)');
  const target = path.resolve(request.out);
  if (replacesCorpus(store.path, target)) throw new Error('the copy cannot replace the corpus it is made of; choose another file');
  const all = store.listDocuments().map((d) => d.id);
  const ids = request.documentIds?.length ? [...new Set(request.documentIds)] : all;
  const missing = ids.filter((id) => !all.includes(id));
  if (missing.length) throw new Error(`no document ${missing.join(', ')} in this corpus`);
  const owner = request.owner === undefined ? null : annotatorName(request.owner);
  if (request.owner !== undefined && !owner) throw new Error('--owner takes an annotator name');
  const placeholders = ids.map(() => '?').join(',') || 'NULL';
  const unattributed = store.db.prepare<number[], { n: number }>(`SELECT count(*) AS n FROM spans WHERE annotator IS NULL AND document_id IN (${placeholders})`).get(...ids)!.n;
  if (unattributed && !request.blind && !owner) {
    throw new Error(
      `${unattributed} span${unattributed === 1 ? ' has' : 's have'} no annotator (made before annotators were recorded): name whose they are with --owner NAME, or hand out blind`,
    );
  }
  let result: HandoutResult | undefined;
  await replaceFile(target, async (tmp) => {
    await store.db.backup(tmp);
    const db = new Database(tmp);
    try {
      db.pragma('foreign_keys = ON');
      db.transaction(() => {
        db.prepare(`DELETE FROM documents WHERE id NOT IN (${placeholders})`).run(...ids);
        if (request.blind) {
          db.prepare('DELETE FROM spans WHERE annotator IS NOT ?').run(annotator);
          db.prepare('DELETE FROM layers WHERE annotator <> ?').run(annotator);
        } else if (owner) {
          db.prepare('UPDATE spans SET annotator = ? WHERE annotator IS NULL').run(owner);
          db.prepare('UPDATE links SET annotator = ? WHERE annotator IS NULL').run(owner);
          const stamp = new Date().toISOString();
          db.prepare('INSERT OR IGNORE INTO layers (document_id, annotator, created_at, updated_at) SELECT DISTINCT document_id, ?, ?, ? FROM spans WHERE annotator = ?').run(owner, stamp, stamp, owner);
        }
        const setMeta = db.prepare('INSERT INTO corpus_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
        setMeta.run(HANDOUT_FOR, annotator);
        setMeta.run(HANDOUT_ID, randomUUID());
        setMeta.run('handout_of', store.name);
        setMeta.run('handout_at', new Date().toISOString());
        setMeta.run('name', `${store.name} – ${annotator}`);
      })();
      db.exec('VACUUM');
      const layers = db.prepare<[], { annotator: string }>('SELECT DISTINCT annotator FROM layers ORDER BY annotator').all().map((r) => r.annotator);
      result = {
        path: target,
        documents: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM documents').get()!.n,
        spans: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM spans').get()!.n,
        layers,
      };
    } finally {
      db.close();
    }
    const problem = checkFile(tmp);
    if (problem) throw new Error(`the copy failed its check (${problem})`);
  });
  return result!;
}

export interface MergeRequest {
  /** Whose the copy's spans with no annotator are (default: the annotator it was handed out to). */
  annotator?: string;
  /** Merge every layer of the copy, not only its annotator's (a copy not handed out: always). */
  allLayers?: boolean;
  /** Report what would be merged, write nothing. */
  dryRun?: boolean;
  /** The copy's format (default: a Loupe corpus file, else detected as an import detects it). */
  format?: ImportFormat | 'auto';
}




/** What makes two spans the same annotation (ids aside). */
const spanKey = (s: Pick<Span, 'label' | 'fragments' | 'attrs' | 'note'>): string => JSON.stringify([s.label, s.fragments, s.attrs, s.note]);

const textOf = (text: string, s: Pick<Span, 'fragments'>): string => {
  const cps = Array.from(text);
  return s.fragments.map(([a, b]) => cps.slice(a, b).join('')).join('…');
};

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
  /** What reading it changed (duplicates dropped), for the report. */
  notes?: { annotator: string | null; what: string }[];
}

/** What is merged: a Loupe corpus file (a handed-out copy), or another tool's export. */
interface CopySource {
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
  close(): void;
}

/** A Loupe corpus file as a copy (see handout). */
function loupeCopy(file: string): CopySource {
  const copy = openCorpusStore(file, { create: false, readOnly: true });
  const meta = copy.db.prepare<[string], { value: string }>('SELECT value FROM corpus_meta WHERE key = ?');
  let layersOfCopy: ((id: number) => string[]) | null = null;
  try {
    const statement = copy.db.prepare<[number], { annotator: string }>('SELECT annotator FROM layers WHERE document_id = ?');
    layersOfCopy = (id) => statement.all(id).map((r) => r.annotator);
  } catch {
    // a copy from before layers: its spans' annotators are all there is
  }
  return {
    handedOutTo: meta.get(HANDOUT_FOR)?.value ?? null,
    key: meta.get(HANDOUT_ID)?.value ?? `file:${path.basename(file)}`,
    foreign: false,
    *documents() {
      for (const doc of copy.documents()) {
        const names = new Set(layersOfCopy?.(doc.id) ?? []);
        for (const s of doc.spans) if (s.annotator !== null) names.add(s.annotator);
        const layers = new Map<string, CopyLayer>();
        for (const name of names) {
          const layer = copy.getDocument(doc.id, [], name);
          layers.set(name, { spans: layer.spans, links: layer.links });
        }
        const nobody = doc.spans.filter((s) => s.annotator === null);
        const nobodyIds = new Set(nobody.map((s) => s.id));
        yield { id: doc.id, title: doc.title, text: doc.text, layers, nobody: { spans: nobody, links: doc.links.filter((l) => nobodyIds.has(l.from)) } };
      }
    },
    close: () => copy.close(),
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
function foreignCopy(file: string, format: ImportFormat | 'auto'): CopySource {
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
  const batch: BatchFile[] = names.map((full) => ({
    name: path.relative(base, full).split(path.sep).join('/'),
    get data() {
      return readRegularFileSync(full, { bytes: MAX_IMPORT_BYTES, mb: MAX_IMPORT_MB, name: 'import' });
    },
  }));
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
  const documents = parsed.map(({ name, doc }) => copyDocument(doc, folderOwner(name)));
  return { handedOutTo: null, key: `file:${path.basename(file)}`, foreign: true, documents: () => documents, close: () => undefined };
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
  return { id: doc.loupeId ?? null, title: doc.title, text: doc.text, layers, nobody, ...(notes.length ? { notes } : {}) };
}

/** How much of two texts a shared-run alignment covers, as a share of the longer one (0–1). */
function alignedShare(a: string, b: string): number {
  const shared = sharedRuns(a, b).reduce((n, r) => n + r.length, 0);
  return shared / Math.max(1, codePointLength(a), codePointLength(b));
}

/** Below this share of shared text, a foreign copy's document id is not taken to name the corpus's document. */
const MIN_ALIGNED_SHARE = 0.5;

/** Whether `file` is a SQLite database (a Loupe corpus), by its header. */
function isCorpusFile(file: string): boolean {
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

/**
 * Merges a copy back into `store`: a Loupe corpus file (see handout), or another tool's export of the
 * annotators' work (Loupe JSONL/JSON, Label Studio, brat, doccano…; see foreignCopy).
 */
export function mergeCopy(store: CorpusStore, copyPath: string, request: MergeRequest = {}): MergeReport {
  const file = path.resolve(copyPath);
  if (replacesCorpus(store.path, file)) throw new Error('a corpus cannot be merged into itself');
  const format = request.format ?? 'auto';
  const copy = format === 'auto' && isCorpusFile(file) ? loupeCopy(file) : foreignCopy(file, format);
  try {
    const { handedOutTo } = copy;
    const fallback = request.annotator === undefined ? handedOutTo : annotatorName(request.annotator);
    if (request.annotator !== undefined && !fallback) throw new Error('--annotator takes an annotator name');
    const report: MergeReport = {
      copy: file,
      handedOutTo,
      documents: { inCopy: 0, byId: 0, byText: 0, aligned: 0, notFound: 0 },
      layers: [],
      problems: [],
      unattributedSpans: 0,
      dryRun: Boolean(request.dryRun),
    };
    const layerReport = (annotator: string): LayerMerge => {
      let r = report.layers.find((l) => l.annotator === annotator);
      if (!r) report.layers.push((r = { annotator, documents: 0, spansAdded: 0, linksAdded: 0, unchanged: 0, conflicts: 0, removedSince: 0 }));
      return r;
    };
    const leadText = store.db.prepare<[number], { text: string }>('SELECT text FROM documents WHERE id = ?');
    const copyKey = copy.key;
    const mergedBefore = store.db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM merged_spans WHERE copy = ? AND span_id = ?');
    const recordMerged = store.db.prepare('INSERT OR IGNORE INTO merged_spans (copy, span_id) VALUES (?, ?)');
    const write = store.db.transaction(() => {
      let position = 0;
      for (const doc of copy.documents()) {
        report.documents.inCopy++;
        position++;
        const problem = (annotator: string | null, what: string) => report.problems.push({ document: doc.id ?? position, title: doc.title, annotator, what });
        // The corpus's document: the same id with the same text, else the same text, else the same id (aligned).
        let leadId: number | undefined;
        let move: ((s: Span) => Fragment[] | null) | null = null;
        const sameId = doc.id === null ? undefined : leadText.get(doc.id);
        if (sameId && sameId.text === doc.text) {
          leadId = doc.id!;
          report.documents.byId++;
        } else {
          const byText = store.documentWithText(doc.text);
          if (byText !== undefined) {
            leadId = byText;
            report.documents.byText++;
          } else if (sameId && (!copy.foreign || alignedShare(doc.text, sameId.text) >= MIN_ALIGNED_SHARE)) {
            leadId = doc.id!;
            report.documents.aligned++;
            const map = edgeMapper(sharedRuns(doc.text, sameId.text));
            move = (s) => {
              const out: Fragment[] = [];
              for (const [a, b] of s.fragments) {
                const start = map.start(a);
                const end = map.end(b);
                if (start === null || end === null || end <= start) return null;
                out.push([start, end]);
              }
              return out;
            };
          }
        }
        if (leadId === undefined) {
          report.documents.notFound++;
          problem(null, 'not in the corpus (neither its id nor its text): not merged');
          continue;
        }
        const target = leadId;

        for (const n of doc.notes ?? []) problem(n.annotator, n.what);
        // What merged_spans remembers of a span: its id (a corpus copy's ids are the corpus's), or for
        // another tool's export (ids unique within a document), the layer, the document and the id.
        const inLayerId = (annotator: string) => (id: string) => (copy.foreign ? `${annotator}\u001f${target}\u001f${id}` : id);
        // The copy's layers of this document, and its spans of nobody as the fallback annotator's.
        const byAnnotator = new Map(doc.layers);
        const { nobody } = doc;
        if (nobody.spans.length && !fallback) {
          report.unattributedSpans += nobody.spans.length;
          problem(null, `${nobody.spans.length} span(s) with no annotator: name whose they are (--annotator NAME); not merged`);
        }
        if (nobody.spans.length && fallback) {
          const mine = byAnnotator.get(fallback) ?? { spans: [], links: [] };
          byAnnotator.set(fallback, { spans: [...mine.spans, ...nobody.spans], links: [...mine.links, ...nobody.links] });
        }

        for (const [annotator, layer] of byAnnotator) {
          if (handedOutTo && !request.allLayers && annotator !== handedOutTo && annotator !== fallback) continue;
          const stats = layerReport(annotator);
          const mergedId = inLayerId(annotator);
          // The copy's spans moved onto the corpus's text.
          const placed: Span[] = [];
          const dropped = new Set<string>();
          for (const s of layer.spans) {
            const fragments = move ? move(s) : s.fragments;
            if (!fragments) {
              dropped.add(s.id);
              problem(annotator, `span ${s.id} (${s.label}, “${textOf(doc.text, s)}”) could not be placed: its text was changed in the copy`);
              continue;
            }
            placed.push({ ...s, fragments, start: fragments[0]![0], end: fragments[fragments.length - 1]![1] });
          }
          const existing = store.getDocument(target, [], annotator);
          const have = new Map<string, number>();
          for (const s of existing.spans) have.set(spanKey(s), (have.get(spanKey(s)) ?? 0) + 1);
          const fresh: Span[] = [];
          const sameAs = new Map<string, string>(); // copy span id -> the corpus's identical span id
          const existingByKey = new Map<string, string[]>();
          for (const s of existing.spans) existingByKey.set(spanKey(s), [...(existingByKey.get(spanKey(s)) ?? []), s.id]);
          let removedSince = 0;
          for (const s of placed) {
            const k = spanKey(s);
            const left = have.get(k) ?? 0;
            if (left > 0) {
              have.set(k, left - 1);
              sameAs.set(s.id, existingByKey.get(k)![existingByKey.get(k)!.length - left]!);
            } else if ((copy.foreign || !store.hasSpanId(s.id)) && mergedBefore.get(copyKey, mergedId(s.id))!.n > 0) {
              removedSince++; // merged from this copy before, removed in the corpus since
              dropped.add(s.id);
            } else fresh.push(s);
          }
          if (removedSince) {
            stats.removedSince += removedSince;
            problem(annotator, `${removedSince} span(s) merged from this copy before were removed in the corpus since: not brought back`);
          }
          const onlyInCorpus = [...have.values()].reduce((n, c) => n + c, 0);
          if (onlyInCorpus > 0) {
            // The corpus's layer has spans the copy does not: the copy is not simply further work on it.
            stats.conflicts++;
            problem(annotator, `the corpus's layer has ${onlyInCorpus} span(s) the copy has not (changed since the copy was made?): kept as the corpus has it, nothing merged`);
            continue;
          }
          // New ids where the corpus already uses the copy's (a span made in both).
          const ids = new Map<string, string>(sameAs);
          const spans: SpanInput[] = fresh.map((s) => {
            const id = store.hasSpanId(s.id) ? newId() : s.id;
            ids.set(s.id, id);
            return { id, label: s.label, start: s.start, end: s.end, fragments: s.fragments, attrs: s.attrs, note: s.note };
          });
          const existingLinks = new Set(existing.links.map((l) => JSON.stringify([l.type, l.from, l.to])));
          const links: Link[] = [];
          for (const l of layer.links) {
            if (dropped.has(l.from) || dropped.has(l.to)) {
              problem(annotator, `link ${l.id} (${l.type}) not merged: a span it joins could not be placed`);
              continue;
            }
            const from = ids.get(l.from);
            const to = ids.get(l.to);
            if (!from || !to || existingLinks.has(JSON.stringify([l.type, from, to]))) continue;
            links.push({ id: store.hasLinkId(l.id) ? newId() : l.id, type: l.type, from, to });
          }
          if (!spans.length && !links.length) {
            stats.unchanged++;
            if (!request.dryRun && existing.spans.length === 0) store.addToLayer(target, annotator, [], []); // an empty layer is a layer
            continue;
          }
          if (!request.dryRun) {
            store.addToLayer(target, annotator, spans, links);
            for (const s of fresh) recordMerged.run(copyKey, mergedId(s.id));
          }
          stats.documents++;
          stats.spansAdded += spans.length;
          stats.linksAdded += links.length;
        }
      }
    });
    write.immediate();
    report.layers.sort((a, b) => a.annotator.localeCompare(b.annotator));
    return report;
  } finally {
    copy.close();
  }
}
