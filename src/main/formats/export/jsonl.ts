/**
 * JSONL export: one document per line. The document object defined here is also what the JSON
 * export puts in its `documents` array, so both formats stay field-for-field identical.
 */
import { OffsetIndex } from '../../../shared/offsets';
import type { LoupeDocument, OffsetUnit } from '../../../shared/types';
import { jsonLine, locateFragments, locateSpan } from './helpers';
import type { ExportSource } from './types';

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
    return { id: span.id, label: span.label, start, end, text, fragments, attrs: span.attrs, note: span.note, annotator: span.annotator };
  });
  const annotators = new Map(doc.spans.map((s) => [s.id, s.annotator]));
  return jsonLine({
    id: doc.id,
    title: doc.title,
    text: doc.text,
    meta: doc.meta,
    status: doc.status,
    note: doc.note,
    offset_unit: unit,
    spans,
    // A link is in the layer of its spans.
    links: doc.links.map((l) => ({ id: l.id, type: l.type, from: l.from, to: l.to, annotator: annotators.get(l.from) ?? null })),
  });
}

/** Yields the JSONL export, one document (with its trailing "\n") per chunk. */
export function* jsonlChunks(source: ExportSource, unit: OffsetUnit): Generator<string> {
  for (const doc of source.documents()) yield `${serializeDocument(doc, unit)}\n`;
}
