/**
 * How spans are drawn: one inline decoration per span, with classes for its lane, its label's
 * colour and whether it is selected. Decorations are patched, not rebuilt, when few spans changed.
 */
import type { Node } from 'prosemirror-model';
import type { Mapping } from 'prosemirror-transform';
import { Decoration, DecorationSet } from 'prosemirror-view';
import type { AttributeDef } from '../../shared/types';
import type { SpanRange } from './spanMarks';

/** A label as the editor needs it (attributes: for defaults when tagging and relabelling). */
export interface EditorLabel {
  name: string;
  /** CSS hex colour, `#rrggbb`. */
  color: string;
  hotkey?: string | null;
  attributes?: AttributeDef[];
}

export const SPAN_CLASS = 'lp-span';
export const SELECTED_CLASS = 'lp-selected';
export const LANE_CLASS_PREFIX = 'lp-lane-';
export const LABEL_CLASS_PREFIX = 'lp-label-';
/** A span linked to (or from) the selected span. */
export const LINKED_CLASS = 'lp-linked';
/** While choosing a link's target: the span a link would go to on Enter, and the other candidates. */
export const LINK_TARGET_CLASS = 'lp-link-target';
export const LINK_CANDIDATE_CLASS = 'lp-link-candidate';
/** A fragment of a span with several: drawn with open ends, so the pieces read as one span. */
export const FRAGMENT_CLASS = 'lp-fragment';

/** The spec of a span's decoration (`decoration.spec`). */
export interface SpanDecorationSpec {
  spanId: string;
  className: string;
}

/** Extra classes per span id (selection, links, link candidates). */
export type SpanHighlights = ReadonlyMap<string, string>;

/** What the decorations were drawn from. */
export interface DrawnSpans {
  decorations: DecorationSet;
  spans: readonly SpanRange[];
  lanes: readonly number[];
  labels: readonly EditorLabel[];
  /** The class list each span was drawn with, parallel to `spans`. */
  classes: readonly string[];
}

/** The class list of a span's decoration. */
export function spanClass(lane: number, labelIndex: number, selected: boolean, extra = ''): string {
  let cls = `${SPAN_CLASS} ${LANE_CLASS_PREFIX}${lane}`;
  if (labelIndex >= 0) cls += ` ${LABEL_CLASS_PREFIX}${labelIndex}`;
  if (selected) cls += ` ${SELECTED_CLASS}`;
  if (extra) cls += ` ${extra}`;
  return cls;
}

function spanDecorations(span: SpanRange, className: string): Decoration[] {
  const spec: SpanDecorationSpec = { spanId: span.id, className };
  const cls = span.fragments.length > 1 ? `${className} ${FRAGMENT_CLASS}` : className;
  // One wrapper element per span: without nodeName, overlapping spans would merge into one element.
  return span.fragments.map((f) =>
    Decoration.inline(f.from, f.to, { nodeName: 'span', class: cls, 'data-label': span.label, 'data-span-id': span.id }, spec),
  );
}

function labelIndexer(labels: readonly EditorLabel[]): (label: string) => number {
  const index = new Map(labels.map((l, i) => [l.name, i]));
  return (label) => index.get(label) ?? -1;
}

/** The class list of every span, parallel to `spans`. */
export function spanClasses(
  spans: readonly SpanRange[],
  lanes: readonly number[],
  labels: readonly EditorLabel[],
  highlights: SpanHighlights,
): string[] {
  const labelIndex = labelIndexer(labels);
  return spans.map((s, i) => spanClass(lanes[i]!, labelIndex(s.label), false, highlights.get(s.id)));
}

/** The decorations of every span, built from scratch. */
export function buildDecorations(doc: Node, spans: readonly SpanRange[], classes: readonly string[]): DecorationSet {
  return DecorationSet.create(
    doc,
    spans.flatMap((s, i) => spanDecorations(s, classes[i]!)),
  );
}

const sameFragments = (mapping: Mapping, old: SpanRange, s: SpanRange): boolean =>
  old.fragments.length === s.fragments.length &&
  old.fragments.every((f, k) => mapping.map(f.from, 1) === s.fragments[k]!.from && mapping.map(f.to, -1) === s.fragments[k]!.to);

/**
 * The previous decorations, mapped through a change and patched where a span moved differently
 * from its decoration or changed its class list (label, lane, selection, links). Building the whole
 * set anew costs time in proportion to paragraphs x spans, too slow for a long article at every
 * keystroke or click. Returns null when a rebuild is cheaper.
 */
export function patchDecorations(
  prev: DrawnSpans,
  mapping: Mapping,
  doc: Node,
  spans: readonly SpanRange[],
  classes: readonly string[],
): DecorationSet | null {
  const stale = new Set<string>();
  const fresh: Decoration[] = [];
  const matched = new Uint8Array(prev.spans.length);
  // Both lists are sorted and mapping keeps order, so the same span is usually at the same index,
  // or, after a span was added or removed, at the same distance from it as the span before.
  let byId: Map<string, number> | undefined;
  let offset = 0;
  const prevIndexOf = (id: string, i: number): number => {
    if (prev.spans[i + offset]?.id === id) return i + offset;
    if (prev.spans[i]?.id === id) {
      offset = 0;
      return i;
    }
    byId ??= new Map(prev.spans.map((s, k) => [s.id, k]));
    const j = byId.get(id) ?? -1;
    if (j >= 0) offset = j - i;
    return j;
  };
  // Old decorations are found by span id, not by where mapping would put them: after undo and redo
  // a decoration's mapped range need not be the one a recomputation predicts.
  // DecorationSet keeps a decoration that crosses paragraphs split among them, and removing it again
  // by value can leave a piece behind (a randomised test found duplicates): any change to such a span
  // is left to a rebuild.
  let crossing = false;
  const crosses = (from: number, to: number): boolean => {
    const size = doc.content.size;
    const a = Math.min(Math.max(from, 0), size);
    const b = Math.min(Math.max(to, 0), size);
    return a < b && doc.resolve(a).index(0) !== doc.resolve(b).index(0);
  };
  const dropOld = (j: number): void => {
    const old = prev.spans[j]!;
    stale.add(old.id);
    if (crosses(mapping.map(old.from, 1), mapping.map(old.to, -1))) crossing = true;
  };
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    const j = prevIndexOf(s.id, i);
    if (j >= 0) {
      matched[j] = 1;
      if (prev.classes[j] === classes[i] && sameFragments(mapping, prev.spans[j]!, s)) continue;
      dropOld(j);
    }
    if (s.fragments.some((f) => crosses(f.from, f.to))) crossing = true;
    fresh.push(...spanDecorations(s, classes[i]!));
  }
  for (let j = 0; j < prev.spans.length; j++) if (!matched[j]) dropOld(j);
  if (crossing || stale.size + fresh.length > spans.length / 2 + 8) return null;
  const base = prev.decorations.map(mapping, doc);
  const removed = stale.size ? base.find(undefined, undefined, (spec: SpanDecorationSpec) => stale.has(spec.spanId)) : [];
  const kept = base.remove(removed);
  // A span drawn afresh must have no decoration left: mapping can carry one where the span is not
  // (two spans whose text was retyped, say). Then a rebuild is the safe answer (a randomised test found this).
  for (const d of fresh) {
    const id = (d.spec as SpanDecorationSpec).spanId;
    if (kept.find(d.from, d.to, (spec: SpanDecorationSpec) => spec.spanId === id).length) return null;
  }
  return kept.add(doc, fresh);
}
