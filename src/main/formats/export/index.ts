/**
 * Exports of a corpus (JSONL, JSON, CSV). An exporter turns an ExportSource into string chunks,
 * reading one document at a time; writeExportFile streams those chunks to disk so that the file at
 * the target path is either the previous one or the complete new export, never a partial one.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { ExportFormat, Label, LinkType, LoupeDocument, OffsetUnit } from '../../../shared/types';
import { bratExporter } from './brat';
import { conllExporter } from './conll';
import { csvChunks, linksCsvChunks } from './csv';
import { doccanoExporter } from './doccano';
import { labelStudioExporter } from './labelStudio';
import { w3cExporter } from './w3c';
import { jsonChunks } from './json';
import { jsonlChunks } from './jsonl';

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

const exporters = new Map<ExportFormat, Exporter>([
  ['jsonl', (source, ctx) => jsonlChunks(source, ctx.unit)],
  ['json', (source, ctx) => jsonChunks(source, ctx.unit)],
  ['csv', (source, ctx) => csvChunks(source, ctx.unit)],
  ['csv-links', (source) => linksCsvChunks(source)],
  ['brat', bratExporter],
  ['conll', conllExporter],
  ['doccano', doccanoExporter],
  ['label-studio', labelStudioExporter],
  ['w3c', w3cExporter],
]);

/** Adds (or replaces) the exporter of a format. */
export function registerExporter(format: ExportFormat, exporter: Exporter): void {
  exporters.set(format, exporter);
}

/** A context that collects losses into `losses` (what, count), in the order first seen. */
export function collectingContext(unit: OffsetUnit, losses: Map<string, number> = new Map()): ExportContext & { losses: Map<string, number> } {
  return { unit, losses, lost: (what, count = 1) => void losses.set(what, (losses.get(what) ?? 0) + count) };
}

/** The export of `source` in `format`, as chunks; offsets are counted in `unit` (or the context's). */
export function exportChunks(format: ExportFormat, source: ExportSource, unitOrContext: OffsetUnit | ExportContext): Iterable<ExportChunk> {
  const exporter = exporters.get(format);
  if (!exporter) throw new Error(`unknown export format: ${String(format)}`);
  const ctx = typeof unitOrContext === 'string' ? collectingContext(unitOrContext) : unitOrContext;
  return exporter(source, ctx);
}

/** What an export wrote. */
export interface ExportCounts {
  documents: number;
  spans: number;
  links: number;
  /** What the format could not carry, in words with counts (empty for a faithful export). */
  losses: string[];
}

/** Counts documents, spans and links as they pass through to the exporter. */
function counting(source: ExportSource, counts: ExportCounts): ExportSource {
  return {
    ...source,
    *documents() {
      for (const doc of source.documents()) {
        counts.documents++;
        counts.spans += doc.spans.length;
        counts.links += doc.links.length;
        yield doc;
      }
    },
  };
}

/** Writes every chunk, waiting for 'drain' whenever the stream's buffer is full, then for the file to close. */
async function writeAll(stream: fs.WriteStream, chunks: Iterable<ExportChunk>): Promise<void> {
  // A stream error rejects the pending once()/finished() below; events only fire while we await.
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  stream.end();
  await finished(stream);
}

/** An I/O error in words a user can act on; other errors keep their own message. */
function describe(error: unknown, target: string): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return `the folder ${path.dirname(target)} does not exist`;
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
  const target = path.resolve(file);
  const tmp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const counts: ExportCounts = { documents: 0, spans: 0, links: 0, losses: [] };
  const ctx = collectingContext(unit);
  let stream: fs.WriteStream | undefined;
  let created = false;
  try {
    const chunks = exportChunks(format, counting(source, counts), ctx);
    // 'wx': never adopt someone else's file. Opened here, not by the stream, so we know it is ours to remove.
    const fd = await promisify(fs.open)(tmp, 'wx');
    created = true;
    // The stream owns the descriptor from here; flush: fsync before it closes the file.
    stream = fs.createWriteStream(tmp, { fd, encoding: 'utf8', flush: true });
    await writeAll(stream, chunks);
    await fs.promises.rename(tmp, target);
  } catch (error) {
    if (stream && !stream.closed) {
      // The file must be closed before it can be removed (Windows refuses to delete an open file).
      const closed = once(stream, 'close').catch(() => undefined);
      stream.destroy();
      await closed;
    }
    if (created) await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`Could not export to ${target}: ${describe(error, target)}`, { cause: error });
  }
  await syncFolder(path.dirname(target));
  counts.losses = [...ctx.losses].map(([what, n]) => `${what}: ${n}`);
  return counts;
}
