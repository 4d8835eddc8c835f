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
import { isContiguous, locateFragments, locateSpan } from './jsonl';

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

const NEEDS_QUOTES = /[",\r\n]/;

/** One field, quoted when it holds a quote, comma, CR or LF, with inner quotes doubled. */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV record with its CRLF. */
export function csvRow(values: readonly (string | number)[]): string {
  return values.map(csvField).join(',') + EOL;
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
    if (withSpans) {
      const docFields = `${csvField(doc.id)},${csvField(doc.title)},${csvField(doc.status)}`;
      for (const span of doc.spans) {
        const { start, end, text } = locateSpan(doc, index, span, unit);
        const fragments = isContiguous(span)
          ? `${start}-${end}`
          : locateFragments(doc, index, span, unit)
              .map((f) => `${f.start}-${f.end}`)
              .join(';');
        const left = index.slice(Math.max(0, span.start - CSV_CONTEXT), span.start);
        const right = index.slice(span.end, Math.min(index.length, span.end + CSV_CONTEXT));
        let attrs = '';
        for (const c of columns) attrs += c.label === span.label ? `,${csvField(attrField(span.attrs[c.name]))}` : ',';
        yield [
          SPANS_CSV,
          `${docFields},${csvField(span.id)},${csvField(span.label)},${start},${end},${csvField(text)},${fragments},` +
            `${csvField(left)},${csvField(right)},${csvField(span.note)},${unit}${attrs}${EOL}`,
        ];
      }
    }
    if (linked) {
      const texts = new Map(doc.spans.map((s) => [s.id, index.slice(s.start, s.end)]));
      for (const link of doc.links) {
        yield [LINKS_CSV, csvRow([link.id, link.type, link.from, texts.get(link.from) ?? '', link.to, texts.get(link.to) ?? '', doc.id])];
      }
    }
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
