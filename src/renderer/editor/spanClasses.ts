/**
 * How spans are drawn: each span mark's own element carries classes for the span's lane, its
 * label's colour and whether it is in pieces (a mark view, spanView.ts). There are no decorations
 * for spans: a decoration would be one more wrapper element per span and per run of text, and a
 * DecorationSet of twenty thousand to build at open. Nothing here depends on which span is
 * selected (that is spanHighlights.ts), so selecting a span never touches these classes.
 */
import type { AttributeDef } from '../../shared/types';
import type { SpanRange } from './spanMarks';
import type { SpanSeq } from './spanSeq';

/** A label as the editor needs it (attributes: for defaults when tagging and relabelling). */
export interface EditorLabel {
  name: string;
  /** CSS hex colour, `#rrggbb`. */
  color: string;
  hotkey?: string | null;
  attributes?: AttributeDef[];
}

export const SPAN_CLASS = 'lp-span';
export const LANE_CLASS_PREFIX = 'lp-lane-';
export const LABEL_CLASS_PREFIX = 'lp-label-';
/** A fragment of a span with several: drawn with open ends, so the pieces read as one span. */
export const FRAGMENT_CLASS = 'lp-fragment';

/** What the spans are drawn from: the spans of the document, with their lanes, and the labels. */
export interface DrawnSpans {
  spans: SpanSeq;
  labels: readonly EditorLabel[];
}

/** The lane and label classes of a span. */
export function spanClass(lane: number, labelIndex: number): string {
  const cls = `${SPAN_CLASS} ${LANE_CLASS_PREFIX}${lane}`;
  return labelIndex >= 0 ? `${cls} ${LABEL_CLASS_PREFIX}${labelIndex}` : cls;
}

const labelIndexes = new WeakMap<readonly EditorLabel[], ReadonlyMap<string, number>>();

/** The index of `label` in `labels` (its colour class), or -1; the lookup is built once per label list. */
export function labelIndexOf(labels: readonly EditorLabel[], label: string): number {
  let index = labelIndexes.get(labels);
  if (!index) {
    index = new Map(labels.map((l, i) => [l.name, i]));
    labelIndexes.set(labels, index);
  }
  return index.get(label) ?? -1;
}

/** The whole class list of a span's elements, drawn in `lane` with its label's colour. */
export function spanClassName(span: SpanRange, lane: number, labels: readonly EditorLabel[]): string {
  const cls = spanClass(lane, labelIndexOf(labels, span.label));
  return span.fragments.length > 1 ? `${cls} ${FRAGMENT_CLASS}` : cls;
}

/** The class list of span `id`'s elements as `drawn` draws them; null for no such span. */
export function classOfSpan(drawn: DrawnSpans, id: string): string | null {
  const i = drawn.spans.indexOfId(id);
  return i < 0 ? null : spanClassName(drawn.spans.at(i), drawn.spans.laneAt(i), drawn.labels);
}

/** What decides a span's classes, apart from its label (a new label is a new mark, drawn afresh). */
const classKey = (s: SpanRange, lane: number): number => lane * 2 + (s.fragments.length > 1 ? 1 : 0);

/**
 * The ids of spans whose classes differ between `prev` and `next` (spans of two documents), or
 * 'all' when the label list changed (every colour class may have). Spans only in `next` are left
 * out: their marks are new, and new marks are drawn with their classes.
 *
 * When `next`'s spans were derived from `prev`'s (typing, tagging: spanSeq.ts), only the spans read
 * afresh in the changed paragraphs can have changed; every other span kept its lane and pieces.
 * Otherwise both sorted lists are matched at both ends, and only the spans between (around the
 * edit) are looked up by id.
 */
export function changedClasses(prev: DrawnSpans, next: DrawnSpans): Set<string> | 'all' {
  if (prev.labels !== next.labels) return 'all';
  const out = new Set<string>();
  const a = prev.spans;
  const b = next.spans;
  if (a === b) return out;
  const steps = b.derivationsFrom(a);
  if (steps) {
    const seen = new Set<string>();
    for (const { seq, derivation } of steps) {
      for (let k = derivation.lo; k < derivation.lo + derivation.count; k++) {
        const id = seq.at(k).id;
        if (seen.has(id)) continue;
        seen.add(id);
        const i = a.indexOfId(id);
        const j = i < 0 ? -1 : b.indexOfId(id);
        if (j >= 0 && classKey(a.at(i), a.laneAt(i)) !== classKey(b.at(j), b.laneAt(j))) out.add(id);
      }
    }
    return out;
  }
  const compare = (i: number, j: number) => {
    if (classKey(a.at(i), a.laneAt(i)) !== classKey(b.at(j), b.laneAt(j))) out.add(b.at(j).id);
  };
  const idA = (i: number) => a.at(i).id;
  const idB = (j: number) => b.at(j).id;
  const both = Math.min(a.length, b.length);
  let head = 0;
  while (head < both && idA(head) === idB(head)) compare(head, head++);
  let tail = 0;
  while (tail < both - head && idA(a.length - 1 - tail) === idB(b.length - 1 - tail)) {
    compare(a.length - 1 - tail, b.length - 1 - tail);
    tail++;
  }
  // An id is in each list once: a span between the ends of one list is between those of the other.
  if (head < b.length - tail) {
    const before = new Map<string, number>();
    for (let i = head; i < a.length - tail; i++) before.set(idA(i), i);
    for (let j = head; j < b.length - tail; j++) {
      const i = before.get(idB(j));
      if (i !== undefined) compare(i, j);
    }
  }
  return out;
}
