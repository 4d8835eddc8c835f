/**
 * A change to a document's text as one splice, in code points: what autosave sends instead of the
 * whole text, so typing in a long report costs the size of the change, not of the report.
 * Both ends shift spans the same way (`shiftSpan` here, the same rule in SQL in the store); the
 * editor sends explicitly only the spans that moved otherwise.
 */
import { codePointLength, codePointsBefore, isHighSurrogate, isLowSurrogate, utf16Offset } from './offsets';
import type { Fragment, SpanInput } from './types';

/** Replace `remove` code points at `at` with `insert`. */
export interface TextEdit {
  at: number;
  remove: number;
  insert: string;
}

/**
 * The smallest single splice turning `before` into `after` (common start and end kept), or null
 * when they are equal. Never cuts a surrogate pair.
 */
export function diffText(before: string, after: string): TextEdit | null {
  if (before === after) return null;
  const max = Math.min(before.length, after.length);
  let head = 0;
  while (head < max && before.charCodeAt(head) === after.charCodeAt(head)) head++;
  // Do not end the common start between the halves of a pair.
  if (head > 0 && isHighSurrogate(before.charCodeAt(head - 1))) head--;
  let tail = 0;
  const room = max - head;
  while (tail < room && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  // Do not begin the common end between the halves of a pair.
  if (tail > 0 && isLowSurrogate(before.charCodeAt(before.length - tail))) tail--;
  return {
    at: codePointsBefore(before, head),
    remove: codePointLength(before.slice(head, before.length - tail)),
    insert: after.slice(head, after.length - tail),
  };
}

/** `text` with `edit` applied; throws a RangeError when the edit does not fit the text. */
export function applyTextEdit(text: string, edit: TextEdit): string {
  const start = utf16Offset(text, edit.at);
  const end = utf16Offset(text, edit.at + edit.remove);
  if (codePointsBefore(text, end) !== edit.at + edit.remove) {
    throw new RangeError(`the change at ${edit.at}–${edit.at + edit.remove} is past the end of the text`);
  }
  return text.slice(0, start) + edit.insert + text.slice(end);
}

/**
 * Where offset `pos` goes when `edit` is applied. `assoc` -1 keeps a position at an insertion point
 * before the inserted text (a span's end), +1 puts it after (a span's start). A position inside the
 * removed text goes to its start (-1) or to the end of the inserted text (+1).
 * The store runs the same rule as SQL (corpusStore's SHIFT_SQL): change them together.
 */
export function shiftOffset(pos: number, edit: TextEdit, assoc: -1 | 1): number {
  return shifter(edit)(pos, assoc);
}

/** `shiftOffset` for one edit, its inserted length counted once (for shifting many offsets). */
export function shifter(edit: TextEdit): (pos: number, assoc: -1 | 1) => number {
  const { at, remove } = edit;
  const end = at + remove;
  const inserted = codePointLength(edit.insert);
  return (pos, assoc) => {
    if (pos < at) return pos;
    if (pos > end) return pos + inserted - remove;
    if (remove === 0) return assoc < 0 ? pos : pos + inserted;
    if (pos === at) return at;
    if (pos === end) return at + inserted;
    return assoc < 0 ? at : at + inserted;
  };
}

/**
 * A span's place after `edit` by the shared rule: each fragment's start with +1 and end with -1,
 * an end pushed past its start when the rule would close the fragment.
 */
export function shiftSpan(
  span: Pick<SpanInput, 'start' | 'end' | 'fragments'>,
  edit: TextEdit,
  move: (pos: number, assoc: -1 | 1) => number = shifter(edit),
): { start: number; end: number; fragments?: Fragment[] } {
  const shift = ([a, b]: Fragment): Fragment => {
    const start = move(a, 1);
    return [start, Math.max(move(b, -1), start + 1)];
  };
  if (!span.fragments || span.fragments.length <= 1) {
    const [start, end] = shift([span.start, span.end]);
    return { start, end };
  }
  const fragments = span.fragments.map(shift);
  return { start: fragments[0]![0], end: fragments[fragments.length - 1]![1], fragments };
}
