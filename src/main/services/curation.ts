/**
 * Curation (issue 15): the gold layer, itself an annotator's layer (named as the curator likes, e.g.
 * `gold`), made from what the annotators agree on. `acceptAgreed` adds to it, document by document,
 * every span that enough of the annotators who annotated the document drew alike (the same label and
 * pieces): all of them, or a majority; its attribute values where those annotators gave the same one;
 * and a link between two accepted spans that as many of them drew. What the gold layer already has is
 * kept (a span there is never changed or removed); one transaction: all or nothing.
 */
import { candidateKey, curationClusters, type CurationLayer, type CurationSpan, type CurationView } from '../../shared/curation';
import { newId } from '../../shared/ids';
import type { CurationDecision, CurationStatus, Link, LoupeDocument, Span, SpanAttrs, SpanInput } from '../../shared/types';
import { StoreError } from '../store/corpusStore';
import type { CorpusStore } from '../store/corpusStore';
import type { AcceptAgreedReport, AgreementThreshold } from '../../shared/teamwork';

export type { AcceptAgreedReport, AgreementThreshold } from '../../shared/teamwork';
import { annotatorsOf } from './agreement';
import { annotatorName } from './settingsStore';


export interface AcceptAgreedRequest {
  /** The gold layer's name. */
  gold: string;
  /** Whose layers are compared (default: every annotator of the corpus but the gold layer). */
  annotators?: readonly string[];
  threshold?: AgreementThreshold;
  /** Only these documents (default: all). */
  documentIds?: readonly number[];
  /** Who curates (recorded on each document's curation). */
  curator?: string;
  dryRun?: boolean;
}


const spanKey = (s: Pick<Span, 'label' | 'fragments'>): string => JSON.stringify([s.label, s.fragments]);

/** Adds what the annotators agree on to the gold layer. */
export function acceptAgreed(store: CorpusStore, request: AcceptAgreedRequest): AcceptAgreedReport {
  const gold = annotatorName(request.gold);
  if (!gold) throw new Error('name the gold layer (--gold NAME)');
  const threshold = request.threshold ?? 'all';
  const known = annotatorsOf(store).map((a) => a.name);
  const annotators = [...(request.annotators ?? known.filter((a) => a !== gold))];
  if (annotators.includes(gold)) throw new Error(`the gold layer (${gold}) cannot be one of the layers it is made from`);
  const unknown = annotators.filter((a) => !known.includes(a));
  if (unknown.length) throw new Error(`no layer of ${unknown.join(', ')} in this corpus`);
  if (annotators.length < 2) throw new Error('curation compares two or more annotators’ layers');
  if (!store.mayBeGold(gold)) throw new Error(`${gold} is an annotator’s layer, not a gold layer: name the gold layer otherwise`);

  const report: AcceptAgreedReport = { gold, annotators, threshold, documents: 0, spansAccepted: 0, linksAccepted: 0, alreadyGold: 0, dryRun: Boolean(request.dryRun) };
  const layerOf = store.db.prepare<{ d: number; a: string }, { n: number }>(
    'SELECT (SELECT count(*) FROM layers WHERE document_id = @d AND annotator = @a) + (SELECT count(*) FROM spans WHERE document_id = @d AND annotator = @a) AS n',
  );
  store.db.transaction(() => {
    const only = request.documentIds && new Set(request.documentIds);
    for (const { id } of store.listDocuments()) {
      if (only && !only.has(id)) continue;
      const present = annotators.filter((a) => layerOf.get({ d: id, a })!.n > 0);
      if (present.length < 2) continue;
      report.documents++;
      const needed = threshold === 'all' ? present.length : Math.floor(present.length / 2) + 1;
      const layers = present.map((a) => store.getDocument(id, [], a));
      // Spans drawn alike: the k-th copy of a span in one layer pairs with the k-th in another.
      const units = new Map<string, Span[]>();
      for (const layer of layers) {
        const seen = new Map<string, number>();
        for (const s of layer.spans) {
          const base = spanKey(s);
          const n = seen.get(base) ?? 0;
          seen.set(base, n + 1);
          const key = `${base}#${n}`;
          units.set(key, [...(units.get(key) ?? []), s]);
        }
      }
      const goldDoc = store.getDocument(id, [], gold);
      const inGold = new Map<string, string[]>();
      for (const s of goldDoc.spans) inGold.set(spanKey(s), [...(inGold.get(spanKey(s)) ?? []), s.id]);
      const accepted: SpanInput[] = [];
      const goldIdOf = new Map<string, string>(); // an annotator's span id -> the gold span standing for it
      for (const [key, spans] of units) {
        if (spans.length < needed) continue;
        const base = key.slice(0, key.lastIndexOf('#'));
        const existing = inGold.get(base)?.shift();
        let goldId: string;
        if (existing) {
          report.alreadyGold++;
          goldId = existing;
        } else {
          const first = spans[0]!;
          const attrs: SpanAttrs = {};
          for (const [name, value] of Object.entries(first.attrs)) {
            if (spans.every((s) => JSON.stringify(s.attrs[name]) === JSON.stringify(value))) attrs[name] = value;
          }
          goldId = newId();
          accepted.push({ id: goldId, label: first.label, start: first.start, end: first.end, ...(first.fragments.length > 1 ? { fragments: first.fragments } : {}), attrs });
        }
        for (const s of spans) goldIdOf.set(s.id, goldId);
      }
      // Links between accepted spans, drawn by enough of the annotators.
      const linkVotes = new Map<string, number>();
      for (const layer of layers) {
        const mine = new Set<string>();
        for (const l of layer.links) {
          const from = goldIdOf.get(l.from);
          const to = goldIdOf.get(l.to);
          if (from && to) mine.add(JSON.stringify([l.type, from, to]));
        }
        for (const k of mine) linkVotes.set(k, (linkVotes.get(k) ?? 0) + 1);
      }
      const goldLinks = new Set(goldDoc.links.map((l) => JSON.stringify([l.type, l.from, l.to])));
      const links: Link[] = [];
      for (const [k, votes] of linkVotes) {
        if (votes < needed || goldLinks.has(k)) continue;
        const [type, from, to] = JSON.parse(k) as [string, string, string];
        links.push({ id: newId(), type, from, to });
      }
      report.spansAccepted += accepted.length;
      report.linksAccepted += links.length;
      // A document gains a curation (and shows as being curated) only when something went into its gold layer.
      if (!request.dryRun && (accepted.length || links.length)) store.curate(id, gold, { add: accepted, links, curator: request.curator ?? null });
    }
  }).immediate();
  return report;
}


/**
 * The gold layer's name, checked: a name an annotator could have, and a gold layer already or a name
 * no annotator's layer has (an annotator's layer is never curated into, nor written through it).
 */
function goldName(store: CorpusStore, gold: string): string {
  const name = annotatorName(gold);
  if (!name) throw new StoreError('name the gold layer', 'invalid-argument');
  if (!store.mayBeGold(name)) throw new StoreError(`${name} is an annotator’s layer, not a gold layer: name the gold layer otherwise`, 'conflict');
  return name;
}

const curationLayer = (annotator: string, doc: LoupeDocument): CurationLayer => ({
  annotator,
  spans: doc.spans.map((s): CurationSpan => ({ id: s.id, label: s.label, fragments: s.fragments, attrs: s.attrs })),
  links: doc.links,
});

/**
 * Document `documentId` as the curator sees it: the layers of every annotator who has one (but the
 * gold layer), or of `annotators`, side by side with the gold layer, grouped into clusters.
 */
export function curationView(store: CorpusStore, documentId: number, goldLayer: string, annotators?: readonly string[]): CurationView {
  const gold = goldName(store, goldLayer);
  const present = store.layersOf(documentId).map((l) => l.annotator);
  const compared = (annotators ?? present).filter((a) => a !== gold);
  const missing = compared.filter((a) => !present.includes(a));
  if (missing.length) throw new StoreError(`no layer of ${missing.join(', ')} in this document`, 'not-found');
  const base = store.getDocument(documentId, [], gold);
  const layers = [...compared].sort().map((a) => curationLayer(a, store.getDocument(documentId, [], a)));
  const goldLayerView = curationLayer(gold, base);
  const curation = store.curationOf(documentId, gold);
  const clusters = curationClusters(layers, goldLayerView.spans, curation?.decisions ?? new Map());
  return {
    documentId,
    title: base.title,
    text: base.text,
    gold,
    layers,
    goldLayer: goldLayerView,
    clusters,
    status: curation?.status ?? null,
    curator: curation?.curator ?? null,
    counts: { clusters: clusters.length, agreed: clusters.filter((c) => c.agreed).length, open: clusters.filter((c) => !c.resolved).length },
  };
}

export interface CurateRequest {
  documentId: number;
  gold: string;
  /** The annotators' spans the decision is about (a cluster's). */
  spans: readonly string[];
  /** Those of them the gold layer takes (none: all rejected). */
  accept: readonly string[];
  curator: string | null;
}

/**
 * Settles a cluster: the gold layer gets the accepted spans' label, pieces and attribute values (and
 * the links their annotators drew between spans the gold layer has), and loses its spans drawn as a
 * rejected one is; the decisions are recorded. One transaction.
 */
export function curateSpans(store: CorpusStore, request: CurateRequest): void {
  // Read and written in one transaction: what is decided on is what is stored.
  store.db.transaction(() => curateIn(store, request)).immediate();
}

function curateIn(store: CorpusStore, request: CurateRequest): void {
  const gold = goldName(store, request.gold);
  const { documentId } = request;
  const layers = store.layersOf(documentId).map((l) => l.annotator).filter((a) => a !== gold);
  const docs = new Map(layers.map((a) => [a, store.getDocument(documentId, [], a)]));
  const spanById = new Map<string, { span: Span; annotator: string }>();
  for (const [annotator, doc] of docs) for (const span of doc.spans) spanById.set(span.id, { span, annotator });
  const chosen = new Set(request.accept);
  for (const id of request.spans) if (!spanById.has(id)) throw new StoreError(`span ${id} is not an annotator’s span of this document (the gold layer’s own are edited in the editor)`, 'not-found');
  for (const id of chosen) if (!request.spans.includes(id)) throw new StoreError(`span ${id} is accepted but not among the spans decided on`, 'invalid-argument');

  const goldDoc = store.getDocument(documentId, [], gold);
  const goldByKey = new Map<string, string>();
  for (const s of goldDoc.spans) goldByKey.set(candidateKey(s.label, s.fragments), s.id);
  const acceptedKeys = new Set([...chosen].map((id) => candidateKey(spanById.get(id)!.span.label, spanById.get(id)!.span.fragments)));
  const remove: string[] = [];
  for (const id of request.spans) {
    const { span } = spanById.get(id)!;
    const key = candidateKey(span.label, span.fragments);
    const inGold = goldByKey.get(key);
    if (inGold && !acceptedKeys.has(key) && !remove.includes(inGold)) {
      remove.push(inGold);
      goldByKey.delete(key);
    }
  }
  const add: SpanInput[] = [];
  const goldIdOf = new Map<string, string>(); // an annotator's span -> the gold span standing for it
  for (const id of chosen) {
    const { span } = spanById.get(id)!;
    const key = candidateKey(span.label, span.fragments);
    let goldId = goldByKey.get(key);
    if (!goldId) {
      goldId = newId();
      goldByKey.set(key, goldId);
      add.push({ id: goldId, label: span.label, start: span.start, end: span.end, ...(span.fragments.length > 1 ? { fragments: span.fragments } : {}), attrs: span.attrs, ...(span.note ? { note: span.note } : {}) });
    }
    goldIdOf.set(id, goldId);
  }
  // Links the accepted spans' annotators drew, to or from a span the gold layer has (or now gets).
  const goldLinks = new Set(goldDoc.links.filter((l) => !remove.includes(l.from) && !remove.includes(l.to)).map((l) => JSON.stringify([l.type, l.from, l.to])));
  const links: Link[] = [];
  const standIn = (id: string): string | undefined => {
    const own = goldIdOf.get(id);
    if (own) return own;
    const s = spanById.get(id)?.span;
    return s && goldByKey.get(candidateKey(s.label, s.fragments));
  };
  for (const id of chosen) {
    const { annotator } = spanById.get(id)!;
    for (const l of docs.get(annotator)!.links) {
      if (l.from !== id && l.to !== id) continue;
      const from = standIn(l.from);
      const to = standIn(l.to);
      if (!from || !to) continue;
      const k = JSON.stringify([l.type, from, to]);
      if (goldLinks.has(k)) continue;
      goldLinks.add(k);
      links.push({ id: newId(), type: l.type, from, to });
    }
  }
  const decisions: [string, string, CurationDecision][] = request.spans.map((id) => {
    const { span } = spanById.get(id)!;
    return [id, candidateKey(span.label, span.fragments), chosen.has(id) ? 'accepted' : 'rejected'];
  });
  store.curate(documentId, gold, { remove, add, links, decisions, curator: request.curator });
}

/** Sets a document's curation status (curation begins when first set). */
export function setCurationStatus(store: CorpusStore, documentId: number, goldLayer: string, status: CurationStatus, curator: string | null): void {
  store.curate(documentId, goldName(store, goldLayer), { status, curator });
}
