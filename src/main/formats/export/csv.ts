/**
 * CSV export: one row per span, RFC 4180 (CRLF rows, quoted fields where needed), with a UTF-8 BOM
 * so Excel and LibreOffice detect the encoding of Chinese text.
 *
 * Values are written exactly as they are, with no guard against formula injection (a leading
 * "=", "+", "-" or "@"): linguists need the exact text, and a prefix would corrupt it.
 */
import { OffsetIndex } from '../../../shared/offsets';
import type { LoupeDocument, OffsetUnit } from '../../../shared/types';
import type { ExportSource } from './types';
import { CSV_BOM, csvField, csvRow, type TableCell } from '../../../shared/csv';
import { isContiguous, locateFragments, locateSpan } from './helpers';

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
  'annotator',
] as const;

/** The links CSV: one row per link, with the text of both ends. */
export const LINKS_CSV_HEADER = ['link_id', 'type', 'from_span_id', 'from_text', 'to_span_id', 'to_text', 'doc_id', 'annotator'] as const;

/** The column of one label's attribute in the spans table. */
export interface AttributeColumn {
  label: string;
  name: string;
  header: string;
}

/** The column of a label's attribute: `label.attribute`, one per attribute of every label, in schema order. */
export function attributeColumns(labels: ExportSource['labels']): AttributeColumn[] {
  return labels.flatMap((l) => l.attributes.map((a) => ({ label: l.name, name: a.name, header: `${l.name}.${a.name}` })));
}

export type { TableCell } from '../../../shared/csv';
/** An attribute value as a cell: text, number and flag as they are, an absent value empty. */
const attrCell = (value: unknown): TableCell =>
  value === undefined || value === null ? null : typeof value === 'number' || typeof value === 'boolean' ? value : String(value);

const BOM = CSV_BOM;

export { csvField, csvRow };

/**
 * The spans table's rows of one document (`index` is over its text): CSV_HEADER's columns, then one
 * per attribute column (`columns`), filled only on its label's rows. Offsets are in `unit`;
 * `fragments` is `start-end` pairs joined by `;` (one pair for a contiguous span).
 */
export function* spanRows(
  doc: LoupeDocument,
  index: OffsetIndex,
  unit: OffsetUnit,
  columns: readonly AttributeColumn[],
): Generator<TableCell[]> {
  for (const span of doc.spans) {
    const { start, end, text } = locateSpan(doc, index, span, unit);
    const fragments = isContiguous(span)
      ? `${start}-${end}`
      : locateFragments(doc, index, span, unit)
          .map((f) => `${f.start}-${f.end}`)
          .join(';');
    const left = index.slice(Math.max(0, span.start - CSV_CONTEXT), span.start);
    const right = index.slice(span.end, Math.min(index.length, span.end + CSV_CONTEXT));
    const row: TableCell[] = [doc.id, doc.title, doc.status, span.id, span.label, start, end, text, fragments, left, right, span.note, unit, span.annotator];
    for (const c of columns) row.push(c.label === span.label ? attrCell(span.attrs[c.name]) : null);
    yield row;
  }
}

/** The links table's rows of one document (`index` is over its text): the ends by span id, with their text. */
export function* linkRows(doc: LoupeDocument, index: OffsetIndex): Generator<TableCell[]> {
  if (doc.links.length === 0) return;
  const texts = new Map(doc.spans.map((s) => [s.id, index.slice(s.start, s.end)]));
  const annotators = new Map(doc.spans.map((s) => [s.id, s.annotator]));
  for (const link of doc.links) {
    // A link is in the layer of its spans.
    yield [link.id, link.type, link.from, texts.get(link.from) ?? '', link.to, texts.get(link.to) ?? '', doc.id, annotators.get(link.from) ?? null];
  }
}

/** The two files of the CSV export, as csvFileChunks numbers them. */
const SPANS_CSV = 0;
const LINKS_CSV = 1;

/**
 * Yields the CSV export's two files from one pass over the documents, each chunk with the number of
 * its file: 0 for the spans CSV, 1 for the links CSV (or only the one of them `only` names). Each
 * starts with a BOM and its header; then comes one chunk per row. (Rows are not gathered into larger
 * strings: joined by `+=`, they become a deep rope that V8 takes three times longer to flatten and
 * encode than the rows one by one; writeExportFile buffers them.) In the spans CSV `fragments` is
 * `start-end` pairs joined by `;` (one pair for a contiguous span) and each attribute has its own
 * column; the links CSV has no offsets: a link's ends are named by span id, with their text.
 */
export function* csvFileChunks(source: ExportSource, unit: OffsetUnit, only?: 0 | 1): Generator<readonly [0 | 1, string]> {
  const withSpans = only !== LINKS_CSV;
  const withLinks = only !== SPANS_CSV;
  const columns = attributeColumns(source.labels);
  if (withSpans) yield [SPANS_CSV, BOM + csvRow([...CSV_HEADER, ...columns.map((c) => c.header)])];
  if (withLinks) yield [LINKS_CSV, BOM + csvRow(LINKS_CSV_HEADER)];
  for (const doc of source.documents()) {
    const linked = withLinks && doc.links.length > 0;
    if (!withSpans && !linked) continue;
    const index = new OffsetIndex(doc.text);
    if (withSpans) for (const row of spanRows(doc, index, unit, columns)) yield [SPANS_CSV, csvRow(row)];
    if (linked) for (const row of linkRows(doc, index)) yield [LINKS_CSV, csvRow(row)];
  }
}

/** Yields the spans CSV alone (see csvFileChunks). */
export function* csvChunks(source: ExportSource, unit: OffsetUnit): Generator<string> {
  for (const [, chunk] of csvFileChunks(source, unit, SPANS_CSV)) yield chunk;
}

/** Yields the links CSV alone (see csvFileChunks); it has no offsets, so needs no unit. */
export function* linksCsvChunks(source: ExportSource): Generator<string> {
  for (const [, chunk] of csvFileChunks(source, 'codepoint', LINKS_CSV)) yield chunk;
}
