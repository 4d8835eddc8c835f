/**
 * Span commands, `(state, dispatch?) => boolean`. Tagging, untagging and relabelling are ordinary
 * mark steps, so prosemirror-history undoes and redoes them along with text edits.
 */
import { type Command, TextSelection } from 'prosemirror-state';
import { newSpanId } from './ids';
import { spanMark } from './schema';
import { findSpan, spanPieces, spanRanges } from './spanMarks';
import { type EditorLabel, getSelectedSpanId, type SpanAction, spanPluginKey } from './spanPlugin';

const action = (a: SpanAction): SpanAction => a;

/**
 * Tags the selected text with a new span (a fresh id unless `id` is given) and selects that span.
 * When the selection is exactly the selected span, relabels it instead; when a span with this label
 * already covers exactly the selection, selects it rather than stacking a duplicate.
 */
export function tagSelection(label: string, id?: string): Command {
  return (state, dispatch) => {
    const { from, to, empty } = state.selection;
    if (empty || state.doc.textBetween(from, to) === '') return false;
    const selectedId = getSelectedSpanId(state);
    const selected = selectedId === null ? undefined : findSpan(state.doc, selectedId);
    if (selected && selected.from === from && selected.to === to) return relabelSpan(selected.id, label)(state, dispatch);
    const twin = spanRanges(state.doc).find((s) => s.from === from && s.to === to && s.label === label);
    if (twin) return selectSpan(twin.id, { textSelection: false })(state, dispatch);
    if (dispatch) {
      const spanId = id ?? newSpanId();
      dispatch(
        state.tr
          .addMark(from, to, spanMark(spanId, label))
          .setMeta(spanPluginKey, action({ type: 'select', id: spanId })),
      );
    }
    return true;
  };
}

/** Removes the span `id` (its text stays). */
export function removeSpan(id: string): Command {
  return (state, dispatch) => {
    const pieces = spanPieces(state.doc, id);
    if (!pieces.length) return false;
    if (dispatch) {
      const tr = state.tr;
      for (const p of pieces) tr.removeMark(p.from, p.to, p.mark);
      dispatch(tr);
    }
    return true;
  };
}

/** Gives the span `id` another label, keeping its id and text, in one transaction. */
export function relabelSpan(id: string, label: string): Command {
  return (state, dispatch) => {
    const pieces = spanPieces(state.doc, id);
    if (!pieces.length) return false;
    if (pieces.every((p) => p.mark.attrs.label === label)) return true;
    if (dispatch) {
      const tr = state.tr;
      const mark = spanMark(id, label);
      for (const p of pieces) tr.removeMark(p.from, p.to, p.mark).addMark(p.from, p.to, mark);
      dispatch(tr);
    }
    return true;
  };
}

/** Labels the selection: tags non-empty selected text, or relabels the selected span. */
export function applyLabel(label: string): Command {
  return (state, dispatch) => {
    if (!state.selection.empty) return tagSelection(label)(state, dispatch);
    const selectedId = getSelectedSpanId(state);
    return selectedId !== null && relabelSpan(selectedId, label)(state, dispatch);
  };
}

/**
 * Selects the span `id` (null: none). By default also selects its text and scrolls it into view;
 * clearing collapses a text selection that was exactly the span, so a key cannot tag it twice.
 */
export function selectSpan(id: string | null, options: { textSelection?: boolean } = {}): Command {
  return (state, dispatch) => {
    const tr = state.tr.setMeta(spanPluginKey, action({ type: 'select', id }));
    if (id === null) {
      const current = getSelectedSpanId(state);
      if (current === null) return false;
      const range = findSpan(state.doc, current);
      const sel = state.selection;
      if (range && sel.from === range.from && sel.to === range.to) tr.setSelection(TextSelection.create(state.doc, sel.head));
      dispatch?.(tr);
      return true;
    }
    const range = findSpan(state.doc, id);
    if (!range) return false;
    if (options.textSelection !== false) tr.setSelection(TextSelection.create(state.doc, range.from, range.to)).scrollIntoView();
    dispatch?.(tr);
    return true;
  };
}

/** Selects the next (1) or previous (-1) span in text order; from the text selection when none is selected. */
export function selectNextSpan(dir: 1 | -1): Command {
  return (state, dispatch) => {
    const spans = spanRanges(state.doc);
    const current = getSelectedSpanId(state);
    const index = current === null ? -1 : spans.findIndex((s) => s.id === current);
    let next: number;
    if (index >= 0) next = index + dir;
    else {
      const at = state.selection.from;
      next = dir > 0 ? spans.findIndex((s) => s.from >= at) : spans.findLastIndex((s) => s.from < at);
    }
    const span = spans[next];
    if (next < 0 || !span) return false;
    return selectSpan(span.id)(state, dispatch);
  };
}

/** Replaces the label list the decorations colour spans by. */
export function setLabels(labels: readonly EditorLabel[]): Command {
  return (state, dispatch) => {
    dispatch?.(state.tr.setMeta(spanPluginKey, action({ type: 'setLabels', labels })));
    return true;
  };
}
