/**
 * The open document's spans as the span list shows them: the document and its spans in text order.
 * The list reads the excerpts of the rows it draws, not of all twenty thousand.
 */
import type { Node } from 'prosemirror-model';
import { spanExcerpts, type SpanRange } from './spanMarks';

export interface SpanList {
  doc: Node | null;
  spans: readonly SpanRange[];
}

export const NO_SPANS: SpanList = { doc: null, spans: [] };

/** How much of a span's text lists and the inspector show. */
export const EXCERPT_LENGTH = 60;

/** The excerpt of each of `spans` (spans of `list`'s document), as the list shows them. */
export function spanListExcerpts(list: SpanList, spans: readonly SpanRange[]): string[] {
  return list.doc ? spanExcerpts(list.doc, spans, EXCERPT_LENGTH) : spans.map(() => '');
}
