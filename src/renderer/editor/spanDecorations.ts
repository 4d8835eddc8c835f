/**
 * How spans are drawn: one inline decoration per span, with classes for its lane, its label's
 * colour and whether it is selected. Decorations are patched, not rebuilt, when few spans changed.
 */
import type { Node } from 'prosemirror-model';
import type { Mapping } from 'prosemirror-transform';
import { Decoration, DecorationSet } from 'prosemirror-view';
import type { SpanRange } from './spanMarks';

/** A label as the editor needs it. */
export interface EditorLabel {
  name: string;
  /** CSS hex colour, `#rrggbb`. */
  color: string;
  hotkey?: string | null;
}

export const SPAN_CLASS = 'lp-span';
export const SELECTED_CLASS = 'lp-selected';
export const LANE_CLASS_PREFIX = 'lp-lane-';
export const LABEL_CLASS_PREFIX = 'lp-label-';

/** The spec of a span's decoration (`decoration.spec`). */
export interface SpanDecorationSpec {
  spanId: string;
  className: string;
}

/** What the decorations were drawn from. */
export interface DrawnSpans {
  decorations: DecorationSet;
  spans: readonly SpanRange[];
  lanes: readonly number[];
  labels: readonly EditorLabel[];
  selectedId: string | null;
}

/** The class list of a span's decoration. */
export function spanClass(lane: number, labelIndex: number, selected: boolean): string {
  let cls = `${SPAN_CLASS} ${LANE_CLASS_PREFIX}${lane}`;
  if (labelIndex >= 0) cls += ` ${LABEL_CLASS_PREFIX}${labelIndex}`;
  if (selected) cls += ` ${SELECTED_CLASS}`;
  return cls;
}

function spanDecoration(span: SpanRange, className: string): Decoration {
  const spec: SpanDecorationSpec = { spanId: span.id, className };
  // One wrapper element per span: without nodeName, overlapping spans would merge into one element.
  return Decoration.inline(
    span.from,
    span.to,
    { nodeName: 'span', class: className, 'data-label': span.label, 'data-span-id': span.id },
    spec,
  );
}

function labelIndexer(labels: readonly EditorLabel[]): (label: string) => number {
  const index = new Map(labels.map((l, i) => [l.name, i]));
  return (label) => index.get(label) ?? -1;
}

/** The decorations of every span, built from scratch. */
export function buildDecorations(
  doc: Node,
  spans: readonly SpanRange[],
  lanes: readonly number[],
  labels: readonly EditorLabel[],
  selectedId: string | null,
): DecorationSet {
  const labelIndex = labelIndexer(labels);
  const decos = spans.map((s, i) => spanDecoration(s, spanClass(lanes[i]!, labelIndex(s.label), s.id === selectedId)));
  return DecorationSet.create(doc, decos);
}

/**
 * The previous decorations, mapped through a change and patched where a span moved
 * differently from its decoration, changed label or lane, or was (de)selected. Building the whole
 * set anew costs time in proportion to paragraphs x spans, too slow for a long article at every
 * keystroke or click. `prev.labels` must be the labels to draw with. Returns null when a rebuild
 * is cheaper.
 */
export function patchDecorations(
  prev: DrawnSpans,
  mapping: Mapping,
  doc: Node,
  spans: readonly SpanRange[],
  lanes: readonly number[],
  selectedId: string | null,
): DecorationSet | null {
  const labelIndex = labelIndexer(prev.labels);
  const stale: { id: string; from: number; to: number }[] = [];
  const fresh: Decoration[] = [];
  const matched = new Uint8Array(prev.spans.length);
  // Both lists are sorted and mapping keeps order, so the same span is usually at the same index.
  let byId: Map<string, number> | undefined;
  const prevIndexOf = (id: string, guess: number): number => {
    if (prev.spans[guess]?.id === id) return guess;
    byId ??= new Map(prev.spans.map((s, i) => [s.id, i]));
    return byId.get(id) ?? -1;
  };
  const dropOld = (j: number): void => {
    const old = prev.spans[j]!;
    // Inline decorations map their start rightward and their end leftward, as non-inclusive marks do.
    const from = mapping.map(old.from, 1);
    const to = mapping.map(old.to, -1);
    if (from < to) stale.push({ id: old.id, from, to });
  };
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    const j = prevIndexOf(s.id, i);
    const selected = s.id === selectedId;
    if (j >= 0) {
      matched[j] = 1;
      const old = prev.spans[j]!;
      if (
        old.label === s.label &&
        prev.lanes[j] === lanes[i] &&
        (old.id === prev.selectedId) === selected &&
        mapping.map(old.from, 1) === s.from &&
        mapping.map(old.to, -1) === s.to
      )
        continue;
      dropOld(j);
    }
    fresh.push(spanDecoration(s, spanClass(lanes[i]!, labelIndex(s.label), selected)));
  }
  for (let j = 0; j < prev.spans.length; j++) if (!matched[j]) dropOld(j);
  if (stale.length + fresh.length > spans.length / 2 + 8) return null;
  const base = prev.decorations.map(mapping, doc);
  const removed = stale.flatMap((o) => base.find(o.from, o.to, (spec: SpanDecorationSpec) => spec.spanId === o.id));
  return base.remove(removed).add(doc, fresh);
}
