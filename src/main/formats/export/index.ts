/**
 * Exports of a corpus (JSONL, JSON, CSV, XLSX and other tools' formats). An exporter turns an
 * ExportSource into chunks, reading one document at a time (the XLSX exporter asynchronously: its
 * zip is a stream); writeExportFile streams those chunks to disk so that the file at the target path
 * is either the previous one or the complete new export, never a partial one.
 */
import path from 'node:path';
import type { ExportFormat, OffsetUnit } from '../../../shared/types';
import { AtomicWriteError, isAsync, writeFilesAtomically, type TaggedChunks } from '../../files/atomicFile';
import type { AsyncExporter, ExportChunk, ExportContext, ExportCounts, Exporter, ExportSource, SyncExportFormat } from './types';
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

export type { AsyncExporter, ExportChunk, ExportContext, ExportCounts, Exporter, ExportSource, SyncExportFormat } from './types';

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

/** The whole export of `source` in `format`, as bytes (tests, and callers that want it in memory). */
export async function exportBytes(format: ExportFormat, source: ExportSource, unitOrContext: OffsetUnit | ExportContext): Promise<Buffer> {
  const parts: Buffer[] = [];
  const add = (chunk: ExportChunk) => parts.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  const chunks = exportChunks(format, source, unitOrContext);
  if (isAsync(chunks)) for await (const chunk of chunks) add(chunk);
  else for (const chunk of chunks) add(chunk);
  return Buffer.concat(parts);
}

/** Formats with room for one annotator's layer only (one tag column). */
const ONE_LAYER_FORMATS: readonly ExportFormat[] = ['conll'];

/**
 * What an export in `format` takes of `source`: a format that holds one layer, not told which layers
 * to take, takes the corpus's gold layer alone (when it has one), and says what it left out.
 */
function narrowed(format: ExportFormat, source: ExportSource, ctx: ExportContext): ExportSource {
  if (!ONE_LAYER_FORMATS.includes(format) || source.layersChosen || !source.goldLayers?.length) return source;
  const gold = new Set(source.goldLayers);
  const what = `spans of the annotators' layers left out (${format} holds one layer: the gold layer ${[...gold].join(', ')}; choose the layers to export others)`;
  return {
    ...source,
    *documents() {
      for (const doc of source.documents()) {
        const spans = doc.spans.filter((s) => s.annotator !== null && gold.has(s.annotator));
        if (spans.length < doc.spans.length) ctx.lost(what, doc.spans.length - spans.length);
        const kept = new Set(spans.map((s) => s.id));
        yield { ...doc, spans, links: doc.links.filter((l) => kept.has(l.from) && kept.has(l.to)) };
      }
    },
  };
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

/** Tags an exporter's chunks as those of the first file. */
function* tagSync(chunks: Iterable<ExportChunk>): Generator<readonly [0, ExportChunk]> {
  for (const chunk of chunks) yield [0, chunk];
}

/** Tags an asynchronous exporter's chunks as those of the first file. */
async function* tagAsync(chunks: AsyncIterable<ExportChunk>): AsyncGenerator<readonly [0, ExportChunk]> {
  for await (const chunk of chunks) yield [0, chunk];
}

/**
 * Writes an export's files through the atomic-file module (all renamed into place once all are
 * complete); a failure becomes an ExportError naming the target and the cause.
 */
async function writeExportFiles(targets: readonly string[], makeChunks: () => TaggedChunks): Promise<void> {
  try {
    await writeFilesAtomically(targets, makeChunks);
  } catch (error) {
    const io = error instanceof AtomicWriteError;
    const target = io ? error.target : targets[0]!;
    const cause = io ? error.error : error;
    throw new ExportError(`Could not export to ${target}: ${describe(cause, target)}`, io, { cause });
  }
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
  await writeExportFiles([path.resolve(file)], () => {
    const chunks = exportChunks(format, counting(narrowed(format, source, ctx), counts), ctx);
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
    for await (const chunk of exportChunks(format, counting(narrowed(format, source, ctx), counts), ctx)) {
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
  await writeExportFiles([path.resolve(file), path.resolve(linksFile)], () => csvFileChunks(csvLossesCounted(counting(source, counts), ctx), unit));
  counts.losses = [...ctx.losses].map(([what, n]) => `${what}: ${n}`);
  return counts;
}
