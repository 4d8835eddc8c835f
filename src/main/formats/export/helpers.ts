/**
 * What several exporters (and brat's annotation.conf writer) share: JSON on one line, and where a
 * span and its fragments lie in the unit asked for, with their exact texts.
 */
import type { OffsetIndex } from '../../../shared/offsets';
import type { LoupeDocument, OffsetUnit, Span } from '../../../shared/types';

/**
 * JSON.stringify leaves U+0085, U+2028 and U+2029 raw; Python's str.splitlines() and some JSONL
 * readers treat them as line breaks, so they are escaped to keep one document per physical line.
 */
const LINE_BREAKS_JSON_KEEPS = /[\u0085\u2028\u2029]/g;

/** Serialises a value as JSON on one line, safe for any line-splitting reader. */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(
    LINE_BREAKS_JSON_KEEPS,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Where a span lies in `unit`, and its exact text; throws a readable Error when it does not fit the text. */
export function locateSpan(
  doc: LoupeDocument,
  index: OffsetIndex,
  span: Pick<Span, 'id' | 'start' | 'end'>,
  unit: OffsetUnit,
): { start: number; end: number; text: string } {
  try {
    if (span.end < span.start) throw new RangeError('it ends before it starts');
    return {
      start: index.fromCodePoint(span.start, unit),
      end: index.fromCodePoint(span.end, unit),
      text: index.slice(span.start, span.end),
    };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `document ${doc.id} ("${doc.title}"): span ${span.id} (${span.start}..${span.end}) does not fit ` +
        `its text of ${index.length} code points: ${why}`,
      { cause: error },
    );
  }
}

/** A span's fragments in `unit`, each with its exact text (one fragment for a contiguous span). */
export function locateFragments(
  doc: LoupeDocument,
  index: OffsetIndex,
  span: Span,
  unit: OffsetUnit,
): { start: number; end: number; text: string }[] {
  return span.fragments.map(([start, end]) => locateSpan(doc, index, { id: span.id, start, end }, unit));
}

/** Whether a span is one piece, its only fragment being [start, end]. */
export function isContiguous(span: Span): boolean {
  const [only] = span.fragments;
  return span.fragments.length === 1 && only![0] === span.start && only![1] === span.end;
}
