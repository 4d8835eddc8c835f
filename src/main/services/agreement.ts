/**
 * Agreement between a corpus's annotators, read from its SQLite file one document at a time (see
 * agreementDocuments.ts for what is read). A span with no annotator belongs to nobody's layer and is
 * left out (the report says how many).
 */
import { AgreementBuilder, type AgreementReport } from '../../shared/agreement/report';
import { compareCodePoints } from '../../shared/offsets';
import type { CorpusStore } from '../store/corpusStore';
import { agreementDocumentsInWorker, readAgreementDocuments } from './agreementDocuments';
import { canBlock } from './syncWorker';

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

export interface AgreementOptions {
  /**
   * Read the documents in a worker thread (its own read-only connection to the file) while this
   * thread computes, where this thread may wait for it (canBlock): for a command that has the file to
   * itself; the store's own uncommitted work, if any, is not seen.
   */
  readInWorker?: boolean;
}

export interface CorpusAgreement {
  report: AgreementReport;
  /** Spans with no annotator, left out. */
  unattributedSpans: number;
}

/** The corpus's annotators, with how many documents they have a layer of and how many spans. */
export function annotatorsOf(store: CorpusStore): AnnotatorSummary[] {
  if (!store.recordsLayers) {
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
  const layers = store.recordsLayers ? store.db.prepare<[], { name: string }>('SELECT DISTINCT annotator AS name FROM layers').all() : [];
  return [...new Set([...layers, ...spans].map((r) => r.name))].sort(compareCodePoints);
}

/** The agreement report between `request.annotators` over the whole corpus. */
export function corpusAgreement(store: CorpusStore, request: AgreementRequest = {}, options: AgreementOptions = {}): CorpusAgreement {
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

  const builder = new AgreementBuilder(annotators, labels);
  const documents = options.readInWorker && canBlock() ? agreementDocumentsInWorker(store.db.name, annotators) : readAgreementDocuments(store, annotators);
  for (const doc of documents) builder.add(doc);
  const unattributed = store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM spans WHERE annotator IS NULL').get()!.n;
  return { report: builder.report(), unattributedSpans: unattributed };
}
