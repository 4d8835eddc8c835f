/**
 * Span commands, `(state, dispatch?) => boolean`. Tagging, untagging, relabelling, fragments,
 * attribute values, notes and links are all document steps (marks, or doc-attribute steps), so
 * prosemirror-history undoes and redoes them along with text edits.
 */
import type { Node } from 'prosemirror-model';
import { type Command, type EditorState, TextSelection, type Transaction } from 'prosemirror-state';
import { carryAttrs, defaultAttrs, linkAllowed, NOTE_MAX, TEXT_VALUE_MAX } from '../../shared/schema';
import type { AttrValue, Link, LinkType } from '../../shared/types';
import { newId } from '../../shared/ids';
import { type SpanInfo, spanInfoOf, spanMark, storedLinks } from './schema';
import { findSpan, spanPieces, type SpanRange, spanRanges } from './spanMarks';
import { type EditorLabel, getSelectedSpanId, type Linking, type SpanAction, spanPluginKey, spanState } from './spanPlugin';
import { quotedRange, stepChar, stepPunct } from './textMotion';

const action = (a: SpanAction): SpanAction => a;

const NO_INFO: SpanInfo = { attrs: {}, note: '' };

/** Sets (part of) the span data of `id` in the transaction's document. */
function patchInfo(tr: Transaction, id: string, patch: Partial<SpanInfo>): Transaction {
  const info = spanInfoOf(tr.doc);
  return tr.setDocAttribute('spanInfo', { ...info, [id]: { ...(info[id] ?? NO_INFO), ...patch } });
}

const labelOf = (state: EditorState, name: string): EditorLabel | undefined =>
  spanState(state).labels.find((l) => l.name === name);

/**
 * The text selection that goes with a selected span: the span, or for a fragmented span the
 * fragment at `edge` (the first by default), so the text between fragments is not highlighted.
 */
function spanTextSelection(doc: Node, span: SpanRange, edge: 'start' | 'end' = 'start'): TextSelection {
  const f = edge === 'start' ? span.fragments[0]! : span.fragments[span.fragments.length - 1]!;
  return TextSelection.create(doc, f.from, f.to);
}

/** Whether from..to is the span's whole range or one of its fragments. */
const coversSpan = (span: SpanRange, from: number, to: number): boolean =>
  (span.from === from && span.to === to) || span.fragments.some((f) => f.from === from && f.to === to);

/**
 * Another span with `label` on exactly the fragments of `span`: the corpus refuses a save that makes
 * such a copy, so no command makes one.
 */
function twinOf(doc: Node, span: SpanRange, label = span.label): SpanRange | undefined {
  const same = (a: readonly { from: number; to: number }[], b: readonly { from: number; to: number }[]) =>
    a.length === b.length && a.every((f, i) => f.from === b[i]!.from && f.to === b[i]!.to);
  return spanRanges(doc).find((s) => s.id !== span.id && s.label === label && s.from === span.from && s.to === span.to && same(s.fragments, span.fragments));
}

/**
 * Tags the selected text with a new span (a fresh id unless `id` is given) and selects that span;
 * the span gets its label's default attribute values. When the selection is exactly the selected
 * span, relabels it instead; when a span with this label already covers exactly the selection,
 * selects it rather than stacking a duplicate.
 */
export function tagSelection(label: string, id?: string): Command {
  return (state, dispatch) => {
    const { from, to, empty } = state.selection;
    if (empty || state.doc.textBetween(from, to) === '') return false;
    const selectedId = getSelectedSpanId(state);
    const selected = selectedId === null ? undefined : findSpan(state.doc, selectedId);
    if (selected && coversSpan(selected, from, to)) return relabelSpan(selected.id, label)(state, dispatch);
    const spanId = id ?? newId();
    const tr = state.tr.addMark(from, to, spanMark(spanId, label));
    // The twin is looked for in what the mark made: a selection reaching past a paragraph's end (or
    // over a paragraph with no text) marks less than it spans, and may mark exactly another span's text.
    const made = findSpan(tr.doc, spanId);
    const twin = made && twinOf(tr.doc, made);
    if (twin) return selectSpan(twin.id, { textSelection: false })(state, dispatch);
    if (dispatch) {
      const attrs = defaultAttrs(labelOf(state, label));
      if (Object.keys(attrs).length) patchInfo(tr, spanId, { attrs, note: '' });
      dispatch(tr.setMeta(spanPluginKey, action({ type: 'select', id: spanId })));
    }
    return true;
  };
}

/**
 * Adds the selected text as another fragment of the span selected or created last (`recentId`),
 * when that span has `label` (any label when none is given); it stays one span.
 */
export function addFragment(label?: string): Command {
  return (state, dispatch) => {
    const { from, to, empty } = state.selection;
    if (empty || state.doc.textBetween(from, to) === '') return false;
    const targetId = spanState(state).recentId;
    const target = targetId === null ? undefined : findSpan(state.doc, targetId);
    if (!target || (label !== undefined && target.label !== label)) return false;
    if (target.fragments.some((f) => f.from <= from && to <= f.to)) return false; // already in it
    const next = Math.max(...spanPieces(state.doc, target.id).map((p) => p.mark.attrs.frag as number)) + 1;
    const tr = state.tr.addMark(from, to, spanMark(target.id, target.label, next));
    const grown = findSpan(tr.doc, target.id);
    if (grown && twinOf(tr.doc, grown)) return false;
    dispatch?.(tr.setMeta(spanPluginKey, action({ type: 'select', id: target.id })));
    return true;
  };
}

/** Removes the span `id` (its text stays; its data and links wait, unseen, for an Undo). */
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

/**
 * Gives the span `id` another label, keeping its id, text and fragments, in one transaction. Its
 * attribute values carry over where the new label declares and admits them (the new label's
 * defaults fill the rest), and links the new label cannot take part in are removed.
 */
export function relabelSpan(id: string, label: string): Command {
  return (state, dispatch) => {
    const pieces = spanPieces(state.doc, id);
    if (!pieces.length) return false;
    if (pieces.every((p) => p.mark.attrs.label === label)) return true;
    // A span with that label already covers exactly this text: select it, as tagging would.
    const span = findSpan(state.doc, id);
    const twin = span && twinOf(state.doc, span, label);
    if (twin) return selectSpan(twin.id, { textSelection: false })(state, dispatch);
    if (dispatch) {
      const tr = state.tr;
      for (const p of pieces) {
        tr.removeMark(p.from, p.to, p.mark).addMark(p.from, p.to, spanMark(id, label, p.mark.attrs.frag as number));
      }
      const info = spanInfoOf(state.doc)[id] ?? NO_INFO;
      const attrs = carryAttrs(info.attrs, labelOf(state, label));
      if (spanInfoOf(state.doc)[id] || Object.keys(attrs).length) patchInfo(tr, id, { attrs });
      const types = spanState(state).linkTypes;
      const kept = storedLinks(state.doc).filter((l) => {
        if (l.from !== id && l.to !== id) return true;
        const type = types.find((t) => t.name === l.type);
        const from = l.from === id ? label : findSpan(state.doc, l.from)?.label;
        const to = l.to === id ? label : findSpan(state.doc, l.to)?.label;
        return !type || from === undefined || to === undefined || linkAllowed(type, from, to);
      });
      if (kept.length !== storedLinks(state.doc).length) tr.setDocAttribute('links', kept);
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
      if (range && coversSpan(range, sel.from, sel.to)) tr.setSelection(TextSelection.create(state.doc, sel.head));
      dispatch?.(tr);
      return true;
    }
    const range = findSpan(state.doc, id);
    if (!range) return false;
    if (options.textSelection !== false) tr.setSelection(spanTextSelection(state.doc, range)).scrollIntoView();
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

/** Replaces the labels the decorations colour spans by, and the link types links are checked against. */
export function setSchema(labels: readonly EditorLabel[], linkTypes: readonly LinkType[]): Command {
  return (state, dispatch) => {
    dispatch?.(state.tr.setMeta(spanPluginKey, action({ type: 'setSchema', labels, linkTypes })));
    return true;
  };
}

/** Sets (or, with null, clears) an attribute value of the span `id`. */
export function setSpanAttr(id: string, name: string, value: AttrValue | null): Command {
  return (state, dispatch) => {
    if (!findSpan(state.doc, id)) return false;
    const { attrs } = spanInfoOf(state.doc)[id] ?? NO_INFO;
    if (value === null ? !(name in attrs) : attrs[name] === value) return false;
    if (typeof value === 'string' && value.length > TEXT_VALUE_MAX) return false; // the store would refuse it
    if (dispatch) {
      const next = { ...attrs };
      if (value === null) delete next[name];
      else next[name] = value;
      dispatch(patchInfo(state.tr, id, { attrs: next }));
    }
    return true;
  };
}

/** Sets the note of the span `id`. */
export function setSpanNote(id: string, note: string): Command {
  return (state, dispatch) => {
    if (!findSpan(state.doc, id) || (spanInfoOf(state.doc)[id] ?? NO_INFO).note === note) return false;
    if (note.length > NOTE_MAX) return false; // the store would refuse it
    dispatch?.(patchInfo(state.tr, id, { note }));
    return true;
  };
}

/** The data (attribute values, note) of the span `id`. */
export function spanInfo(state: EditorState, id: string): SpanInfo {
  return spanInfoOf(state.doc)[id] ?? NO_INFO;
}

/** The link types a link from a span labelled `from` to one labelled `to` may have. */
export function fittingTypes(types: readonly LinkType[], from: string, to: string): LinkType[] {
  return types.filter((t) => linkAllowed(t, from, to));
}

/** The links whose ends both exist and touch the span `id`. */
export function linksOf(doc: Node, id: string): Link[] {
  return storedLinks(doc).filter((l) => (l.from === id || l.to === id) && findSpan(doc, l.from) && findSpan(doc, l.to));
}

/** Links `from` to `to` with `type` (the first type that fits when none is given). */
export function linkSpans(fromId: string, toId: string, typeName?: string): Command {
  return (state, dispatch) => {
    const from = findSpan(state.doc, fromId);
    const to = findSpan(state.doc, toId);
    if (!from || !to || from.id === to.id) return false;
    const fitting = fittingTypes(spanState(state).linkTypes, from.label, to.label);
    const type = typeName === undefined ? fitting[0] : fitting.find((t) => t.name === typeName);
    if (!type) return false;
    const links = storedLinks(state.doc);
    const live = links.find((l) => l.type === type.name && l.from === from.id && l.to === to.id);
    if (live) return false; // already linked so
    if (dispatch) {
      const link: Link = { id: newId(), type: type.name, from: from.id, to: to.id };
      dispatch(
        state.tr
          .setDocAttribute('links', [...links, link])
          .setMeta(spanPluginKey, action({ type: 'select', id: from.id })),
      );
    }
    return true;
  };
}

/** Removes the link `id`. */
export function removeLink(id: string): Command {
  return (state, dispatch) => {
    const links = storedLinks(state.doc);
    if (!links.some((l) => l.id === id)) return false;
    dispatch?.(state.tr.setDocAttribute('links', links.filter((l) => l.id !== id)));
    return true;
  };
}

/** Spans a link from `source` may go to, nearest first. */
function linkCandidates(doc: Node, source: SpanRange, types: readonly LinkType[]): string[] {
  return spanRanges(doc)
    .filter((s) => s.id !== source.id && fittingTypes(types, source.label, s.label).length > 0)
    .sort((a, b) => Math.abs(a.from - source.from) - Math.abs(b.from - source.from) || a.from - b.from)
    .map((s) => s.id);
}

/** Starts choosing the target of a link from the selected span (L). False when nothing could be linked. */
export function startLinking(): Command {
  return (state, dispatch) => {
    const id = getSelectedSpanId(state);
    const source = id === null ? undefined : findSpan(state.doc, id);
    if (!source) return false;
    const candidates = linkCandidates(state.doc, source, spanState(state).linkTypes);
    if (candidates.length === 0) return false;
    const linking: Linking = { from: source.id, candidates, index: 0, typeIndex: 0 };
    dispatch?.(state.tr.setMeta(spanPluginKey, action({ type: 'linking', linking })).scrollIntoView());
    return true;
  };
}

/** The current target of link choosing and the link type that would be used. */
export function linkingChoice(state: EditorState): { from: SpanRange; to: SpanRange; type: LinkType; types: LinkType[] } | null {
  const { linking, linkTypes } = spanState(state);
  if (!linking) return null;
  const from = findSpan(state.doc, linking.from);
  const to = findSpan(state.doc, linking.candidates[linking.index] ?? '');
  if (!from || !to) return null;
  const types = fittingTypes(linkTypes, from.label, to.label);
  const type = types[linking.typeIndex % types.length];
  return type ? { from, to, type, types } : null;
}

/** Moves link choosing to the next (1) or previous (-1) candidate, scrolling it into view. */
export function cycleLinkTarget(dir: 1 | -1): Command {
  return (state, dispatch) => {
    const { linking } = spanState(state);
    if (!linking) return false;
    const n = linking.candidates.length;
    const index = (linking.index + dir + n) % n;
    if (dispatch) {
      const tr = state.tr.setMeta(spanPluginKey, action({ type: 'linking', linking: { ...linking, index, typeIndex: 0 } }));
      const target = findSpan(state.doc, linking.candidates[index]!);
      if (target) tr.setSelection(spanTextSelection(state.doc, target)).scrollIntoView();
      dispatch(tr);
    }
    return true;
  };
}

/** Chooses the next link type that fits the current source and target (T). */
export function cycleLinkType(): Command {
  return (state, dispatch) => {
    const { linking } = spanState(state);
    const choice = linkingChoice(state);
    if (!linking || !choice || choice.types.length < 2) return false;
    const typeIndex = (linking.typeIndex + 1) % choice.types.length;
    dispatch?.(state.tr.setMeta(spanPluginKey, action({ type: 'linking', linking: { ...linking, typeIndex } })));
    return true;
  };
}

/** Creates the link being chosen (to `targetId` when given, e.g. a clicked span) and ends choosing. */
export function confirmLink(targetId?: string): Command {
  return (state, dispatch) => {
    const { linking } = spanState(state);
    if (!linking) return false;
    const choice = linkingChoice(state);
    const to = targetId ?? choice?.to.id;
    const type = targetId === undefined || targetId === choice?.to.id ? choice?.type.name : undefined;
    if (to === undefined || !linkSpans(linking.from, to, type)(state)) return false;
    if (dispatch) {
      linkSpans(linking.from, to, type)(state, (tr) => {
        const source = findSpan(tr.doc, linking.from)!;
        dispatch(tr.setSelection(spanTextSelection(tr.doc, source)).scrollIntoView());
      });
    }
    return true;
  };
}

/** Stops choosing a link target, leaving the source selected. */
export function cancelLinking(): Command {
  return (state, dispatch) => {
    const { linking } = spanState(state);
    if (!linking) return false;
    if (dispatch) {
      const tr = state.tr.setMeta(spanPluginKey, action({ type: 'select', id: linking.from }));
      const source = findSpan(state.doc, linking.from);
      if (source) tr.setSelection(spanTextSelection(state.doc, source));
      dispatch(tr);
    }
    return true;
  };
}

export type Edge = 'start' | 'end';
export type Motion = 'char' | 'punct';

/**
 * Moves an edge of the selected span (or, with no span selected, of the text selection) by one
 * character or to the neighbouring punctuation boundary: `dir` -1 is leftward, 1 rightward. A span
 * never becomes empty; a fragmented span's start is its first fragment's, its end its last's.
 */
export function moveEdge(edge: Edge, dir: 1 | -1, motion: Motion = 'char'): Command {
  return (state, dispatch) => {
    const once = (pos: number) => (motion === 'char' ? stepChar(state.doc, pos, dir) : stepPunct(state.doc, pos, dir));
    // Steps on past empty paragraphs: an edge move always takes in (or gives up) some text.
    const step = (pos: number): number | null => {
      let next = once(pos);
      while (next !== null && state.doc.textBetween(Math.min(pos, next), Math.max(pos, next)) === '') next = once(next);
      return next;
    };
    const id = getSelectedSpanId(state);
    const span = id === null ? undefined : findSpan(state.doc, id);
    if (!span) {
      const { from, to, empty } = state.selection;
      if (empty) return false;
      const moved = step(edge === 'start' ? from : to);
      if (moved === null) return false;
      const [a, b] = edge === 'start' ? [moved, to] : [from, moved];
      if (b <= a || state.doc.textBetween(a, b) === '') return false;
      dispatch?.(state.tr.setSelection(TextSelection.create(state.doc, a, b)).scrollIntoView());
      return true;
    }
    const pieces = spanPieces(state.doc, span.id);
    const piece = edge === 'start' ? pieces[0]! : pieces[pieces.length - 1]!;
    const frag = edge === 'start' ? span.fragments[0]! : span.fragments[span.fragments.length - 1]!;
    const moved = step(edge === 'start' ? frag.from : frag.to);
    if (moved === null) return false;
    const tr = state.tr;
    const unmark = (a: number, b: number) => {
      for (const p of pieces) if (p.from < b && p.to > a) tr.removeMark(Math.max(a, p.from), Math.min(b, p.to), p.mark);
    };
    if (edge === 'start') {
      if (moved >= frag.to || state.doc.textBetween(moved, frag.to) === '') return false;
      if (moved < frag.from) tr.addMark(moved, frag.from, piece.mark);
      else unmark(frag.from, moved);
    } else {
      if (moved <= frag.from || state.doc.textBetween(frag.from, moved) === '') return false;
      if (moved > frag.to) tr.addMark(frag.to, moved, piece.mark);
      else unmark(moved, frag.to);
    }
    const after = findSpan(tr.doc, span.id);
    if (after && twinOf(tr.doc, after)) return false; // it would become a copy of another span
    if (dispatch) {
      if (after) tr.setSelection(spanTextSelection(tr.doc, after, edge));
      dispatch(tr.setMeta(spanPluginKey, action({ type: 'select', id: span.id })).scrollIntoView());
    }
    return true;
  };
}

/**
 * Selects the content of the quotation marks around the selection (“…”, 「…」, ‘…’, "…"); pressed
 * again, the quotation around that. Lets go of a selected span, so the next hotkey tags the quote.
 */
export function selectQuoted(): Command {
  return (state, dispatch) => {
    const { from, to } = state.selection;
    const range = quotedRange(state.doc, from, to);
    if (!range) return false;
    dispatch?.(
      state.tr
        .setSelection(TextSelection.create(state.doc, range.from, range.to))
        .setMeta(spanPluginKey, action({ type: 'select', id: null }))
        .scrollIntoView(),
    );
    return true;
  };
}

/** Selects the text from..to (a find result) and scrolls it into view, letting go of any selected span. */
export function selectText(from: number, to: number): Command {
  return (state, dispatch) => {
    if (from < 0 || to > state.doc.content.size || from >= to) return false;
    dispatch?.(
      state.tr
        .setSelection(TextSelection.create(state.doc, from, to))
        .setMeta(spanPluginKey, action({ type: 'select', id: null }))
        .scrollIntoView(),
    );
    return true;
  };
}
