/**
 * Span-level agreement between two annotators of one document (docs/agreement.md):
 *  - exact match: same label and the same pieces; each span matches at most one (multisets);
 *  - overlap match: same label and at least one character in common ("lenient": a span counts as
 *    found when any span of the other annotator overlaps it with the same label);
 *  - the alignment behind the confusion table and the list of disagreements: spans paired one to one,
 *    first same pieces and label, then same pieces, then the largest overlap; the rest unpaired.
 * Treating `a` as the reference: precision = b's spans found in a / b's spans, recall = a's spans found
 * in b / a's spans.
 */
import type { Fragment } from '../types';
import { type AgreementSpan, piecesOf } from './layers';

/** Counts behind precision, recall and F1 of b against reference a. */
export interface MatchCounts {
  /** a's spans, b's spans. */
  spansA: number;
  spansB: number;
  /** a's spans found in b, b's spans found in a. */
  foundA: number;
  foundB: number;
}

export const NO_MATCHES: MatchCounts = { spansA: 0, spansB: 0, foundA: 0, foundB: 0 };

export const addCounts = (x: MatchCounts, y: MatchCounts): MatchCounts => ({ spansA: x.spansA + y.spansA, spansB: x.spansB + y.spansB, foundA: x.foundA + y.foundA, foundB: x.foundB + y.foundB });

/** Precision, recall and F1 (null where no span makes them defined). */
export function scores(c: MatchCounts): { precision: number | null; recall: number | null; f1: number | null } {
  const precision = c.spansB ? c.foundB / c.spansB : null;
  const recall = c.spansA ? c.foundA / c.spansA : null;
  let f1: number | null = null;
  if (precision !== null && recall !== null) f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  else if (c.spansA + c.spansB > 0) f1 = 0; // one annotator tagged spans, the other none
  return { precision, recall, f1 };
}

const piecesKey = (pieces: readonly Fragment[]): string => pieces.map(([s, e]) => `${s}-${e}`).join(',');

/** Characters two spans have in common. */
export function overlap(a: readonly Fragment[], b: readonly Fragment[]): number {
  let n = 0;
  for (const [s1, e1] of a) for (const [s2, e2] of b) n += Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
  return n;
}

/** A span with its pieces clipped to the text, and those pieces as a key: what every comparison of it reads. */
export interface PreparedSpan {
  span: AgreementSpan;
  pieces: Fragment[];
  key: string;
}

/** Each span's pieces, clipped to the text, and their key. */
const prepareSpans = (spans: readonly AgreementSpan[], length: number): PreparedSpan[] =>
  spans.map((span) => {
    const pieces = piecesOf(span, length);
    return { span, pieces, key: piecesKey(pieces) };
  });

const BLOCK = 64;

/** Finds the spans that may overlap some pieces (those sharing a block of 64 characters), without comparing every pair. */
function overlapIndex(spans: readonly PreparedSpan[]): (pieces: readonly Fragment[]) => number[] {
  const blocks = new Map<number, number[]>();
  spans.forEach((p, j) => {
    for (const [s, e] of p.pieces) {
      for (let k = Math.floor(s / BLOCK); k <= Math.floor((e - 1) / BLOCK); k++) {
        const list = blocks.get(k);
        if (list) list.push(j);
        else blocks.set(k, [j]);
      }
    }
  });
  // Each lookup marks what it found with its own number (no Set per lookup: there is one per span).
  const seen = new Uint32Array(spans.length);
  let lookup = 0;
  return (pieces) => {
    lookup++;
    const found: number[] = [];
    for (const [s, e] of pieces) {
      for (let k = Math.floor(s / BLOCK); k <= Math.floor((e - 1) / BLOCK); k++) {
        for (const j of blocks.get(k) ?? []) {
          if (seen[j] === lookup) continue;
          seen[j] = lookup;
          found.push(j);
        }
      }
    }
    return found.sort((x, y) => x - y);
  };
}

/**
 * The characters some spans cover, as sorted disjoint runs [start, end, start, end, …]: a span has a
 * character in common with one of them exactly when it has one in common with their union.
 */
function coverage(spans: readonly PreparedSpan[]): number[] {
  const pieces = spans.flatMap((p) => p.pieces).sort((x, y) => x[0] - y[0]);
  const runs: number[] = [];
  for (const [s, e] of pieces) {
    if (runs.length && s <= runs[runs.length - 1]!) runs[runs.length - 1] = Math.max(runs[runs.length - 1]!, e);
    else runs.push(s, e);
  }
  return runs;
}

/** Whether some piece has a character inside the runs of `coverage`. */
function meets(pieces: readonly Fragment[], runs: readonly number[]): boolean {
  for (const [s, e] of pieces) {
    // The first run that ends after s (runs are disjoint and sorted, so their ends are too).
    let lo = 0;
    let hi = runs.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (runs[2 * mid + 1]! > s) hi = mid;
      else lo = mid + 1;
    }
    if (lo < runs.length / 2 && runs[2 * lo]! < e) return true;
  }
  return false;
}

/** A label's spans in one layer, with what matching them against another layer's needs. */
interface LabelGroup {
  spans: PreparedSpan[];
  /** How many spans have each pieces key. */
  keys: Map<string, number>;
  /** The characters they cover (see coverage). */
  runs: number[];
}

/** A layer's spans prepared once, in text order and by label, for all the pairs it is part of. */
export interface PreparedLayer {
  spans: PreparedSpan[];
  byLabel: Map<string, LabelGroup>;
}

/** Prepares one layer of a document of `length` code points. */
export function prepareLayer(spans: readonly AgreementSpan[], length: number): PreparedLayer {
  const prepared = prepareSpans(spans, length);
  const byLabel = new Map<string, LabelGroup>();
  for (const p of prepared) {
    let g = byLabel.get(p.span.label);
    if (!g) byLabel.set(p.span.label, (g = { spans: [], keys: new Map(), runs: [] }));
    g.spans.push(p);
    g.keys.set(p.key, (g.keys.get(p.key) ?? 0) + 1);
  }
  for (const g of byLabel.values()) g.runs = coverage(g.spans);
  return { spans: prepared, byLabel };
}

const NO_GROUP: LabelGroup = { spans: [], keys: new Map(), runs: [] };

/** Exact and overlap match counts of two prepared layers, overall and by label. */
export function matchLayers(a: PreparedLayer, b: PreparedLayer): { exact: Map<string, MatchCounts>; overlap: Map<string, MatchCounts> } {
  const exact = new Map<string, MatchCounts>();
  const lenient = new Map<string, MatchCounts>();
  // a's labels as its spans bring them, then b's others.
  const labels = [...a.byLabel.keys(), ...[...b.byLabel.keys()].filter((l) => !a.byLabel.has(l))];
  for (const label of labels) {
    const ga = a.byLabel.get(label) ?? NO_GROUP;
    const gb = b.byLabel.get(label) ?? NO_GROUP;
    // Each span matches at most one of the other's (multisets of pieces keys).
    let same = 0;
    for (const [key, n] of ga.keys) same += Math.min(n, gb.keys.get(key) ?? 0);
    exact.set(label, { spansA: ga.spans.length, spansB: gb.spans.length, foundA: same, foundB: same });
    lenient.set(label, {
      spansA: ga.spans.length,
      spansB: gb.spans.length,
      foundA: ga.spans.filter((p) => meets(p.pieces, gb.runs)).length,
      foundB: gb.spans.filter((p) => meets(p.pieces, ga.runs)).length,
    });
  }
  return { exact, overlap: lenient };
}

/** Exact and overlap match counts, overall and by label. */
export function matchCounts(
  aSpans: readonly AgreementSpan[],
  bSpans: readonly AgreementSpan[],
  length: number,
): { exact: Map<string, MatchCounts>; overlap: Map<string, MatchCounts> } {
  return matchLayers(prepareLayer(aSpans, length), prepareLayer(bSpans, length));
}

/** How a pair of aligned spans (or an unpaired one) differs. */
export type DisagreementKind = 'label' | 'boundary' | 'label-boundary' | 'only-a' | 'only-b';

/** Two spans the alignment paired, or one left unpaired (the other null). */
export interface Aligned {
  a: AgreementSpan | null;
  b: AgreementSpan | null;
  /** null when they agree (same label and pieces). */
  kind: DisagreementKind | null;
}

/** Pairs a's spans with b's one to one: same pieces and label, then same pieces, then largest overlap. */
export function alignSpans(aSpans: readonly AgreementSpan[], bSpans: readonly AgreementSpan[], length: number): Aligned[] {
  return alignPrepared(prepareSpans(aSpans, length), prepareSpans(bSpans, length));
}

/** alignSpans of prepared spans. */
export function alignPrepared(a: readonly PreparedSpan[], b: readonly PreparedSpan[]): Aligned[] {
  const pairedA = new Array<number>(a.length).fill(-1);
  const pairedB = new Array<number>(b.length).fill(-1);
  const pair = (i: number, j: number) => {
    pairedA[i] = j;
    pairedB[j] = i;
  };
  const byKey = new Map<string, number[]>();
  b.forEach((p, j) => {
    const list = byKey.get(p.key);
    if (list) list.push(j);
    else byKey.set(p.key, [j]);
  });
  for (const sameLabel of [true, false]) {
    a.forEach((p, i) => {
      if (pairedA[i] !== -1) return;
      const j = byKey.get(p.key)?.find((j) => pairedB[j] === -1 && (!sameLabel || b[j]!.span.label === p.span.label));
      if (j !== undefined) pair(i, j);
    });
  }
  const candidates: { i: number; j: number; common: number; same: boolean }[] = [];
  const near = overlapIndex(b);
  a.forEach((p, i) => {
    if (pairedA[i] !== -1) return;
    for (const j of near(p.pieces)) {
      if (pairedB[j] !== -1) continue;
      const q = b[j]!;
      const common = overlap(p.pieces, q.pieces);
      if (common > 0) candidates.push({ i, j, common, same: p.span.label === q.span.label });
    }
  });
  // The largest overlap first; among equal ones, the same label, then text order.
  candidates.sort((x, y) => y.common - x.common || Number(y.same) - Number(x.same) || x.i - y.i || x.j - y.j);
  for (const c of candidates) if (pairedA[c.i] === -1 && pairedB[c.j] === -1) pair(c.i, c.j);

  const out: Aligned[] = [];
  a.forEach((p, i) => {
    const j = pairedA[i]!;
    if (j === -1) {
      out.push({ a: p.span, b: null, kind: 'only-a' });
      return;
    }
    const q = b[j]!;
    const sameLabel = p.span.label === q.span.label;
    const samePieces = p.key === q.key;
    out.push({ a: p.span, b: q.span, kind: sameLabel && samePieces ? null : sameLabel ? 'boundary' : samePieces ? 'label' : 'label-boundary' });
  });
  b.forEach((q, j) => {
    if (pairedB[j] === -1) out.push({ a: null, b: q.span, kind: 'only-b' });
  });
  const startOf = (x: Aligned) => (x.a ?? x.b)!.start;
  return out.sort((x, y) => startOf(x) - startOf(y));
}
