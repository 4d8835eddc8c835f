/**
 * How spans are drawn: one inline decoration per span fragment, with classes for its lane, its
 * label's colour and whether it is in pieces. Nothing here depends on which span is selected (that
 * is spanHighlights.ts), so selecting a span never touches these twenty thousand decorations.
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
export const LANE_CLASS_PREFIX = 'lp-lane-';
export const LABEL_CLASS_PREFIX = 'lp-label-';
/** A fragment of a span with several: drawn with open ends, so the pieces read as one span. */
export const FRAGMENT_CLASS = 'lp-fragment';

/** The spec of a span's decoration (`decoration.spec`). */
export interface SpanDecorationSpec {
  spanId: string;
  className: string;
}

/** What the decorations were drawn from: `lanes` is parallel to `spans`. */
export interface DrawnSpans {
  decorations: DecorationSet;
  spans: readonly SpanRange[];
  lanes: readonly number[];
  labels: readonly EditorLabel[];
}

/** The class list of a span's decoration. */
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

/** The decorations of one span, drawn in `lane` with its label's colour. */
export function spanDecorations(span: SpanRange, lane: number, labels: readonly EditorLabel[]): Decoration[] {
  const className = spanClass(lane, labelIndexOf(labels, span.label));
  const spec: SpanDecorationSpec = { spanId: span.id, className };
  const cls = span.fragments.length > 1 ? `${className} ${FRAGMENT_CLASS}` : className;
  // One wrapper element per span: without nodeName, overlapping spans would merge into one element.
  return span.fragments.map((f) =>
    Decoration.inline(f.from, f.to, { nodeName: 'span', class: cls, 'data-label': span.label, 'data-span-id': span.id }, spec),
  );
}

/** The decorations of every span, built from scratch. */
export function buildDecorations(doc: Node, drawn: Omit<DrawnSpans, 'decorations'>): DecorationSet {
  const { spans, lanes, labels } = drawn;
  return DecorationSet.create(
    doc,
    spans.flatMap((s, i) => spanDecorations(s, lanes[i]!, labels)),
  );
}

/** Whether `s` lies where `old`'s fragments are carried by `mapping` (as its decorations are). */
export const sameFragments = (mapping: Mapping, old: SpanRange, s: SpanRange): boolean =>
  old.fragments.length === s.fragments.length &&
  old.fragments.every((f, k) => mapping.map(f.from, 1) === s.fragments[k]!.from && mapping.map(f.to, -1) === s.fragments[k]!.to);

/** Whether the range from..to of `doc` (clamped to it) reaches over a paragraph boundary. */
export function crossesParagraphs(doc: Node, from: number, to: number): boolean {
  const size = doc.content.size;
  const a = Math.min(Math.max(from, 0), size);
  const b = Math.min(Math.max(to, 0), size);
  return a < b && doc.resolve(a).index(0) !== doc.resolve(b).index(0);
}

/**
 * `prev`'s decorations mapped through a change, with those of `stale` span ids removed and `fresh`
 * added. Null when that would be unsound: DecorationSet keeps a decoration that crosses paragraphs
 * split among them, and removing it again by value can leave a piece behind (a randomised test
 * found duplicates); and mapping can carry a decoration where its span no longer is (two spans
 * whose text was retyped, say). Then a rebuild is the safe answer.
 */
export function replaceDecorations(
  prev: DecorationSet,
  mapping: Mapping,
  doc: Node,
  stale: ReadonlyMap<string, SpanRange>,
  fresh: Decoration[],
): DecorationSet | null {
  for (const d of fresh) if (crossesParagraphs(doc, d.from, d.to)) return null;
  const base = prev.map(mapping, doc);
  const removed: Decoration[] = [];
  for (const [id, old] of stale) {
    const from = mapping.map(old.from, -1);
    const to = mapping.map(old.to, 1);
    if (crossesParagraphs(doc, mapping.map(old.from, 1), mapping.map(old.to, -1))) return null;
    removed.push(...base.find(from, to, (spec: SpanDecorationSpec) => spec.spanId === id));
  }
  const kept = removed.length ? base.remove(removed) : base;
  for (const d of fresh) {
    const id = (d.spec as SpanDecorationSpec).spanId;
    if (kept.find(d.from, d.to, (spec: SpanDecorationSpec) => spec.spanId === id).length) return null;
  }
  return fresh.length ? kept.add(doc, fresh) : kept;
}

/**
 * The previous decorations patched by walking every span: those that moved differently from their
 * decoration, or changed label or lane, are drawn afresh. The fallback for changes too wide for
 * patching by span id (spanPatch.ts). Returns null when a rebuild is cheaper.
 */
export function patchDecorations(prev: DrawnSpans, mapping: Mapping, doc: Node, spans: readonly SpanRange[], lanes: readonly number[]): DecorationSet | null {
  const stale = new Map<string, SpanRange>();
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
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    const j = prevIndexOf(s.id, i);
    if (j >= 0) {
      matched[j] = 1;
      const old = prev.spans[j]!;
      if (old.label === s.label && prev.lanes[j] === lanes[i] && sameFragments(mapping, old, s)) continue;
      stale.set(old.id, old);
    }
    fresh.push(...spanDecorations(s, lanes[i]!, prev.labels));
  }
  for (let j = 0; j < prev.spans.length; j++) if (!matched[j]) stale.set(prev.spans[j]!.id, prev.spans[j]!);
  if (stale.size + fresh.length > spans.length / 2 + 8) return null;
  return replaceDecorations(prev.decorations, mapping, doc, stale, fresh);
}
