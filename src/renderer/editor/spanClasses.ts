/**
 * How spans are drawn: each span mark's own element carries classes for the span's lane, its
 * label's colour and whether it is in pieces (a mark view, spanView.ts). There are no decorations
 * for spans: a decoration would be one more wrapper element per span and per run of text, and a
 * DecorationSet of twenty thousand to build at open. Nothing here depends on which span is
 * selected (that is spanHighlights.ts), so selecting a span never touches these classes.
 */
import type { Node } from 'prosemirror-model';
import type { AttributeDef } from '../../shared/types';
import { findSpan, indexOfSpan, type SpanRange } from './spanMarks';

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

/** What the spans are drawn from: `lanes` is parallel to `spans` (the spans of the document). */
export interface DrawnSpans {
  spans: readonly SpanRange[];
  lanes: readonly number[];
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

/** The class list of span `id`'s elements in `doc`, whose spans `drawn` holds; null for no such span. */
export function classOfSpan(doc: Node, drawn: DrawnSpans, id: string): string | null {
  const span = findSpan(doc, id);
  if (!span) return null;
  const i = indexOfSpan(drawn.spans, span);
  return i < 0 ? null : spanClassName(span, drawn.lanes[i]!, drawn.labels);
}

/** What decides a span's classes, apart from its label (a new label is a new mark, drawn afresh). */
const classKey = (s: SpanRange, lane: number): number => lane * 2 + (s.fragments.length > 1 ? 1 : 0);

/**
 * The ids of spans whose classes differ between `prev` and `next` (spans of two documents), or
 * 'all' when the label list changed (every colour class may have). Spans only in `next` are left
 * out: their marks are new, and new marks are drawn with their classes. Both lists are sorted and
 * an edit keeps their order, so the spans at both ends are the same ones in the same places, and
 * only those between (around the edit) are looked up by id.
 */
export function changedClasses(prev: DrawnSpans, next: DrawnSpans): Set<string> | 'all' {
  if (prev.labels !== next.labels) return 'all';
  const out = new Set<string>();
  if (prev.spans === next.spans && prev.lanes === next.lanes) return out;
  const a = prev.spans;
  const b = next.spans;
  const compare = (i: number, j: number) => {
    if (classKey(a[i]!, prev.lanes[i]!) !== classKey(b[j]!, next.lanes[j]!)) out.add(b[j]!.id);
  };
  const both = Math.min(a.length, b.length);
  let head = 0;
  while (head < both && a[head]!.id === b[head]!.id) compare(head, head++);
  let tail = 0;
  while (tail < both - head && a[a.length - 1 - tail]!.id === b[b.length - 1 - tail]!.id) {
    compare(a.length - 1 - tail, b.length - 1 - tail);
    tail++;
  }
  // An id is in each list once: a span between the ends of one list is between those of the other.
  if (head < b.length - tail) {
    const before = new Map<string, number>();
    for (let i = head; i < a.length - tail; i++) before.set(a[i]!.id, i);
    for (let j = head; j < b.length - tail; j++) {
      const i = before.get(b[j]!.id);
      if (i !== undefined) compare(i, j);
    }
  }
  return out;
}
