/**
 * The span plugin: which span is selected, and the decorations that draw every span (tint,
 * lane underline, label colour). Its state is persistent: each transaction yields a new value.
 * It also keeps span marks sound: pasted content never carries span marks, and a span whose text
 * gets a gap (something pasted into its middle) is closed over it again.
 */
import { Fragment, type Node, Slice } from 'prosemirror-model';
import { type EditorState, Plugin, PluginKey, type Transaction } from 'prosemirror-state';
import { Decoration, DecorationSet } from 'prosemirror-view';
import { assignLanes } from './lanes';
import { spanType } from './schema';
import { brokenSpans, findSpan, type SpanRange, spanRanges } from './spanMarks';

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

/** What travels as this plugin's transaction metadata. */
export type SpanAction =
  | { type: 'select'; id: string | null }
  | { type: 'setLabels'; labels: readonly EditorLabel[] };

export interface SpanPluginState {
  selectedId: string | null;
  labels: readonly EditorLabel[];
  decorations: DecorationSet;
  /** The spans the decorations were built from, and their lanes. */
  spans: readonly SpanRange[];
  lanes: readonly number[];
}

/** The spec of a span's decoration (`decoration.spec`). */
export interface SpanDecorationSpec {
  spanId: string;
  className: string;
}

export const spanPluginKey = new PluginKey<SpanPluginState>('loupeSpans');

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

function buildDecorations(
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
 * The previous decorations, mapped through the transaction and patched where a span moved
 * differently from its decoration, changed label or lane, or was (de)selected. Building the whole
 * set anew costs time in proportion to paragraphs x spans, too slow for a long article at every
 * keystroke or click. Returns null when a rebuild is cheaper.
 */
function patchDecorations(
  prev: SpanPluginState,
  tr: Transaction,
  doc: Node,
  spans: readonly SpanRange[],
  lanes: readonly number[],
  selectedId: string | null,
): DecorationSet | null {
  const base = prev.decorations.map(tr.mapping, doc);
  const labelIndex = labelIndexer(prev.labels);
  const stale: { id: string; from: number; to: number }[] = [];
  const fresh: Decoration[] = [];
  const matched = new Set<number>();
  // Both lists are sorted and mapping keeps order, so the same span is usually at the same index.
  let byId: Map<string, number> | undefined;
  const prevIndexOf = (id: string, guess: number): number => {
    if (prev.spans[guess]?.id === id) return guess;
    byId ??= new Map(prev.spans.map((s, i) => [s.id, i]));
    return byId.get(id) ?? -1;
  };
  const dropOld = (j: number): void => {
    const old = prev.spans[j]!;
    const from = tr.mapping.map(old.from, 1);
    const to = tr.mapping.map(old.to, -1);
    if (from < to) stale.push({ id: old.id, from, to });
  };
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    const j = prevIndexOf(s.id, i);
    const selected = s.id === selectedId;
    if (j >= 0) {
      matched.add(j);
      const old = prev.spans[j]!;
      if (
        old.label === s.label &&
        prev.lanes[j] === lanes[i] &&
        (old.id === prev.selectedId) === selected &&
        tr.mapping.map(old.from, 1) === s.from &&
        tr.mapping.map(old.to, -1) === s.to
      )
        continue;
      dropOld(j);
    }
    fresh.push(spanDecoration(s, spanClass(lanes[i]!, labelIndex(s.label), selected)));
  }
  if (matched.size < prev.spans.length) for (let j = 0; j < prev.spans.length; j++) if (!matched.has(j)) dropOld(j);
  if (stale.length + fresh.length > spans.length / 2 + 8) return null;
  const removed = stale.flatMap((o) => base.find(o.from, o.to, (spec: SpanDecorationSpec) => spec.spanId === o.id));
  return base.remove(removed).add(doc, fresh);
}

function initState(state: EditorState, labels: readonly EditorLabel[]): SpanPluginState {
  const spans = spanRanges(state.doc);
  const lanes = assignLanes(spans);
  return { selectedId: null, labels, spans, lanes, decorations: buildDecorations(state.doc, spans, lanes, labels, null) };
}

function applyTr(tr: Transaction, prev: SpanPluginState, state: EditorState): SpanPluginState {
  const action = tr.getMeta(spanPluginKey) as SpanAction | undefined;
  const labels = action?.type === 'setLabels' ? action.labels : prev.labels;
  let selectedId = action?.type === 'select' ? action.id : prev.selectedId;
  if (selectedId !== null) {
    const range = findSpan(state.doc, selectedId);
    if (!range) selectedId = null;
    // Selecting text outside the selected span lets go of it, so keys never act on a span out of sight.
    else if (action?.type !== 'select' && tr.selectionSet) {
      const sel = state.selection;
      if (sel.from < range.from || sel.to > range.to) selectedId = null;
    }
  }
  if (!tr.docChanged && labels === prev.labels && selectedId === prev.selectedId) return prev;

  const spans = tr.docChanged ? spanRanges(state.doc) : prev.spans;
  const lanes = tr.docChanged ? assignLanes(spans) : prev.lanes;
  const decorations =
    (labels === prev.labels && patchDecorations(prev, tr, state.doc, spans, lanes, selectedId)) ||
    buildDecorations(state.doc, spans, lanes, labels, selectedId);
  return { selectedId, labels, spans, lanes, decorations };
}

/** Drops span marks from pasted or dropped content, so a paste never duplicates a span id. */
export function stripSpanMarks(slice: Slice): Slice {
  const strip = (fragment: Fragment): Fragment => {
    const nodes: Node[] = [];
    fragment.forEach((node) => {
      if (node.isText) nodes.push(node.mark(spanType.removeFromSet(node.marks)));
      else nodes.push(node.copy(strip(node.content)));
    });
    return Fragment.fromArray(nodes);
  };
  return new Slice(strip(slice.content), slice.openStart, slice.openEnd);
}

/** The span plugin, drawing spans with the given labels' colours. */
export function spanPlugin(labels: readonly EditorLabel[]): Plugin<SpanPluginState> {
  return new Plugin<SpanPluginState>({
    key: spanPluginKey,
    state: {
      init: (_config, state) => initState(state, labels),
      apply: (tr, prev, _old, state) => applyTr(tr, prev, state),
    },
    props: {
      decorations: (state) => spanPluginKey.getState(state)?.decorations,
      transformPasted: (slice) => stripSpanMarks(slice),
    },
    appendTransaction(trs, _old, state) {
      if (!trs.some((tr) => tr.docChanged)) return null;
      const broken = brokenSpans(state.doc);
      if (!broken.length) return null;
      const tr = state.tr;
      for (const s of broken) tr.addMark(s.from, s.to, s.mark);
      return tr;
    },
  });
}

/** The id of the selected span, or null. */
export function getSelectedSpanId(state: EditorState): string | null {
  return spanPluginKey.getState(state)?.selectedId ?? null;
}

/** Every span of the document (positions), sorted by start, end, id; cached per document. */
export function spansInDoc(state: EditorState): readonly SpanRange[] {
  return spanRanges(state.doc);
}
