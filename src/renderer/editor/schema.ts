/**
 * The editor's document model: plain paragraphs of text, and one mark type for spans.
 * A span is a mark carrying the span's id, so text edits move it, deleting all its text removes it,
 * and prosemirror-history restores text and span together. A fragmented span (a quote interrupted
 * by “他说”) is one mark per fragment, told apart by `frag`.
 *
 * What is not text lives in the doc node's attributes, changed by doc-attribute steps so that
 * history undoes it with everything else: `spanInfo` (each span's attribute values and note, kept
 * by id even while the span is deleted, so Undo brings them back) and `links` (kept likewise;
 * a link counts only while both its ends exist).
 */
import { type Mark, Schema } from 'prosemirror-model';
import type { Link, SpanAttrs } from '../../shared/types';

/** A span's data that is not its text. */
export interface SpanInfo {
  attrs: SpanAttrs;
  note: string;
}

export type SpanInfoMap = Readonly<Record<string, SpanInfo>>;

/** The attribute that names a span's id in the DOM. */
export const SPAN_ID_ATTR = 'data-span-id';

export const schema = new Schema({
  nodes: {
    doc: {
      content: 'paragraph+',
      attrs: { spanInfo: { default: {} }, links: { default: [] } },
    },
    paragraph: {
      content: 'text*',
      parseDOM: [{ tag: 'p' }],
      toDOM: () => ['p', 0],
    },
    text: {},
  },
  marks: {
    span: {
      attrs: { id: { validate: 'string' }, label: { validate: 'string' }, frag: { default: 0, validate: 'number' } },
      // Several spans (even with the same label) may cover the same text.
      excludes: '',
      // Typing at a span's edge must not grow it.
      inclusive: false,
      spanning: true,
      // No parseDOM: pasted or dropped HTML never brings span marks (and so never a duplicate id).
      // Visuals come from decorations; the mark only marks the text.
      toDOM: (mark) => ['span', { [SPAN_ID_ATTR]: mark.attrs.id as string }, 0],
    },
  },
});

export const spanType = schema.marks.span;
export const paragraphType = schema.nodes.paragraph;

/** The id, label and fragment number a span mark carries. */
export interface SpanMarkAttrs {
  id: string;
  label: string;
  frag: number;
}

/** Creates the mark of a span's fragment (0 for the first, or only, one). */
export function spanMark(id: string, label: string, frag = 0): Mark {
  return spanType.create({ id, label, frag });
}

/** The span data stored on a document node. */
export function spanInfoOf(doc: { attrs: Record<string, unknown> }): SpanInfoMap {
  return doc.attrs.spanInfo as SpanInfoMap;
}

/** Every link stored on a document node, those with a missing end included. */
export function storedLinks(doc: { attrs: Record<string, unknown> }): readonly Link[] {
  return doc.attrs.links as readonly Link[];
}

/** The id and label of a span mark. */
export function spanAttrs(mark: Mark): SpanMarkAttrs {
  return mark.attrs as SpanMarkAttrs;
}
