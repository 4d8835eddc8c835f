/**
 * JSONL export: one document per line. The document object defined here is also what the JSON
 * export puts in its `documents` array, so both formats stay field-for-field identical.
 */
import { OffsetIndex } from '../../../shared/offsets';
import type { LoupeDocument, OffsetUnit, Span } from '../../../shared/types';
import type { ExportSource } from './index';

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

/**
 * A document's export object as one JSON line (no newline), offsets in `unit`, keys in a fixed order.
 * A span's `start`/`end`/`text` cover it whole (for a fragmented span, the interrupting text too);
 * `fragments` lists its pieces as [start, end] pairs, one pair for a contiguous span.
 */
export function serializeDocument(doc: LoupeDocument, unit: OffsetUnit): string {
  const index = new OffsetIndex(doc.text);
  const spans = doc.spans.map((span) => {
    const { start, end, text } = locateSpan(doc, index, span, unit);
    const fragments = locateFragments(doc, index, span, unit).map((f) => [f.start, f.end]);
    return { id: span.id, label: span.label, start, end, text, fragments, attrs: span.attrs, note: span.note };
  });
  return jsonLine({
    id: doc.id,
    title: doc.title,
    text: doc.text,
    meta: doc.meta,
    status: doc.status,
    note: doc.note,
    offset_unit: unit,
    spans,
    links: doc.links.map((l) => ({ id: l.id, type: l.type, from: l.from, to: l.to })),
  });
}

/** Yields the JSONL export, one document (with its trailing "\n") per chunk. */
export function* jsonlChunks(source: ExportSource, unit: OffsetUnit): Generator<string> {
  for (const doc of source.documents()) yield `${serializeDocument(doc, unit)}\n`;
}
