/**
 * Find in the document: the next occurrence of a text after a position, wrapping around. A match
 * stays within one paragraph; ASCII letters match regardless of case.
 */
import type { Node } from 'prosemirror-model';

/** Folds ASCII case only, so offsets into the folded text stay offsets into the text. */
const fold = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** The next match of `query` starting at or after `from` (wrapping to the top), as positions; null when none. */
export function findNext(doc: Node, query: string, from: number): { from: number; to: number } | null {
  if (query === '') return null;
  const needle = fold(query);
  let first: { from: number; to: number } | null = null;
  let found: { from: number; to: number } | null = null;
  doc.forEach((para, offset) => {
    if (found) return;
    const start = offset + 1;
    if (start + para.content.size < from && first) return;
    const text = fold(para.textContent);
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      const hit = { from: start + i, to: start + i + needle.length };
      first ??= hit;
      if (hit.from >= from) {
        found = hit;
        return;
      }
    }
  });
  return found ?? first;
}

/** How many times `query` occurs in the document (paragraph by paragraph). */
export function countMatches(doc: Node, query: string): number {
  if (query === '') return 0;
  const needle = fold(query);
  let n = 0;
  doc.forEach((para) => {
    const text = fold(para.textContent);
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  });
  return n;
}
