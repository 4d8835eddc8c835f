/**
 * The span plugin: which span is selected, and the decorations that draw every span (built in
 * spanDecorations.ts). Its state is persistent: each transaction yields a new value.
 * It also keeps span marks sound: pasted content never carries span marks, and a span whose text
 * gets a gap (something pasted into its middle) is closed over it again.
 */
import { Fragment, type Node, Slice } from 'prosemirror-model';
import { type EditorState, Plugin, PluginKey, type Transaction } from 'prosemirror-state';
import { assignLanes } from './lanes';
import { spanType } from './schema';
import { buildDecorations, type DrawnSpans, type EditorLabel, patchDecorations } from './spanDecorations';
import { brokenSpans, findSpan, type SpanRange, spanRanges } from './spanMarks';

export {
  type EditorLabel,
  LABEL_CLASS_PREFIX,
  LANE_CLASS_PREFIX,
  SELECTED_CLASS,
  SPAN_CLASS,
  type SpanDecorationSpec,
  spanClass,
} from './spanDecorations';

/** What travels as this plugin's transaction metadata. */
export type SpanAction =
  | { type: 'select'; id: string | null }
  | { type: 'setLabels'; labels: readonly EditorLabel[] };

/** The selected span, and the decorations drawing every span. */
export type SpanPluginState = DrawnSpans;

export const spanPluginKey = new PluginKey<SpanPluginState>('loupeSpans');

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
    (labels === prev.labels && patchDecorations(prev, tr.mapping, state.doc, spans, lanes, selectedId)) ||
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
