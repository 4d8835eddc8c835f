/**
 * Team annotation the offline way (issue 15): the lead hands each annotator a copy of the corpus (a
 * corpus file of its own: all documents or some, with or without the other layers), each annotates
 * in their copy, and the lead merges the copies back. A copy keeps the documents' ids, so documents
 * are matched by id and text; one whose text was edited in the copy is matched by aligning the two
 * texts (textAlign.ts) and its spans moved, those that cannot be placed reported. Nothing of the
 * lead's is overwritten: a layer the corpus already has and the copy changed otherwise is reported,
 * not merged. What is merged may also be another tool's export of the annotators' work (see
 * copySources.ts).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { edgeMapper, sharedRuns } from '../../shared/textAlign';
import { compareCodePoints } from '../../shared/offsets';
import { alignedShare, type CopySource, foreignCopy, HANDOUT_FOR, HANDOUT_ID, isCorpusFile, loupeCopy, MIN_ALIGNED_SHARE } from './copySources';
import type { Fragment, ImportFormat, Link, Span, SpanInput } from '../../shared/types';
import { newId } from '../../shared/ids';
import { replaceFile } from '../files/atomicFile';
import { checkFile } from './backups';
import type { CorpusStore } from '../store/corpusStore';
import type { HandoutResult, LayerMerge, MergeReport } from '../../shared/teamwork';

export type { HandoutResult, LayerMerge, MergeProblem, MergeReport } from '../../shared/teamwork';
import { replacesCorpus } from './corpusFiles';
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
  /**
   * Throws when the corpus cannot be trusted. The merge calls it last inside its transaction (what it
   * throws rolls the merge back), and when the merge fails, whose error it then replaces: damage can
   * make a merge fail in any way. The command line waits there for the corpus's integrity check,
   * which runs while the merge reads and writes.
   */
  checkCorpus?: () => void;
}

/** What makes two spans the same annotation (ids aside). */
const spanKey = (s: Pick<Span, 'label' | 'fragments' | 'attrs' | 'note'>): string => JSON.stringify([s.label, s.fragments, s.attrs, s.note]);

const textOf = (text: string, s: Pick<Span, 'fragments'>): string => {
  const cps = Array.from(text);
  return s.fragments.map(([a, b]) => cps.slice(a, b).join('')).join('…');
};


/**
 * What a document's note becomes when a copy's note is merged into the corpus's, or null when
 * nothing is added: the lines of the copy's note that are not lines of the corpus's (whole lines,
 * trimmed; a handed-out copy starts with the corpus's note, and a line merged before is there as
 * `NAME: line`), after the corpus's note, as `who: lines`. The corpus's note is kept as it is, and
 * merging the same copy again adds nothing.
 */
export function noteToAdd(lead: string, copy: string, who: string): string | null {
  const lines = (note: string) =>
    note
      .split(/\r\n|\n|\r/)
      .map((l) => l.trim())
      .filter(Boolean);
  const have = new Set<string>();
  for (const line of lines(lead)) {
    have.add(line);
    // A merged line, `NAME: line` (the first of several under one name too).
    const colon = line.indexOf(': ');
    if (colon > 0) have.add(line.slice(colon + 2).trim());
  }
  const added = lines(copy).filter((l) => !have.has(l));
  if (!added.length) return null;
  const block = `${who}: ${added.join('\n')}`;
  return lead.trim() ? `${lead.trimEnd()}\n\n${block}` : block;
}
/**
 * Merges a copy back into `store`: a Loupe corpus file (see handout), or another tool's export of the
 * annotators' work (Loupe JSONL/JSON, Label Studio, brat, doccano…; see foreignCopy).
 */
export function mergeCopy(store: CorpusStore, copyPath: string, request: MergeRequest = {}): MergeReport {
  let copy: CopySource | undefined;
  try {
    const file = path.resolve(copyPath);
    if (replacesCorpus(store.path, file)) throw new Error('a corpus cannot be merged into itself');
    const format = request.format ?? 'auto';
    copy = format === 'auto' && isCorpusFile(file) ? loupeCopy(file) : foreignCopy(file, format);
    return mergeFrom(store, file, copy, request);
  } catch (error) {
    // Damage can make a merge fail in any way: a copy or a corpus that fails its integrity check says so first.
    copy?.verify();
    request.checkCorpus?.();
    throw error;
  } finally {
    copy?.close();
  }
}

/** mergeCopy of the copy at `file`, opened as `copy`. */
function mergeFrom(store: CorpusStore, file: string, copy: CopySource, request: MergeRequest): MergeReport {
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
    documentNotes: 0,
    dryRun: Boolean(request.dryRun),
  };
  const layerReport = (annotator: string): LayerMerge => {
    let r = report.layers.find((l) => l.annotator === annotator);
    if (!r) report.layers.push((r = { annotator, documents: 0, spansAdded: 0, linksAdded: 0, unchanged: 0, conflicts: 0, removedSince: 0 }));
    return r;
  };
  const leadText = store.db.prepare<[number], { text: string }>('SELECT text FROM documents WHERE id = ?');
  const leadNote = store.db.prepare<[number], { note: string }>('SELECT note FROM documents WHERE id = ?');
  const copyKey = copy.key;
  const mergedFrom = store.db.prepare<[string], string>('SELECT span_id FROM merged_spans WHERE copy = ?').pluck();
  const recordMerged = store.db.prepare('INSERT OR IGNORE INTO merged_spans (copy, span_id) VALUES (?, ?)');
  const write = store.db.transaction(() => {
    // What was merged from this copy before, read once in the transaction (a lookup per span was a tenth of a large merge).
    const mergedBefore = new Set(mergedFrom.all(copyKey));
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
      // The document's note written in the copy: added after the corpus's, under whose it is.
      const added = noteToAdd(leadNote.get(target)?.note ?? '', doc.note, handedOutTo ?? fallback ?? (doc.layers.size === 1 ? [...doc.layers.keys()][0]! : path.basename(file)));
      if (added !== null) {
        report.documentNotes++;
        if (!request.dryRun) store.setDocumentNote(target, added);
      }
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
        const existing = store.layerOf(target, annotator);
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
          } else if (mergedBefore.has(mergedId(s.id)) && (copy.foreign || !store.hasSpanId(s.id))) {
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
          for (const s of fresh) {
            recordMerged.run(copyKey, mergedId(s.id));
            mergedBefore.add(mergedId(s.id));
          }
        }
        stats.documents++;
        stats.spansAdded += spans.length;
        stats.linksAdded += links.length;
      }
    }
    // Nothing is committed, nor reported, from a copy or a corpus that fails its integrity check.
    copy.verify();
    request.checkCorpus?.();
  });
  write.immediate();
  report.layers.sort((a, b) => compareCodePoints(a.annotator, b.annotator));
  return report;
}
