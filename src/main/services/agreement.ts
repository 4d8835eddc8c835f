/**
 * Agreement between a corpus's annotators, read from its SQLite file one document at a time (texts
 * are not read: only their lengths, in code points, which SQLite's length() counts). An annotator's
 * layer of a document is their spans there, and the links between them; a layer is there when the
 * corpus records it (see store/migrations/m004Layers.ts), with no span too. A span with no annotator
 * belongs to nobody's layer and is left out (the report says how many).
 */
import type { AgreementDocument, AgreementLink, AgreementSpan, Layer } from '../../shared/agreement/layers';
import { AgreementBuilder, type AgreementReport } from '../../shared/agreement/report';
import type { Fragment, SpanAttrs } from '../../shared/types';
import { compareCodePoints } from '../../shared/offsets';
import type { CorpusStore } from '../store/corpusStore';

interface MutableLayer extends Layer {
  spans: AgreementSpan[];
  links: AgreementLink[];
}

export interface AnnotatorSummary {
  name: string;
  documents: number;
  spans: number;
}

export interface AgreementRequest {
  /** Two or more; default: every annotator of the corpus. */
  annotators?: readonly string[];
  /** Default: the corpus schema's labels and any other label the annotators' spans carry. */
  labels?: readonly string[];
}

export interface CorpusAgreement {
  report: AgreementReport;
  /** Spans with no annotator, left out. */
  unattributedSpans: number;
}

/** Whether the corpus records layers (schema 4; an older corpus opened read-only does not). */
const hasLayers = (store: CorpusStore): boolean =>
  store.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'layers'").get()!.n > 0;

/** The corpus's annotators, with how many documents they have a layer of and how many spans. */
export function annotatorsOf(store: CorpusStore): AnnotatorSummary[] {
  if (!hasLayers(store)) {
    return store.db
      .prepare<[], AnnotatorSummary>(
        `SELECT annotator AS name, count(DISTINCT document_id) AS documents, count(*) AS spans
         FROM spans WHERE annotator IS NOT NULL GROUP BY annotator ORDER BY annotator`,
      )
      .all();
  }
  return store.db
    .prepare<[], AnnotatorSummary>(
      `SELECT a.name, (SELECT count(*) FROM layers y WHERE y.annotator = a.name) AS documents,
         (SELECT count(*) FROM spans s WHERE s.annotator = a.name) AS spans
       FROM (SELECT annotator AS name FROM layers UNION SELECT annotator FROM spans WHERE annotator IS NOT NULL) a ORDER BY a.name`,
    )
    .all();
}

/** The names of the corpus's annotators (annotatorsOf without the counts, which read every span again). */
function annotatorNames(store: CorpusStore): string[] {
  const spans = store.db.prepare<[], { name: string }>('SELECT DISTINCT annotator AS name FROM spans WHERE annotator IS NOT NULL').all();
  const layers = hasLayers(store) ? store.db.prepare<[], { name: string }>('SELECT DISTINCT annotator AS name FROM layers').all() : [];
  return [...new Set([...layers, ...spans].map((r) => r.name))].sort(compareCodePoints);
}

const textOrder = (x: AgreementSpan, y: AgreementSpan): number => x.start - y.start || x.end - y.end || compareCodePoints(x.id, y.id);

/** The agreement report between `request.annotators` over the whole corpus. */
export function corpusAgreement(store: CorpusStore, request: AgreementRequest = {}): CorpusAgreement {
  const known = annotatorNames(store);
  const annotators = [...(request.annotators ?? known)];
  const unknown = annotators.filter((a) => !known.includes(a));
  if (unknown.length) {
    throw new Error(
      `no spans by ${unknown.map((a) => `"${a}"`).join(', ')} in this corpus (its annotators: ${known.length ? known.join(', ') : 'none; spans made before annotators were recorded have none'})`,
    );
  }
  if (annotators.length < 2) throw new Error(`agreement needs two or more annotators; this corpus has ${known.length ? known.join(', ') : 'none'}`);
  const schemaLabels = store.labels().map((l) => l.name);
  let labels = request.labels ? [...request.labels] : schemaLabels;
  if (!request.labels) {
    // The labels of the corpus's spans from the label index (a few), then those the annotators use,
    // each found by its first span: a DISTINCT over the annotators' spans would read them all.
    const placeholders = annotators.map(() => '?').join(',');
    const usedBy = store.db.prepare<string[], number>(`SELECT EXISTS (SELECT 1 FROM spans WHERE label = ? AND annotator IN (${placeholders}))`).pluck();
    const used = store.db
      .prepare<[], string>('SELECT DISTINCT label FROM spans')
      .pluck()
      .all()
      .filter((label) => usedBy.get(label, ...annotators) === 1)
      .sort(compareCodePoints);
    labels = [...new Set([...labels, ...used])];
  }

  const index = new Map(annotators.map((a, i) => [a, i]));
  const placeholders = annotators.map(() => '?').join(',');
  // The annotator as their index, and no attribute values as null: fewer strings made per row.
  const spansOf = store.db.prepare<unknown[], { id: string; label: string; start_cp: number; end_cp: number; fragments: string | null; attrs: string | null; who: number }>(
    `SELECT id, label, start_cp, end_cp, fragments, CASE attrs WHEN '{}' THEN NULL ELSE attrs END AS attrs,
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
  const layersOf = hasLayers(store)
    ? store.db.prepare<unknown[], { annotator: string }>(`SELECT annotator FROM layers WHERE document_id = ? AND annotator IN (${placeholders})`)
    : null;
  const documents = store.db.prepare<[], { id: number; title: string; length: number }>('SELECT id, title, length(text) AS length FROM documents ORDER BY id');
  const builder = new AgreementBuilder(annotators, labels);
  for (const d of documents.all()) {
    const layers: (MutableLayer | null)[] = annotators.map(() => null);
    const open = (who: number): MutableLayer => (layers[who] ??= { spans: [], links: [] });
    for (const row of layersOf?.all(d.id, ...annotators) ?? []) open(index.get(row.annotator)!);
    for (const { id, label, start_cp: start, end_cp: end, fragments, attrs, who } of spansOf.all(...whoParams, d.id, ...annotators)) {
      const span: AgreementSpan = { id, label, start, end };
      if (fragments) span.fragments = JSON.parse(fragments) as Fragment[];
      if (attrs) span.attrs = JSON.parse(attrs) as SpanAttrs;
      open(who).spans.push(span);
    }
    // In text order, as SQLite's ORDER BY start_cp, end_cp, id would give them (ids by code point,
    // as SQLite compares them), but without its sort of every document's rows on disk.
    for (const layer of layers) layer?.spans.sort(textOrder);
    for (const row of linksOf.all(d.id, ...annotators)) open(index.get(row.annotator)!).links.push({ id: row.id, type: row.type, from: row.from_span, to: row.to_span });
    const doc: AgreementDocument = { id: d.id, name: d.title, length: d.length, layers };
    builder.add(doc);
  }
  const unattributed = store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM spans WHERE annotator IS NULL').get()!.n;
  return { report: builder.report(), unattributedSpans: unattributed };
}
