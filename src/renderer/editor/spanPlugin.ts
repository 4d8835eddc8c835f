/**
 * The span plugin: which span is selected, the schema (labels, link types), the choosing of a new
 * link's target, the lanes and classes that draw every span (spanClasses.ts, drawn on the span
 * marks' own elements by spanView.ts) and the decorations of the selection highlight
 * (spanHighlights.ts).
 * Its state is persistent: each transaction yields a new value.
 * It also keeps span marks sound: pasted content never carries span marks, and a span whose text
 * gets a gap (something pasted into its middle) is closed over it again, and text typed over a
 * selection inside a span stays in the span.
 */
import { isHistoryTransaction } from 'prosemirror-history';
import { Fragment, type Mark, type Node, Slice } from 'prosemirror-model';
import { type EditorState, Plugin, PluginKey, TextSelection, type Transaction } from 'prosemirror-state';
import { dropPoint, ReplaceStep } from 'prosemirror-transform';
import { DecorationSet, type EditorView } from 'prosemirror-view';
import type { LinkType } from '../../shared/types';
import { spanAttrs, spanType } from './schema';
import type { DrawnSpans, EditorLabel } from './spanClasses';
import { buildHighlights, highlightClasses, sameHighlights, type SpanHighlights } from './spanHighlights';
import { brokenFragments, findSpan, type SpanRange, spanMarksCovering, spanRanges, spanSeqOf } from './spanMarks';
import { spanMarkView, syncSpanClasses } from './spanView';

export {
  type EditorLabel,
  LABEL_CLASS_PREFIX,
  LANE_CLASS_PREFIX,
  SPAN_CLASS,
  spanClass,
  spanClassName,
} from './spanClasses';
export {
  HIGHLIGHT_CLASS,
  type HighlightSpec,
  LINK_CANDIDATE_CLASS,
  LINK_TARGET_CLASS,
  LINKED_CLASS,
  SELECTED_CLASS,
} from './spanHighlights';

/** Choosing the target of a new link from `from`: Tab cycles `candidates`, T cycles the types that fit. */
export interface Linking {
  from: string;
  /** Span ids a link from `from` may go to, nearest first. */
  candidates: readonly string[];
  /** The candidate a link would go to now. */
  index: number;
  /** Which of the link types that fit (from's label → the target's label) is chosen. */
  typeIndex: number;
}

/** What travels as this plugin's transaction metadata. */
export type SpanAction =
  | { type: 'select'; id: string | null }
  | { type: 'setSchema'; labels: readonly EditorLabel[]; linkTypes: readonly LinkType[] }
  | { type: 'linking'; linking: Linking | null };

/** The selected span, the schema, link choosing, and the spans and lanes drawing every span. */
export interface SpanPluginState extends DrawnSpans {
  selectedId: string | null;
  /** The span selected or created last (while it exists): Shift+hotkey adds fragments to it. */
  recentId: string | null;
  linkTypes: readonly LinkType[];
  linking: Linking | null;
  /** The extra classes of the selected span, its linked spans and link candidates, by span id. */
  highlighted: SpanHighlights;
  /** Their decorations (drawn by spanHighlightPlugin), over the spans' own elements. */
  highlights: DecorationSet;
}

export const spanPluginKey = new PluginKey<SpanPluginState>('loupeSpans');

function initState(state: EditorState, labels: readonly EditorLabel[], linkTypes: readonly LinkType[]): SpanPluginState {
  return {
    selectedId: null,
    recentId: null,
    linking: null,
    labels,
    linkTypes,
    spans: spanSeqOf(state.doc),
    highlighted: new Map(),
    highlights: DecorationSet.empty,
  };
}

function applyTr(tr: Transaction, prev: SpanPluginState, state: EditorState): SpanPluginState {
  const action = tr.getMeta(spanPluginKey) as SpanAction | undefined;
  const labels = action?.type === 'setSchema' ? action.labels : prev.labels;
  const linkTypes = action?.type === 'setSchema' ? action.linkTypes : prev.linkTypes;
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
  let recentId = selectedId ?? prev.recentId;
  if (recentId !== null && tr.docChanged && !findSpan(state.doc, recentId)) recentId = null;
  // Any change to the text or spans ends link choosing: its candidates were computed before it.
  let linking = action?.type === 'linking' ? action.linking : tr.docChanged || action?.type === 'select' ? null : prev.linking;
  if (linking && !findSpan(state.doc, linking.from)) linking = null;
  if (
    !tr.docChanged &&
    labels === prev.labels &&
    linkTypes === prev.linkTypes &&
    selectedId === prev.selectedId &&
    linking === prev.linking &&
    recentId === prev.recentId
  )
    return prev;

  // Typing derives the spans (and their lanes) from the previous document's, touching only the
  // changed paragraph's (spanSeq.ts); which elements' classes change is worked out once drawn (spanView.ts).
  const spans = tr.docChanged ? spanSeqOf(state.doc) : prev.spans;
  let highlighted =
    tr.docChanged || selectedId !== prev.selectedId || linking !== prev.linking ? highlightClasses(state.doc, selectedId, linking) : prev.highlighted;
  const sameHighlighted = sameHighlights(highlighted, prev.highlighted);
  if (sameHighlighted) highlighted = prev.highlighted;
  // Text edits move the highlighted spans; rebuilding their few decorations is cheaper than proving they did not move.
  const highlights =
    tr.docChanged || labels !== prev.labels || !sameHighlighted ? buildHighlights(state.doc, highlighted, labels) : prev.highlights;
  return { selectedId, recentId, linking, labels, linkTypes, spans, highlighted, highlights };
}

/**
 * Drops span marks from pasted or dropped content, so a paste never duplicates a span id; with
 * `keep`, the marks of those span ids stay.
 */
export function stripSpanMarks(slice: Slice, keep: ReadonlySet<string> = new Set()): Slice {
  const strip = (fragment: Fragment): Fragment => {
    const nodes: Node[] = [];
    fragment.forEach((node) => {
      if (node.isText) nodes.push(node.mark(node.marks.filter((m) => m.type !== spanType || keep.has(spanAttrs(m).id))));
      else nodes.push(node.copy(strip(node.content)));
    });
    return Fragment.fromArray(nodes);
  };
  return new Slice(strip(slice.content), slice.openStart, slice.openEnd);
}

/**
 * Text dragged to another place in the article (a move, not a copy) takes along the spans that lie
 * wholly in it: their text is gone from where it was, so their ids stay unique. A span only partly
 * dragged stays with its part that did not move. ProseMirror's own drop would strip every span.
 */
function moveText(view: EditorView, event: DragEvent, moved: boolean): boolean {
  const dragging = view.dragging;
  const sel = view.state.selection;
  if (!moved || !dragging || !(sel instanceof TextSelection) || sel.empty) return false;
  const target = view.posAtCoords({ left: event.clientX, top: event.clientY });
  if (!target) return false;
  const whole = new Set(spanRanges(view.state.doc).filter((s) => s.from >= sel.from && s.to <= sel.to).map((s) => s.id));
  const slice = stripSpanMarks(dragging.slice, whole);
  const insertAt = dropPoint(view.state.doc, target.pos, slice) ?? target.pos;
  const tr = view.state.tr.deleteSelection();
  const at = tr.mapping.map(insertAt);
  const before = tr.doc;
  tr.replaceRange(at, at, slice);
  if (tr.doc.eq(before)) return true;
  let end = at;
  tr.mapping.maps[tr.mapping.maps.length - 1]!.forEach((_from, _to, _newFrom, newTo) => (end = newTo));
  tr.setSelection(TextSelection.between(tr.doc.resolve(at), tr.doc.resolve(end)));
  view.focus();
  view.dispatch(tr.setMeta('uiEvent', 'drop'));
  return true;
}

/** The span plugin, drawing spans with the given labels' colours. */
export function spanPlugin(labels: readonly EditorLabel[], linkTypes: readonly LinkType[] = []): Plugin<SpanPluginState> {
  // A mark view of this plugin's own: a new plugin (a document loaded) has the view draw afresh.
  const markView = spanMarkView((view) => spanPluginKey.getState(view.state));
  return new Plugin<SpanPluginState>({
    key: spanPluginKey,
    state: {
      init: (_config, state) => initState(state, labels, linkTypes),
      apply: (tr, prev, _old, state) => applyTr(tr, prev, state),
    },
    props: {
      markViews: { span: markView },
      transformPasted: (slice) => stripSpanMarks(slice),
      handleDrop: (view, event, _slice, moved) => moveText(view, event, moved),
    },
    view: () => ({
      update(view, prevState) {
        const prev = spanPluginKey.getState(prevState);
        const next = spanPluginKey.getState(view.state);
        if (prev && next && prev !== next) syncSpanClasses(view, prev, next);
      },
    }),
    appendTransaction(trs, _old, state) {
      if (!trs.some((tr) => tr.docChanged)) return null;
      const replaced = replacementsInSpans(trs);
      const broken = brokenFragments(state.doc);
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

/**
 * Draws the selection highlight that the span plugin keeps (spanHighlights.ts). Installed after the
 * span plugin, so that a highlight usually wraps the text inside the span's own element.
 */
export function spanHighlightPlugin(): Plugin {
  return new Plugin({ props: { decorations: (state) => spanPluginKey.getState(state)?.highlights } });
}

/** The id of the selected span, or null. */
export function getSelectedSpanId(state: EditorState): string | null {
  return spanPluginKey.getState(state)?.selectedId ?? null;
}

/** Every span of the document (positions), sorted by start, end, id; cached per document. */
export function spansInDoc(state: EditorState): readonly SpanRange[] {
  return spanRanges(state.doc);
}

/** The plugin's state (the span plugin is always installed). */
export function spanState(state: EditorState): SpanPluginState {
  return spanPluginKey.getState(state)!;
}
