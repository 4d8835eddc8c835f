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
/** On a span mark's own element (not on the selection highlight's), with its label and fragment number. */
export const SPAN_MARK_ATTR = 'data-span-mark';
export const SPAN_LABEL_ATTR = 'data-label';
export const SPAN_FRAG_ATTR = 'data-frag';

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
      // The mark's element carries everything the mark is, so that when ProseMirror re-reads a part
      // of the DOM (a change it did not make: an input method, a browser extension) the spans come
      // back as they were instead of vanishing. Pasted or dropped content loses its span marks
      // anyway (stripSpanMarks), so a paste never brings a duplicate id.
      // In the editor the mark's element is drawn by a mark view (spanView.ts), which adds the
      // classes that draw the span; this is the form copied to the clipboard.
      parseDOM: [
        {
          tag: `span[${SPAN_MARK_ATTR}]`,
          getAttrs: (el: HTMLElement) => {
            const id = el.getAttribute(SPAN_ID_ATTR);
            const label = el.getAttribute(SPAN_LABEL_ATTR);
            const frag = Number(el.getAttribute(SPAN_FRAG_ATTR) ?? '0');
            return id && label && Number.isInteger(frag) && frag >= 0 ? { id, label, frag } : false;
          },
        },
      ],
      toDOM: (mark) => [
        'span',
        {
          [SPAN_MARK_ATTR]: '',
          [SPAN_ID_ATTR]: mark.attrs.id as string,
          [SPAN_LABEL_ATTR]: mark.attrs.label as string,
          [SPAN_FRAG_ATTR]: String(mark.attrs.frag as number),
        },
        0,
      ],
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
