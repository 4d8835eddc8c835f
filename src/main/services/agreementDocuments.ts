/**
 * The documents agreement is computed from, read from a corpus one at a time (texts are not read:
 * only their lengths, in code points, which SQLite's length() counts). An annotator's layer of a
 * document is their spans there, in text order, and the links between them; a layer is there when
 * the corpus records it (see store/migrations/m004Layers.ts), with no span too.
 *
 * The command line reads them in a worker thread (agreementReadWorker.ts) while this thread computes:
 * the worker sends them in batches packed as columns (a span's numbers in typed arrays, its id in one
 * string), which this thread turns into spans for a tenth of what reading them from SQLite costs.
 */
import type { AgreementDocument, AgreementLink, AgreementSpan, Layer } from '../../shared/agreement/layers';
import { compareCodePoints } from '../../shared/offsets';
import type { Fragment, SpanAttrs } from '../../shared/types';
import type { CorpusStore } from '../store/corpusStore';
import { startSyncWorker } from './syncWorker';

/** A span as SQLite gives it, before its JSON columns are parsed. */
interface SpanRow {
  id: string;
  label: string;
  start: number;
  end: number;
  fragments: string | null;
  attrs: string | null;
  who: number;
}

interface MutableLayer extends Layer {
  spans: AgreementSpan[];
  links: AgreementLink[];
}

const textOrder = (x: AgreementSpan, y: AgreementSpan): number => x.start - y.start || x.end - y.end || compareCodePoints(x.id, y.id);

/** The corpus's documents, each with the layers of `annotators` (null where one has none), in id order. */
export function* readAgreementDocuments(store: CorpusStore, annotators: readonly string[]): Generator<AgreementDocument> {
  const index = new Map(annotators.map((a, i) => [a, i]));
  const placeholders = annotators.map(() => '?').join(',');
  // Each row is made the span itself (its JSON columns parsed in place): one object per span. The
  // annotator comes as their index, and no attribute values as null: fewer strings made per row.
  const spansOf = store.db.prepare<unknown[], SpanRow>(
    `SELECT id, label, start_cp AS start, end_cp AS "end", fragments, CASE attrs WHEN '{}' THEN NULL ELSE attrs END AS attrs,
       CASE annotator ${annotators.map(() => 'WHEN ? THEN ?').join(' ')} END AS who FROM spans
     WHERE document_id = ? AND annotator IN (${placeholders})`,
  );
  const whoParams = annotators.flatMap((a, i) => [a, i]);
  const linksOf = store.db.prepare<unknown[], { id: string; type: string; from_span: string; to_span: string; annotator: string }>(
    `SELECT l.id, l.type, l.from_span, l.to_span, f.annotator FROM links l JOIN spans f ON f.id = l.from_span JOIN spans t ON t.id = l.to_span
     WHERE l.document_id = ? AND f.annotator IN (${placeholders}) AND t.annotator IS f.annotator ORDER BY l.id`,
  );
  // An annotator has a layer of a document when it is recorded (also one with no span: read, nothing
  // to tag) or when they have spans there.
  const layersOf = store.recordsLayers
    ? store.db.prepare<unknown[], { annotator: string }>(`SELECT annotator FROM layers WHERE document_id = ? AND annotator IN (${placeholders})`)
    : null;
  const documents = store.db.prepare<[], { id: number; title: string; length: number }>('SELECT id, title, length(text) AS length FROM documents ORDER BY id');
  for (const d of documents.all()) {
    const layers: (MutableLayer | null)[] = annotators.map(() => null);
    const open = (who: number): MutableLayer => (layers[who] ??= { spans: [], links: [] });
    for (const row of layersOf?.all(d.id, ...annotators) ?? []) open(index.get(row.annotator)!);
    for (const row of spansOf.all(...whoParams, d.id, ...annotators)) {
      // (`who` stays on it: deleting a property would make every span a slower object.)
      const span = row as unknown as AgreementSpan;
      span.fragments = row.fragments === null ? null : (JSON.parse(row.fragments) as Fragment[]);
      span.attrs = row.attrs === null ? null : (JSON.parse(row.attrs) as SpanAttrs);
      open(row.who).spans.push(span);
    }
    // In text order, as SQLite's ORDER BY start_cp, end_cp, id would give them (ids by code point,
    // as SQLite compares them), but without its sort of every document's rows on disk.
    for (const layer of layers) layer?.spans.sort(textOrder);
    for (const row of linksOf.all(d.id, ...annotators)) open(index.get(row.annotator)!).links.push({ id: row.id, type: row.type, from: row.from_span, to: row.to_span });
    yield { id: d.id, name: d.title, length: d.length, layers };
  }
}

/** Documents packed as columns, to cross to another thread. */
export interface DocumentBatch {
  documents: { id: number; name: string; length: number }[];
  /** Per document and annotator (documents × k): their spans, or -1 when they have no layer. */
  counts: Int32Array;
  /** Every span's id, one after the other, and each one's length. */
  ids: string;
  idLengths: Int32Array;
  labels: string[];
  /** Per span: its label's index in `labels`, its start and end. */
  label: Int32Array;
  start: Float64Array;
  end: Float64Array;
  /** The few spans in pieces or with attribute values, by their index in the batch. */
  extras: { at: number; fragments: readonly Fragment[] | null; attrs: SpanAttrs | null }[];
  /** Per document and annotator: their links. */
  links: AgreementLink[][];
}

/** Packs documents of `k` annotators' layers into one batch. */
export function packDocuments(documents: readonly AgreementDocument[], k: number): DocumentBatch {
  const counts = new Int32Array(documents.length * k);
  const spans = documents.flatMap((d) => d.layers.flatMap((layer) => layer?.spans ?? []));
  const labels: string[] = [];
  const labelIndex = new Map<string, number>();
  const label = new Int32Array(spans.length);
  const start = new Float64Array(spans.length);
  const end = new Float64Array(spans.length);
  const idLengths = new Int32Array(spans.length);
  const extras: DocumentBatch['extras'] = [];
  spans.forEach((s, i) => {
    let l = labelIndex.get(s.label);
    if (l === undefined) {
      labelIndex.set(s.label, (l = labels.length));
      labels.push(s.label);
    }
    label[i] = l;
    start[i] = s.start;
    end[i] = s.end;
    idLengths[i] = s.id.length;
    if (s.fragments || s.attrs) extras.push({ at: i, fragments: s.fragments ?? null, attrs: (s.attrs as SpanAttrs | null | undefined) ?? null });
  });
  const links: AgreementLink[][] = [];
  documents.forEach((d, n) => {
    d.layers.forEach((layer, who) => {
      counts[n * k + who] = layer ? layer.spans.length : -1;
      links.push(layer ? [...layer.links] : []);
    });
  });
  return { documents: documents.map((d) => ({ id: d.id, name: d.name, length: d.length })), counts, ids: spans.map((s) => s.id).join(''), idLengths, labels, label, start, end, extras, links };
}

/** The documents of a batch of `k` annotators' layers, as they were packed. */
export function unpackDocuments(batch: DocumentBatch, k: number): AgreementDocument[] {
  const extras = new Map(batch.extras.map((e) => [e.at, e]));
  let i = 0;
  let at = 0;
  return batch.documents.map((d, n) => {
    const layers: (Layer | null)[] = [];
    for (let who = 0; who < k; who++) {
      const count = batch.counts[n * k + who]!;
      if (count < 0) {
        layers.push(null);
        continue;
      }
      const spans: AgreementSpan[] = new Array<AgreementSpan>(count);
      for (let j = 0; j < count; j++, i++) {
        const extra = extras.get(i);
        const length = batch.idLengths[i]!;
        spans[j] = {
          id: batch.ids.slice(at, at + length),
          label: batch.labels[batch.label[i]!]!,
          start: batch.start[i]!,
          end: batch.end[i]!,
          fragments: extra?.fragments ?? null,
          attrs: extra?.attrs ?? null,
        };
        at += length;
      }
      layers.push({ spans, links: batch.links[n * k + who]! });
    }
    return { ...d, layers };
  });
}

/** What the read worker is started with. */
export interface ReadInput {
  path: string;
  annotators: string[];
}

/** Documents a batch holds at most. */
export const BATCH_DOCUMENTS = 64;

/** readAgreementDocuments of the corpus at `path`, read in a worker thread while the caller uses them. */
export function* agreementDocumentsInWorker(path: string, annotators: readonly string[]): Generator<AgreementDocument> {
  const worker = startSyncWorker<DocumentBatch | null>(__dirname, 'agreementReadWorker', { path, annotators: [...annotators] } satisfies ReadInput);
  try {
    for (let batch = worker.next(); batch; batch = worker.next()) yield* unpackDocuments(batch, annotators.length);
  } finally {
    worker.stop();
  }
}
