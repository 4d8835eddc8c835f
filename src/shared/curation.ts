/**
 * The curation view's model (issue 15): a document's annotators' layers side by side, their spans
 * grouped into the places the curator decides on. Shared by the service that builds the view and
 * the renderer that draws it.
 *
 * A *candidate* is one way of drawing a span (a label and its pieces) and who drew it that way. A
 * *cluster* is the candidates one decision settles: candidates of the same label whose pieces overlap
 * (a boundary disagreement), or with the very same pieces (a label disagreement), joined transitively.
 * A pledge nested inside a quote is not the quote's rival, so candidates of different labels that
 * merely overlap stay apart.
 *
 * A cluster is *agreed* when it is one candidate every compared annotator drew; it is *resolved* when
 * each of its candidates is in the gold layer (a span of the same label and pieces) or was decided on
 * by the curator (on the span as it is now: one moved or relabelled since is to be decided again), or
 * when the gold layer has a span of its own there (one of the cluster's labels, overlapping it: the
 * curator drew it themselves).
 */
import type { CurationDecision, CurationStatus, Fragment, Link, SpanAttrs } from './types';

export interface CurationSpan {
  id: string;
  label: string;
  fragments: Fragment[];
  attrs: SpanAttrs;
}

export interface CurationLayer {
  annotator: string;
  spans: CurationSpan[];
  links: Link[];
}

export interface CurationCandidate {
  label: string;
  fragments: Fragment[];
  start: number;
  end: number;
  /** Who drew it, and their span's id. */
  spans: { annotator: string; id: string }[];
  /** The gold layer's span of the same label and pieces, if there is one. */
  gold: string | null;
  /** The curator's decision on it (on any of its spans), if any. */
  decision: CurationDecision | null;
}

export interface CurationCluster {
  start: number;
  end: number;
  candidates: CurationCandidate[];
  agreed: boolean;
  resolved: boolean;
}

export interface CurationView {
  documentId: number;
  title: string;
  text: string;
  gold: string;
  /** The layers compared, in order: the curator's keys 1, 2, … accept the first, second, … one's version. */
  layers: CurationLayer[];
  goldLayer: CurationLayer;
  /** In text order. */
  clusters: CurationCluster[];
  status: CurationStatus | null;
  curator: string | null;
  counts: { clusters: number; agreed: number; open: number };
}

/** A candidate's identity: its label and pieces. */
export const candidateKey = (label: string, fragments: readonly Fragment[]): string => JSON.stringify([label, fragments]);

const overlaps = (a: readonly Fragment[], b: readonly Fragment[]): boolean => a.some(([s1, e1]) => b.some(([s2, e2]) => Math.min(e1, e2) > Math.max(s1, s2)));

/** Groups the layers' spans into candidates and clusters, and says which the gold layer and decisions settle. */
export function curationClusters(
  layers: readonly CurationLayer[],
  gold: readonly CurationSpan[],
  decisions: ReadonlyMap<string, { decision: CurationDecision; candidate: string }>,
): CurationCluster[] {
  const byKey = new Map<string, CurationCandidate>();
  const goldByKey = new Map<string, string>();
  for (const s of gold) if (!goldByKey.has(candidateKey(s.label, s.fragments))) goldByKey.set(candidateKey(s.label, s.fragments), s.id);
  for (const layer of layers) {
    for (const s of layer.spans) {
      const key = candidateKey(s.label, s.fragments);
      let c = byKey.get(key);
      if (!c) {
        c = { label: s.label, fragments: s.fragments, start: s.fragments[0]![0], end: s.fragments[s.fragments.length - 1]![1], spans: [], gold: goldByKey.get(key) ?? null, decision: null };
        byKey.set(key, c);
      }
      // Two copies of a span in one layer are one candidate for that annotator.
      if (!c.spans.some((x) => x.annotator === layer.annotator)) c.spans.push({ annotator: layer.annotator, id: s.id });
      // A decision holds for the span as it was then: moved or relabelled since, it is open again.
      const decided = decisions.get(s.id);
      if (decided && decided.candidate === key && c.decision !== 'accepted') c.decision = decided.decision;
    }
  }
  const candidates = [...byKey.values()].sort((a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  // Union-find over candidates; a candidate meets only those that start before it ends.
  const parent = candidates.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let i = 0; i < candidates.length; i++) {
    const a = candidates[i]!;
    for (let j = i + 1; j < candidates.length && candidates[j]!.start < a.end; j++) {
      const b = candidates[j]!;
      const same = a.label === b.label ? overlaps(a.fragments, b.fragments) : JSON.stringify(a.fragments) === JSON.stringify(b.fragments);
      if (same) parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, CurationCandidate[]>();
  candidates.forEach((c, i) => {
    const root = find(i);
    const list = groups.get(root);
    if (list) list.push(c);
    else groups.set(root, [c]);
  });
  const annotators = layers.length;
  const goldOwn = gold.filter((s) => !byKey.has(candidateKey(s.label, s.fragments)));
  const clusters: CurationCluster[] = [...groups.values()].map((list) => {
    const start = Math.min(...list.map((c) => c.start));
    const end = Math.max(...list.map((c) => c.end));
    const agreed = list.length === 1 && list[0]!.spans.length === annotators && annotators > 1;
    const labels = new Set(list.map((c) => c.label));
    const settled = list.every((c) => c.gold !== null || c.decision !== null);
    const drawnByCurator = goldOwn.some((g) => labels.has(g.label) && list.some((c) => overlaps(c.fragments, g.fragments)));
    return { start, end, candidates: list, agreed, resolved: settled || drawnByCurator };
  });
  return clusters.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** What a cluster shows for the annotator at `index` of the compared layers: their candidates in it. */
export const candidatesOf = (cluster: CurationCluster, annotator: string): CurationCandidate[] => cluster.candidates.filter((c) => c.spans.some((s) => s.annotator === annotator));
