/**
 * Exports of a corpus (JSONL, JSON, CSV, XLSX and other tools' formats). An exporter turns an
 * ExportSource into chunks, reading one document at a time (the XLSX exporter asynchronously: its
 * zip is a stream); writeExportFile streams those chunks to disk so that the file at the target path
 * is either the previous one or the complete new export, never a partial one.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ExportFormat, Label, LinkType, LoupeDocument, OffsetUnit } from '../../../shared/types';
import { bratExporter } from './brat';
import { conllExporter } from './conll';
import { CSV_CONTEXT, csvChunks, csvFileChunks, linksCsvChunks } from './csv';
import { doccanoExporter } from './doccano';
import { labelStudioExporter } from './labelStudio';
import { w3cExporter } from './w3c';
import { xlsxExporter } from './xlsx';
import { jsonChunks } from './json';
import { jsonlChunks } from './jsonl';
import { DocumentLosses } from './losses';

/** What an exporter reads: the corpus header and its documents, one at a time. */
export interface ExportSource {
  labels: Label[];
  linkTypes: LinkType[];
  corpusName: string;
  /** Each document with its spans sorted by start, then end. May page through a store. */
  documents(): Iterable<LoupeDocument>;
}

/** A chunk of an export: text (written as UTF-8) or bytes (a zip). */
export type ExportChunk = string | Uint8Array;

/**
 * What an exporter is told and may tell back: the offset unit, and what the format could not carry
 * (`lost('overlapping spans dropped (outermost kept)', 3)`), which the export reports.
 */
export interface ExportContext {
  unit: OffsetUnit;
  lost(what: string, count?: number): void;
}

/** An exporter: the source in, chunks out, one document at a time. */
export type Exporter = (source: ExportSource, ctx: ExportContext) => Iterable<ExportChunk>;

/**
 * The source with what the spans CSV cannot carry counted as each document passes, and reported once
 * the last has: the documents' texts (a row holds a span's text and some context), the documents
 * without spans (no row names them), and their notes and metadata.
 */
function csvLossesCounted(source: ExportSource, ctx: ExportContext): ExportSource {
  return {
    ...source,
    *documents() {
      let texts = 0;
      let spanless = 0;
      const documentLosses = new DocumentLosses(['note', 'meta']);
      for (const doc of source.documents()) {
        if (doc.text !== '') texts++;
        if (doc.spans.length === 0) spanless++;
        documentLosses.add(doc);
        yield doc;
      }
      if (texts > 0) ctx.lost(`document texts (a row holds its span's text and ${CSV_CONTEXT} characters on each side)`, texts);
      if (spanless > 0) ctx.lost('documents without spans (a row is a span: their titles and statuses are not in the file)', spanless);
      documentLosses.report(ctx);
    },
  };
}

/** An exporter whose chunks come asynchronously (a format written through a stream: XLSX). */
export type AsyncExporter = (source: ExportSource, ctx: ExportContext) => AsyncIterable<ExportChunk>;

/** The formats whose exporters are synchronous: their chunks can be taken in a plain loop. */
export type SyncExportFormat = Exclude<ExportFormat, 'xlsx'>;

const exporters = new Map<ExportFormat, Exporter | AsyncExporter>([
  ['jsonl', (source, ctx) => jsonlChunks(source, ctx.unit)],
  ['json', (source, ctx) => jsonChunks(source, ctx.unit)],
  ['csv', (source, ctx) => csvChunks(csvLossesCounted(source, ctx), ctx.unit)],
  ['csv-links', (source) => linksCsvChunks(source)],
  ['brat', bratExporter],
  ['conll', conllExporter],
  ['doccano', doccanoExporter],
  ['label-studio', labelStudioExporter],
  ['w3c', w3cExporter],
  ['xlsx', xlsxExporter()],
]);

/** Adds (or replaces) the exporter of a format. */
export function registerExporter(format: ExportFormat, exporter: Exporter | AsyncExporter): void {
  exporters.set(format, exporter);
}

/** A context that collects losses into `losses` (what, count), in the order first seen. */
export function collectingContext(unit: OffsetUnit, losses: Map<string, number> = new Map()): ExportContext & { losses: Map<string, number> } {
  return { unit, losses, lost: (what, count = 1) => void losses.set(what, (losses.get(what) ?? 0) + count) };
}

/** The export of `source` in `format`, as chunks; offsets are counted in `unit` (or the context's). */
export function exportChunks(format: SyncExportFormat, source: ExportSource, unitOrContext: OffsetUnit | ExportContext): Iterable<ExportChunk>;
export function exportChunks(
  format: ExportFormat,
  source: ExportSource,
  unitOrContext: OffsetUnit | ExportContext,
): Iterable<ExportChunk> | AsyncIterable<ExportChunk>;
export function exportChunks(
  format: ExportFormat,
  source: ExportSource,
  unitOrContext: OffsetUnit | ExportContext,
): Iterable<ExportChunk> | AsyncIterable<ExportChunk> {
  const exporter = exporters.get(format);
  if (!exporter) throw new Error(`unknown export format: ${String(format)}`);
  const ctx = typeof unitOrContext === 'string' ? collectingContext(unitOrContext) : unitOrContext;
  return exporter(source, ctx);
}

/** Whether chunks come asynchronously. */
const isAsync = <T>(chunks: Iterable<T> | AsyncIterable<T>): chunks is AsyncIterable<T> => Symbol.asyncIterator in chunks;

/** The whole export of `source` in `format`, as bytes (tests, and callers that want it in memory). */
export async function exportBytes(format: ExportFormat, source: ExportSource, unitOrContext: OffsetUnit | ExportContext): Promise<Buffer> {
  const parts: Buffer[] = [];
  const add = (chunk: ExportChunk) => parts.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  const chunks = exportChunks(format, source, unitOrContext);
  if (isAsync(chunks)) for await (const chunk of chunks) add(chunk);
  else for (const chunk of chunks) add(chunk);
  return Buffer.concat(parts);
}

/** What an export wrote. */
export interface ExportCounts {
  documents: number;
  spans: number;
  links: number;
  /** What the format could not carry, in words with counts (empty for a faithful export). */
  losses: string[];
}

/**
 * Counts documents, spans and links as they pass through to the exporter. An exporter may read the
 * documents twice (XLSX: the spans, then the links); only the first pass counts.
 */
function counting(source: ExportSource, counts: ExportCounts): ExportSource {
  let passes = 0;
  return {
    ...source,
    *documents() {
      if (passes++ > 0) {
        yield* source.documents();
        return;
      }
      for (const doc of source.documents()) {
        counts.documents++;
        counts.spans += doc.spans.length;
        counts.links += doc.links.length;
        yield doc;
      }
    },
  };
}

/**
 * Output is gathered into buffers of this size. One is written while the next fills, so writing
 * overlaps building the export, and the event loop turns (IPC, saves) between buffers.
 */
const WRITE_BUFFER_SIZE = 1 << 20;

/**
 * An export failed and wrote nothing: `io` when the disk refused (a missing folder, no permission, a
 * full disk), else what was asked cannot be exported (a format's limit, an unknown format).
 */
export class ExportError extends Error {
  constructor(
    message: string,
    readonly io: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExportError';
  }
}

/** An I/O error on one of the files an export writes, naming that file. */
class ExportFileError extends Error {
  constructor(
    readonly target: string,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/** Runs a file operation, naming `target` in its error. */
async function onFile<T>(target: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new ExportFileError(target, error);
  }
}

/**
 * One file of an export being written: a temporary file beside its target, filled through two
 * reusable buffers (strings are encoded into them in place, not each into a Buffer of its own), so
 * memory stays at two buffers whatever the size of the export.
 */
class ExportFileWriter {
  readonly tmp: string;
  private handle: fs.promises.FileHandle | undefined;
  private buffer: Buffer = Buffer.allocUnsafe(WRITE_BUFFER_SIZE);
  private spare: Buffer | undefined;
  private used = 0;
  /** The write in flight; the buffer it writes is `spare`, free again once it settles. */
  private writing: Promise<void> | undefined;

  constructor(readonly target: string) {
    this.tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  }

  /** Creates the temporary file. 'wx': never adopt someone else's file, so the file is ours to remove. */
  async open(): Promise<void> {
    this.handle = await onFile(this.target, () => fs.promises.open(this.tmp, 'wx'));
  }

  /** Adds a chunk; returns a promise to await before the next chunk when a full buffer had to be handed over. */
  add(chunk: ExportChunk): Promise<void> | undefined {
    // A UTF-16 unit is at most 3 bytes of UTF-8: a string that passes this check is never cut.
    const bound = typeof chunk === 'string' ? chunk.length * 3 : chunk.length;
    if (bound > this.buffer.length - this.used) return this.addAfterFlush(chunk, bound);
    if (typeof chunk === 'string') this.used += this.buffer.write(chunk, this.used);
    else {
      this.buffer.set(chunk, this.used);
      this.used += chunk.length;
    }
    return undefined;
  }

  /** Writes what is buffered, waits for it, and fsyncs the file. */
  async finish(): Promise<void> {
    await this.flush();
    await this.writing;
    await onFile(this.target, () => this.handle!.sync());
  }

  /** Closes the file, once a write still in flight has settled. */
  async close(): Promise<void> {
    await this.writing?.catch(() => undefined);
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async addAfterFlush(chunk: ExportChunk, bound: number): Promise<void> {
    await this.flush();
    if (bound <= this.buffer.length) {
      this.add(chunk);
      return;
    }
    // Larger than a buffer (a document of megabytes): written as it is, after the write in flight.
    await this.writing;
    await this.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }

  /** Hands the filled buffer to a write, once the previous write is done, and goes on with the other buffer. */
  private async flush(): Promise<void> {
    await this.writing;
    if (this.used === 0) return;
    const full = this.buffer;
    const length = this.used;
    this.buffer = this.spare ?? Buffer.allocUnsafe(WRITE_BUFFER_SIZE);
    this.spare = full;
    this.used = 0;
    this.writing = this.write(full.subarray(0, length));
    // Awaited by the next flush; until then a failure must not count as an unhandled rejection.
    this.writing.catch(() => undefined);
  }

  private write(data: Uint8Array): Promise<void> {
    return onFile(this.target, async () => {
      for (let offset = 0; offset < data.length; ) {
        offset += (await this.handle!.write(data, offset, data.length - offset)).bytesWritten;
      }
    });
  }
}

/** An I/O error in words a user can act on; other errors keep their own message. */
function describe(error: unknown, target: string): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return `the folder ${path.dirname(target)} does not exist`;
    case 'ENOTDIR':
      return `a part of ${path.dirname(target)} is a file, not a folder`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'EBUSY':
      return 'permission denied (the folder may be read-only, or the file open in another program)';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EISDIR':
      return `${target} is a folder`;
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Makes the rename itself durable; directories cannot be opened for this on Windows. */
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the data itself is already synced; some file systems refuse fsync on a folder.
  }
}

/** True while a process with this id runs (one we may not signal counts as running). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files an export to `target` left when its process was killed (they carry
 * that process's id): an export that crashed must not litter the folder for good.
 */
async function removeStaleTemporaries(target: string): Promise<void> {
  const prefix = `.${path.basename(target)}.`;
  let names: string[];
  try {
    names = await fs.promises.readdir(path.dirname(target));
  } catch {
    return; // the export itself reports a missing folder
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (!match || Number(match[1]) === process.pid || processRuns(Number(match[1]))) continue;
    await fs.promises.rm(path.join(path.dirname(target), name), { force: true }).catch(() => undefined);
  }
}

/** Chunks, each tagged with the index of its file. */
type FileChunks = Iterable<readonly [file: number, chunk: ExportChunk]> | AsyncIterable<readonly [file: number, chunk: ExportChunk]>;

/** Tags an exporter's chunks as those of the first file. */
function* tagSync(chunks: Iterable<ExportChunk>): Generator<readonly [0, ExportChunk]> {
  for (const chunk of chunks) yield [0, chunk];
}

/** Tags an asynchronous exporter's chunks as those of the first file. */
async function* tagAsync(chunks: AsyncIterable<ExportChunk>): AsyncGenerator<readonly [0, ExportChunk]> {
  for await (const chunk of chunks) yield [0, chunk];
}

/**
 * Writes the chunks `makeChunks` gives (called once the files are open), each tagged with the index
 * of its file in `targets`, to those files atomically: each goes to a temporary file in the same
 * folder, and only when all are complete and fsynced are they renamed over their targets. On failure the temporary files are removed, existing files are
 * left untouched, and an Error naming the target and the cause is thrown.
 */
async function writeFilesAtomically(targets: readonly string[], makeChunks: () => FileChunks): Promise<void> {
  const files = targets.map((target) => new ExportFileWriter(target));
  const created: ExportFileWriter[] = [];
  for (const target of targets) await removeStaleTemporaries(target);
  try {
    for (const file of files) {
      await file.open();
      created.push(file);
    }
    const chunks = makeChunks();
    // A plain loop for synchronous exporters: `for await` would cost a promise per chunk (per CSV row).
    if (isAsync(chunks)) {
      for await (const [index, chunk] of chunks) await files[index]!.add(chunk);
    } else {
      for (const [index, chunk] of chunks) {
        const wait = files[index]!.add(chunk);
        if (wait) await wait;
      }
    }
    for (const file of files) await file.finish();
    for (const file of files) await file.close();
    for (const file of files) await onFile(file.target, () => fs.promises.rename(file.tmp, file.target));
  } catch (error) {
    // Each file must be closed before it can be removed (Windows refuses to delete an open file).
    for (const file of created) {
      await file.close().catch(() => undefined);
      await fs.promises.rm(file.tmp, { force: true }).catch(() => undefined);
    }
    const target = error instanceof ExportFileError ? error.target : files[0]!.target;
    const cause = error instanceof ExportFileError ? error.error : error;
    throw new ExportError(`Could not export to ${target}: ${describe(cause, target)}`, error instanceof ExportFileError, { cause });
  }
  for (const dir of new Set(files.map((f) => path.dirname(f.target)))) await syncFolder(dir);
}

/**
 * Writes the export to `file` atomically: a temporary file in the same folder, fsynced, then renamed
 * over the target. On failure the temporary file is removed, an existing file is left untouched, and
 * an Error naming the target and the cause is thrown.
 */
export async function writeExportFile(
  file: string,
  format: ExportFormat,
  source: ExportSource,
  unit: OffsetUnit,
): Promise<ExportCounts> {
  const counts: ExportCounts = { documents: 0, spans: 0, links: 0, losses: [] };
  const ctx = collectingContext(unit);
  // Called as the file is written, so that an unknown format fails as an export error too.
  await writeFilesAtomically([path.resolve(file)], () => {
    const chunks = exportChunks(format, counting(source, counts), ctx);
    return isAsync(chunks) ? tagAsync(chunks) : tagSync(chunks);
  });
  counts.losses = [...ctx.losses].map(([what, n]) => `${what}: ${n}`);
  return counts;
}

/** How much text a stream export gathers before each write. */
const STREAM_BATCH_CHARS = 1 << 16;

/**
 * Writes the export to a stream (the CLI's stdout), waiting whenever the stream asks to. Not atomic:
 * what a failure leaves is the reader's to discard, as with any pipe. A reader that goes away (EPIPE)
 * ends the export early with `closed` set.
 */
export async function writeExportStream(
  out: NodeJS.WritableStream,
  format: ExportFormat,
  source: ExportSource,
  unit: OffsetUnit,
): Promise<ExportCounts & { closed: boolean }> {
  const counts: ExportCounts = { documents: 0, spans: 0, links: 0, losses: [] };
  const ctx = collectingContext(unit);
  let failure: NodeJS.ErrnoException | undefined;
  const onError = (error: NodeJS.ErrnoException): void => {
    failure ??= error;
  };
  out.on('error', onError);
  const write = async (chunk: string | Uint8Array): Promise<void> => {
    if (failure) return;
    if (!out.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          out.off('drain', done);
          out.off('error', done);
          resolve();
        };
        out.on('drain', done);
        out.on('error', done);
      });
    }
  };
  try {
    let pending: string[] = [];
    let size = 0;
    for await (const chunk of exportChunks(format, counting(source, counts), ctx)) {
      if (failure) break;
      if (typeof chunk === 'string') {
        pending.push(chunk);
        size += chunk.length;
        if (size < STREAM_BATCH_CHARS) continue;
      }
      await write(pending.join(''));
      pending = [];
      size = 0;
      if (typeof chunk !== 'string') await write(chunk);
    }
    if (pending.length) await write(pending.join(''));
  } finally {
    out.off('error', onError);
  }
  if (failure && failure.code !== 'EPIPE') throw new ExportError(`Could not write the export: ${failure.message}`, true, { cause: failure });
  counts.losses = [...ctx.losses].map(([what, n]) => `${what}: ${n}`);
  return { ...counts, closed: failure !== undefined };
}

/**
 * Writes both files of the CSV export, the spans CSV at `file` and the links CSV at `linksFile`, from
 * one pass over the documents: the corpus is read once, and each document's links come from the same
 * read as its spans. Atomic as writeExportFile is: both files are renamed into place only when both
 * are complete.
 */
export async function writeCsvExport(file: string, linksFile: string, source: ExportSource, unit: OffsetUnit): Promise<ExportCounts> {
  const counts: ExportCounts = { documents: 0, spans: 0, links: 0, losses: [] };
  const ctx = collectingContext(unit);
  await writeFilesAtomically([path.resolve(file), path.resolve(linksFile)], () => csvFileChunks(csvLossesCounted(counting(source, counts), ctx), unit));
  counts.losses = [...ctx.losses].map(([what, n]) => `${what}: ${n}`);
  return counts;
}
