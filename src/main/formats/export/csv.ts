/**
 * CSV export: one row per span, RFC 4180 (CRLF rows, quoted fields where needed), with a UTF-8 BOM
 * so Excel and LibreOffice detect the encoding of Chinese text.
 *
 * Values are written exactly as they are, with no guard against formula injection (a leading
 * "=", "+", "-" or "@"): linguists need the exact text, and a prefix would corrupt it.
 */
import { OffsetIndex } from '../../../shared/offsets';
import type { OffsetUnit } from '../../../shared/types';
import type { ExportSource } from './index';
import { locateSpan } from './jsonl';

/** Code points of context written on each side of a span. */
export const CSV_CONTEXT = 30;

export const CSV_HEADER = [
  'doc_id',
  'doc_title',
  'span_id',
  'label',
  'start',
  'end',
  'text',
  'left_context',
  'right_context',
] as const;

const BOM = '\uFEFF';
const EOL = '\r\n';
/** Rows are batched into chunks of about this many UTF-16 units, not written one by one. */
const CHUNK_SIZE = 64 * 1024;

/** One field, quoted when it holds a quote, comma, CR or LF, with inner quotes doubled. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record with its CRLF. */
export function csvRow(values: readonly (string | number)[]): string {
  return values.map(csvField).join(',') + EOL;
}

/** Yields the CSV export: BOM and header first, then rows in chunks of about 64 KiB. */
export function* csvChunks(source: ExportSource, unit: OffsetUnit): Generator<string> {
  let pending = BOM + csvRow(CSV_HEADER);
  for (const doc of source.documents()) {
    const index = new OffsetIndex(doc.text);
    for (const span of doc.spans) {
      const { start, end, text } = locateSpan(doc, index, span, unit);
      const left = index.slice(Math.max(0, span.start - CSV_CONTEXT), span.start);
      const right = index.slice(span.end, Math.min(index.length, span.end + CSV_CONTEXT));
      pending += csvRow([doc.id, doc.title, span.id, span.label, start, end, text, left, right]);
      if (pending.length >= CHUNK_SIZE) {
        yield pending;
        pending = '';
      }
    }
  }
  if (pending) yield pending;
}
