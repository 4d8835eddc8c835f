/**
 * CSV as Loupe writes it everywhere (exports, the agreement report): RFC 4180, CRLF rows, fields quoted
 * only when they hold a quote, comma, CR or LF, UTF-8 with a byte order mark (Excel reads Chinese from it).
 */

/**
 * A cell of a table: text, a number, a flag, or nothing. The CSV writes a flag as `true`/`false` and
 * nothing as an empty field; the XLSX export keeps each type.
 */
export type TableCell = string | number | boolean | null;

export const CSV_BOM = '\uFEFF';
const EOL = '\r\n';
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, quoted when it holds a quote, comma, CR or LF, with inner quotes doubled. */
export function csvField(value: TableCell): string {
  if (typeof value === 'string') return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  return value === null ? '' : String(value);
}

/** One CSV record with its CRLF. */
export function csvRow(values: readonly TableCell[]): string {
  // A loop, not map/join: the spans CSV makes one row per span, and this is its hot path.
  let row = values.length > 0 ? csvField(values[0]!) : '';
  for (let i = 1; i < values.length; i++) row += `,${csvField(values[i]!)}`;
  return row + EOL;
}

/** A whole CSV file: BOM, header, rows. */
export const csvFile = (header: readonly TableCell[], rows: readonly (readonly TableCell[])[]): string => CSV_BOM + csvRow(header) + rows.map((r) => csvRow(r)).join('');
