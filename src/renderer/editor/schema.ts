/**
 * The editor's document model: plain paragraphs of text, and one mark type for spans.
 * A span is a mark carrying the span's id, so text edits move it, deleting all its text removes it,
 * and prosemirror-history restores text and span together.
 */
import { type Mark, Schema } from 'prosemirror-model';

/** The attribute that names a span's id in the DOM. */
export const SPAN_ID_ATTR = 'data-span-id';

export const schema = new Schema({
  nodes: {
    doc: { content: 'paragraph+' },
    paragraph: {
      content: 'text*',
      parseDOM: [{ tag: 'p' }],
      toDOM: () => ['p', 0],
    },
    text: {},
  },
  marks: {
    span: {
      attrs: { id: { validate: 'string' }, label: { validate: 'string' } },
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

/** The id and label a span mark carries. */
export interface SpanMarkAttrs {
  id: string;
  label: string;
}

/** Creates the mark of a span. */
export function spanMark(id: string, label: string): Mark {
  return spanType.create({ id, label });
}

/** The id and label of a span mark. */
export function spanAttrs(mark: Mark): SpanMarkAttrs {
  return mark.attrs as SpanMarkAttrs;
}
