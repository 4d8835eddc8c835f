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
import { locateFragments, locateSpan } from './jsonl';

/** Code points of context written on each side of a span. */
export const CSV_CONTEXT = 30;

export const CSV_HEADER = [
  'doc_id',
  'doc_title',
  'doc_status',
  'span_id',
  'label',
  'start',
  'end',
  'text',
  'fragments',
  'left_context',
  'right_context',
  'note',
  'offset_unit',
] as const;

/** The links CSV: one row per link, with the text of both ends. */
export const LINKS_CSV_HEADER = ['link_id', 'type', 'from_span_id', 'from_text', 'to_span_id', 'to_text', 'doc_id'] as const;

/** The column of a label's attribute: `label.attribute`, one per attribute of every label, in schema order. */
export function attributeColumns(labels: ExportSource['labels']): { label: string; name: string; header: string }[] {
  return labels.flatMap((l) => l.attributes.map((a) => ({ label: l.name, name: a.name, header: `${l.name}.${a.name}` })));
}

/** An attribute value as a CSV field: flags as true/false, absent values empty. */
const attrField = (value: unknown): string | number =>
  value === undefined || value === null ? '' : typeof value === 'number' ? value : String(value);

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

/**
 * Yields the CSV export: BOM and header first, then rows in chunks of about 64 KiB. `fragments` is
 * `start-end` pairs joined by `;` (one pair for a contiguous span); each attribute has its own column.
 */
export function* csvChunks(source: ExportSource, unit: OffsetUnit): Generator<string> {
  const columns = attributeColumns(source.labels);
  let pending = BOM + csvRow([...CSV_HEADER, ...columns.map((c) => c.header)]);
  for (const doc of source.documents()) {
    const index = new OffsetIndex(doc.text);
    for (const span of doc.spans) {
      const { start, end, text } = locateSpan(doc, index, span, unit);
      const fragments = locateFragments(doc, index, span, unit)
        .map((f) => `${f.start}-${f.end}`)
        .join(';');
      const left = index.slice(Math.max(0, span.start - CSV_CONTEXT), span.start);
      const right = index.slice(span.end, Math.min(index.length, span.end + CSV_CONTEXT));
      const attrs = columns.map((c) => (c.label === span.label ? attrField(span.attrs[c.name]) : ''));
      pending += csvRow([doc.id, doc.title, doc.status, span.id, span.label, start, end, text, fragments, left, right, span.note, unit, ...attrs]);
      if (pending.length >= CHUNK_SIZE) {
        yield pending;
        pending = '';
      }
    }
  }
  if (pending) yield pending;
}

/** Yields the links CSV (no offsets: the ends are named by span id, with their text). */
export function* linksCsvChunks(source: ExportSource): Generator<string> {
  let pending = BOM + csvRow(LINKS_CSV_HEADER);
  for (const doc of source.documents()) {
    if (doc.links.length === 0) continue;
    const index = new OffsetIndex(doc.text);
    const texts = new Map(doc.spans.map((s) => [s.id, index.slice(s.start, s.end)]));
    for (const link of doc.links) {
      pending += csvRow([link.id, link.type, link.from, texts.get(link.from) ?? '', link.to, texts.get(link.to) ?? '', doc.id]);
      if (pending.length >= CHUNK_SIZE) {
        yield pending;
        pending = '';
      }
    }
  }
  if (pending) yield pending;
}
