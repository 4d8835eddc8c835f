/**
 * The span plugin: which span is selected, and the decorations that draw every span (built in
 * spanDecorations.ts). Its state is persistent: each transaction yields a new value.
 * It also keeps span marks sound: pasted content never carries span marks, and a span whose text
 * gets a gap (something pasted into its middle) is closed over it again, and text typed over a
 * selection inside a span stays in the span.
 */
import { isHistoryTransaction } from 'prosemirror-history';
import { Fragment, type Mark, type Node, Slice } from 'prosemirror-model';
import { type EditorState, Plugin, PluginKey, type Transaction } from 'prosemirror-state';
import { ReplaceStep } from 'prosemirror-transform';
import { assignLanes } from './lanes';
import { spanType } from './schema';
import { buildDecorations, type DrawnSpans, type EditorLabel, patchDecorations } from './spanDecorations';
import { brokenSpans, findSpan, type SpanRange, spanMarksCovering, spanRanges } from './spanMarks';

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
      const replaced = replacementsInSpans(trs);
      const broken = brokenSpans(state.doc);
      if (!broken.length && !replaced.length) return null;
      const tr = state.tr;
      for (const r of replaced) tr.addMark(r.from, r.to, r.mark);
      for (const s of broken) tr.addMark(s.from, s.to, s.mark);
      return tr.docChanged ? tr : null;
    },
  });
}

/**
 * Text typed (or composed by an IME, or pasted) over a selection that lay wholly inside a span
 * belongs to that span, even at the span's end where the non-inclusive mark would not reach:
 * selecting a wrong character at the end of a name and typing the right one keeps the name tagged.
 * Returns the inserted ranges, mapped to the final document, with the marks to put on them.
 */
function replacementsInSpans(trs: readonly Transaction[]): { from: number; to: number; mark: Mark }[] {
  const found: { from: number; to: number; mark: Mark }[] = [];
  trs.forEach((tr, k) => {
    if (isHistoryTransaction(tr)) return; // undo/redo restore marks themselves
    tr.steps.forEach((step, i) => {
      if (!(step instanceof ReplaceStep)) return;
      const { from, to, slice } = step as unknown as { from: number; to: number; slice: Slice };
      if (from >= to || slice.size === 0) return;
      const marks = spanMarksCovering(tr.docs[i]!, from, to);
      if (!marks.length) return;
      let start = tr.mapping.slice(i + 1).map(from, 1);
      let end = tr.mapping.slice(i + 1).map(from + slice.size, -1);
      for (const later of trs.slice(k + 1)) {
        start = later.mapping.map(start, 1);
        end = later.mapping.map(end, -1);
      }
      if (start < end) for (const mark of marks) found.push({ from: start, to: end, mark });
    });
  });
  return found;
}

/** The id of the selected span, or null. */
export function getSelectedSpanId(state: EditorState): string | null {
  return spanPluginKey.getState(state)?.selectedId ?? null;
}

/** Every span of the document (positions), sorted by start, end, id; cached per document. */
export function spansInDoc(state: EditorState): readonly SpanRange[] {
  return spanRanges(state.doc);
}
