/**
 * XLSX export, for spreadsheets: LibreOffice reads a CSV's UTF-8 as Latin-1 and evaluates a cell
 * like `=SUM(A1:A2)` unless told otherwise; an XLSX says what each cell is. The workbook has three
 * sheets:
 *
 * - `spans`: the spans CSV's columns and rows (one row per span, offsets in the chosen unit);
 * - `links`: the links CSV's;
 * - `documents`: one row per document (id, title, status, note, counts, length, metadata as JSON,
 *   text), so that the offsets can be checked against the text in the workbook itself.
 *
 * Every text is a string cell, never a formula: `=SUM(A1:A2)`, `-5%`, `+86` and `1989` stay text.
 * Offsets, document ids and number attributes are numbers, flags are booleans, empty values are
 * empty cells. exceljs's streaming writer writes it.
 */
import { Writable } from 'node:stream';
import type * as ExcelJs from 'exceljs';
import { OffsetIndex } from '../../../shared/offsets';
import type { LoupeDocument, OffsetUnit } from '../../../shared/types';
import { attributeColumns, CSV_HEADER, linkRows, LINKS_CSV_HEADER, spanRows, type TableCell } from './csv';
import type { ExportChunk, ExportContext, ExportSource } from './types';

/** The documents sheet's columns. */
export const XLSX_DOCUMENTS_HEADER = ['doc_id', 'doc_title', 'doc_status', 'doc_note', 'spans', 'links', 'length', 'offset_unit', 'meta', 'text'] as const;

/** Rows a sheet holds in Excel and LibreOffice (1,048,576), less the header. */
export const XLSX_MAX_ROWS = 1_048_575;

/**
 * The most characters (UTF-16 units) of a cell that Excel and LibreOffice keep. Longer cells (a long
 * article's text) are written whole, for pandas and openpyxl, and reported.
 */
export const SPREADSHEET_MAX_CELL = 32_767;

/**
 * Characters XML 1.0 cannot hold (C0 controls but tab and line feed, a lone surrogate, U+FFFE,
 * U+FFFF), a carriage return (an XML reader turns it into a line feed) and DEL (exceljs drops it).
 */
// eslint-disable-next-line no-control-regex -- finding the control characters XML cannot hold is the point
const UNWRITABLE = /[\u0000-\u0008\u000B-\u001F\u007F\uFFFE\uFFFF]|\p{Cs}/u;
const UNWRITABLE_ALL = new RegExp(UNWRITABLE.source, 'gu');

/** The most XML that may wait for the compressor (which works meanwhile) before the exporter waits. */
const ZIP_BACKLOG = 4 << 20;

/** The zip's timestamps (1980-01-01, the earliest a zip can hold): the same corpus gives the same bytes. */
const ZIP_DATE = new Date(Date.UTC(1980, 0, 1));

type WorkbookWriter = ExcelJs.stream.xlsx.WorkbookWriter;
type Worksheet = ExcelJs.Worksheet;

/** What the XLSX exporter may be told (tests make its limits small). */
export interface XlsxOptions {
  maxRows?: number;
}

/**
 * exceljs, loaded on the first XLSX export: the CLI and the app start without it. It is CommonJS;
 * a bundler's or Node's interop puts it on `default`.
 */
async function loadExcelJs(): Promise<typeof ExcelJs> {
  const loaded = (await import('exceljs')) as typeof ExcelJs & { default?: typeof ExcelJs };
  return loaded.default ?? loaded;
}

/**
 * A writable stream (Node's, or the readable-stream package's that archiver uses) as far as waiting
 * for it goes: `length` is what it holds; past its high-water mark it emits 'drain' once emptied.
 */
interface DrainingStream {
  _writableState: { length: number };
  on(event: 'drain', listener: () => void): unknown;
  removeListener(event: 'drain', listener: () => void): unknown;
}

const isDrainingStream = (value: unknown): value is DrainingStream =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<DrainingStream>)._writableState?.length === 'number' &&
  typeof (value as Partial<DrainingStream>).on === 'function' &&
  typeof (value as Partial<DrainingStream>).removeListener === 'function';

/**
 * Where the zip's output waits for the exporter to hand it on, and what went wrong in the zip (its
 * streams fail asynchronously, out of the exporter's reach).
 */
class ZipOutput {
  private chunks: Uint8Array[] = [];
  private failure: Error | undefined;
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.chunks.push(chunk);
      done();
    },
  });

  /** Wakes a wait for a drain when the zip fails. */
  private wake: (() => void) | undefined;

  /** Records the zip's failure, to be thrown by `take` and `drained`. */
  failed(error: Error): void {
    this.failure ??= error;
    this.wake?.();
  }

  /** What has been written since the last call; throws the zip's failure, if any. */
  take(): Uint8Array[] {
    if (this.failure) throw this.failure;
    const taken = this.chunks;
    this.chunks = [];
    return taken;
  }

  /** Resolves when `stream` has taken what it was given, or throws the zip's failure. */
  async drained(stream: DrainingStream): Promise<void> {
    while (stream._writableState.length > ZIP_BACKLOG) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.removeListener('drain', done);
          this.wake = undefined;
          resolve();
        };
        stream.on('drain', done);
        this.wake = done;
      });
    }
    if (this.failure) throw this.failure;
  }
}

/**
 * A workbook writer whose zip entries all carry ZIP_DATE: exceljs's zip stamps each entry with the
 * time it is added, and adds the first two in its constructor, so the zip's `append` is wrapped
 * from the first of them on.
 */
function deterministicWorkbook(excelJs: typeof ExcelJs, output: ZipOutput): { workbook: WorkbookWriter; abort(): void } {
  type Zip = { append(source: unknown, data: { name: string; date?: Date }): unknown; on(event: 'error', listener: (error: Error) => void): void; abort(): void };
  const Base = excelJs.stream.xlsx.WorkbookWriter as unknown as new (options: object) => WorkbookWriter & { zip: Zip };
  const fixDates = (zip: Zip & { loupeDated?: true }) => {
    if (zip.loupeDated) return;
    const append = zip.append.bind(zip);
    zip.append = (source, data) => append(source, { ...data, date: ZIP_DATE });
    zip.loupeDated = true;
  };
  class Writer extends Base {
    override addThemes(): Promise<void> {
      fixDates(this.zip);
      return super.addThemes();
    }
    override addOfficeRels(): Promise<void> {
      fixDates(this.zip);
      return super.addOfficeRels();
    }
  }
  const writer = new Writer({ stream: output.stream, useStyles: false, useSharedStrings: false });
  fixDates(writer.zip);
  writer.zip.on('error', (error) => output.failed(error));
  writer.creator = 'Loupe';
  writer.lastModifiedBy = 'Loupe';
  return { workbook: writer, abort: () => writer.zip.abort() };
}

/** Counts what cells could not hold, for the export's report. */
class CellChecks {
  replaced = 0;
  long = 0;

  /**
   * A cell's value for exceljs: text as an inline string (exceljs writes a plain string as a
   * formula's cached result, `t="str"`, without `xml:space`, and LibreOffice then trims its leading
   * and trailing blanks; a rich-text run is an inline string with its blanks kept), empty text as
   * an empty cell. Characters a cell cannot hold become U+FFFD.
   */
  value(cell: TableCell): ExcelJs.CellValue {
    if (typeof cell !== 'string') return cell;
    if (cell === '') return null;
    const text = UNWRITABLE.test(cell)
      ? cell.replace(UNWRITABLE_ALL, () => {
          this.replaced++;
          return '\uFFFD';
        })
      : cell;
    if (text.length > SPREADSHEET_MAX_CELL) this.long++;
    return { richText: [{ text }] };
  }

  report(ctx: ExportContext): void {
    if (this.replaced) ctx.lost('control characters a spreadsheet cell cannot hold, written as U+FFFD', this.replaced);
    if (this.long) {
      const most = SPREADSHEET_MAX_CELL.toLocaleString('en');
      ctx.lost(`cells longer than the ${most} characters Excel and LibreOffice keep (written whole, for pandas and openpyxl)`, this.long);
    }
  }
}

/** A sheet being written: a header row, then rows committed one by one. */
class Sheet {
  private rows = 0;
  private readonly sheet: Worksheet;

  constructor(
    workbook: WorkbookWriter,
    readonly name: string,
    header: readonly string[],
    private readonly cells: CellChecks,
    private readonly maxRows: number,
  ) {
    // The header stays in view while scrolling.
    this.sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    this.sheet.addRow(header.map((h) => cells.value(h))).commit();
  }

  /** Adds a row; past the row limit, fails naming `what` the rows are. */
  add(row: readonly TableCell[], what: string): void {
    if (++this.rows > this.maxRows) throw tooMany(this.maxRows, what);
    this.sheet.addRow(row.map((c) => this.cells.value(c))).commit();
  }

  /**
   * The stream the sheet's XML goes into: archiver's PassThrough in front of the zip's compressor.
   * exceljs writes into it without waiting, so the exporter waits for it to drain, or the whole
   * sheet would pile up in memory while the compressor catches up. (exceljs 4.4's internals, hence
   * the exact version in package.json: should they change, every XLSX export fails with this error.)
   */
  get pipe(): DrainingStream {
    const pipe = (this.sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0];
    if (!isDrainingStream(pipe)) throw new Error('exceljs has changed: a sheet no longer writes into a stream Loupe can wait for');
    return pipe;
  }

  commit(): void {
    this.sheet.commit();
  }
}

/** The error of a sheet past its row limit. */
function tooMany(maxRows: number, what: string): Error {
  return new Error(
    `an XLSX sheet holds at most ${maxRows.toLocaleString('en')} ${what} (a spreadsheet's row limit); ` +
      'export fewer (filter by status or label, or per document), or export CSV or JSONL',
  );
}

/** The documents sheet's row of one document. */
function documentRow(doc: LoupeDocument, index: OffsetIndex, unit: OffsetUnit): TableCell[] {
  const meta = Object.keys(doc.meta).length ? JSON.stringify(doc.meta) : '';
  return [doc.id, doc.title, doc.status, doc.note, doc.spans.length, doc.links.length, index.lengthIn(unit), unit, meta, doc.text];
}

/**
 * The XLSX export as zip chunks. The sheets of a zip follow each other, so the documents are read
 * once per sheet, one at a time: for the spans, for the links (when there are any), for the
 * documents. Each document is read whole in a read transaction of its own, as in every export.
 */
export async function* xlsxChunks(source: ExportSource, ctx: ExportContext, options: XlsxOptions = {}): AsyncGenerator<ExportChunk> {
  const maxRows = options.maxRows ?? XLSX_MAX_ROWS;
  const output = new ZipOutput();
  const { workbook, abort } = deterministicWorkbook(await loadExcelJs(), output);
  const cells = new CellChecks();
  let links = 0;
  let newest = '';
  /** Writes one sheet, `rowsOf` giving each document's rows, and hands on what the zip made of it. */
  async function* sheet(
    name: string,
    header: readonly string[],
    what: string,
    rowsOf: (doc: LoupeDocument, index: OffsetIndex) => Iterable<TableCell[]>,
  ): AsyncGenerator<ExportChunk> {
    const sheet = new Sheet(workbook, name, header, cells, maxRows);
    for (const doc of source.documents()) {
      for (const row of rowsOf(doc, new OffsetIndex(doc.text))) sheet.add(row, what);
      await output.drained(sheet.pipe);
      yield* output.take();
    }
    sheet.commit();
  }
  let finished = false;
  try {
    const columns = attributeColumns(source.labels);
    yield* sheet('spans', [...CSV_HEADER, ...columns.map((c) => c.header)], 'spans', (doc, index) => {
      links += doc.links.length;
      if (doc.updatedAt > newest) newest = doc.updatedAt;
      return spanRows(doc, index, ctx.unit, columns);
    });
    if (links > 0) yield* sheet('links', LINKS_CSV_HEADER, 'links', linkRows);
    else new Sheet(workbook, 'links', LINKS_CSV_HEADER, cells, maxRows).commit();
    yield* sheet('documents', XLSX_DOCUMENTS_HEADER, 'documents', (doc, index) => [documentRow(doc, index, ctx.unit)]);

    // The workbook's dates: the newest document's, so that the same corpus gives the same file.
    const stamp = newest ? new Date(newest) : ZIP_DATE;
    workbook.created = stamp;
    workbook.modified = stamp;
    await workbook.commit();
    finished = true;
    yield* output.take();
    cells.report(ctx);
  } finally {
    // An export that failed or was abandoned stops the zip, so nothing keeps running.
    if (!finished) abort();
  }
}

/** The XLSX exporter, with its limits. */
export function xlsxExporter(options: XlsxOptions = {}): (source: ExportSource, ctx: ExportContext) => AsyncIterable<ExportChunk> {
  return (source, ctx) => xlsxChunks(source, ctx, options);
}
