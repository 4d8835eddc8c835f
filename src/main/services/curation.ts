/**
 * Curation (issue 15): the gold layer, itself an annotator's layer (named as the curator likes, e.g.
 * `gold`), made from what the annotators agree on. `acceptAgreed` adds to it, document by document,
 * every span that enough of the annotators who annotated the document drew alike (the same label and
 * pieces): all of them, or a majority; its attribute values where those annotators gave the same one;
 * and a link between two accepted spans that as many of them drew. What the gold layer already has is
 * kept (a span there is never changed or removed); one transaction: all or nothing.
 */
import { newId } from '../../shared/ids';
import type { Link, Span, SpanAttrs, SpanInput } from '../../shared/types';
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

  const report: AcceptAgreedReport = { gold, annotators, threshold, documents: 0, spansAccepted: 0, linksAccepted: 0, alreadyGold: 0, dryRun: Boolean(request.dryRun) };
  const layerOf = store.db.prepare<{ d: number; a: string }, { n: number }>(
    'SELECT (SELECT count(*) FROM layers WHERE document_id = @d AND annotator = @a) + (SELECT count(*) FROM spans WHERE document_id = @d AND annotator = @a) AS n',
  );
  store.db.transaction(() => {
    for (const { id } of store.listDocuments()) {
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
      if (!request.dryRun && (accepted.length || links.length)) store.addToLayer(id, gold, accepted, links);
    }
  }).immediate();
  return report;
}
