/**
 * Every file Loupe writes (settings, schema files, exports, backups, copies of a corpus) is written so
 * that its name shows the old content or the whole new one, never a part. One rule for all of them:
 *
 * - the new content goes to a temporary file beside the target, `.<target name>.<pid>.<12 hex>.tmp`,
 *   created exclusively (never someone else's file, so it is ours to remove); SQLite may keep its
 *   `-wal`, `-shm` or `-journal` beside one while it writes a copy of a corpus;
 * - the temporary file is fsynced, then renamed over the target, then the folder is fsynced so that
 *   the rename itself survives a power cut (best effort: Windows cannot open a folder for it);
 * - on failure the temporary file is removed and the target is left as it was;
 * - a process killed mid-write leaves its temporary file; the next write to the same target (or, in
 *   a folder Loupe owns, the next write to any file there) removes those of processes no longer
 *   running.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A chunk of a streamed file: text (written as UTF-8) or bytes. */
export type FileChunk = string | Uint8Array;

/** A file operation failed on one of the targets written; `target` names it, `error` is the cause. */
export class AtomicWriteError extends Error {
  constructor(
    readonly target: string,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
    this.name = 'AtomicWriteError';
  }
}

/** The temporary file a write to `target` goes through (unique to this write). */
export function temporaryPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

// Greedy on the name: the tail (pid, 12 hex, .tmp, SQLite's suffix) has a fixed shape.
const TEMPORARY = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp(?:-wal|-shm|-journal)?$/;

/** True while a process with this id runs (one we may not signal counts as running). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The names among `names` that are temporaries of `targetName` (of any target when undefined) whose process is gone. */
function staleTemporaries(names: readonly string[], targetName: string | undefined): string[] {
  return names.filter((name) => {
    const match = TEMPORARY.exec(name);
    if (!match || (targetName !== undefined && match[1] !== targetName)) return false;
    const pid = Number(match[2]);
    return pid !== process.pid && !processRuns(pid);
  });
}

/**
 * Removes the temporaries that killed processes left for `target`; with `{ anyTarget: true }`, those
 * of every file in its folder (a folder Loupe owns, such as a corpus's backups).
 */
export function removeStaleTemporariesSync(target: string, options: { anyTarget?: boolean } = {}): void {
  const dir = path.dirname(target);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // the write itself reports a missing folder
  }
  for (const name of staleTemporaries(names, options.anyTarget ? undefined : path.basename(target))) {
    fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** removeStaleTemporariesSync for one target, without holding the event loop. */
export async function removeStaleTemporaries(target: string): Promise<void> {
  const dir = path.dirname(target);
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return;
  }
  for (const name of staleTemporaries(names, path.basename(target))) {
    await fs.promises.rm(path.join(dir, name), { force: true }).catch(() => undefined);
  }
}

/** Flushes what was written to `file` (a file, or a folder's entries) to the disk. */
function fsyncPath(file: string, flags: string): void {
  const fd = fs.openSync(file, flags);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a rename in `dir` durable; best effort (Windows cannot open a folder, some file systems refuse). */
function syncFolderSync(dir: string): void {
  if (process.platform === 'win32') return;
  try {
    fsyncPath(dir, 'r');
  } catch {
    // The data is synced already; only the rename's durability is left to the file system.
  }
}

/** syncFolderSync without holding the event loop. */
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
    // As in syncFolderSync.
  }
}

/** Removes a temporary file and the files SQLite may have made beside it. */
function removeTemporarySync(tmp: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${tmp}${suffix}`, { force: true });
}

/** Removes a temporary file when `run` throws, and throws on. */
function orRemove<T>(tmp: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    removeTemporarySync(tmp);
    throw error;
  }
}

/** The end of every replacement: the temporary file synced, renamed over the target, the rename synced. */
function land(tmp: string, target: string): void {
  orRemove(tmp, () => {
    fsyncPath(tmp, 'r+');
    fs.renameSync(tmp, target);
  });
  syncFolderSync(path.dirname(target));
}

/**
 * Replaces (or creates) `target` with what `fill` writes to the temporary path it is given, by the
 * rule above. `fill` must create that file; whatever it throws leaves the target as it was.
 */
export function replaceFileSync(target: string, fill: (tmp: string) => void): void {
  removeStaleTemporariesSync(target);
  const tmp = temporaryPath(target);
  orRemove(tmp, () => fill(tmp));
  land(tmp, target);
}

/**
 * replaceFileSync with an asynchronous `fill` (SQLite's online backup). Once `fill` is done the rest
 * runs without yielding, so the caller's next step (pruning old backups) follows the rename at once.
 */
export async function replaceFile(target: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  await removeStaleTemporaries(target);
  const tmp = temporaryPath(target);
  try {
    await fill(tmp);
  } catch (error) {
    removeTemporarySync(tmp);
    throw error;
  }
  land(tmp, target);
}

/** Writes a small file whole: readers see the old content or the new one, never half of it. */
export function writeFileAtomicSync(target: string, content: string | Uint8Array): void {
  replaceFileSync(target, (tmp) => fs.writeFileSync(tmp, content, { flag: 'wx' }));
}

/** Copies `source` to `target` so that `target` is either as it was or the whole copy. */
export function copyFileAtomicSync(source: string, target: string): void {
  replaceFileSync(target, (tmp) => fs.copyFileSync(source, tmp, fs.constants.COPYFILE_EXCL));
}

/**
 * Output is gathered into buffers of this size. One is written while the next fills, so writing
 * overlaps producing the content, and the event loop turns (IPC, saves) between buffers.
 */
const WRITE_BUFFER_SIZE = 1 << 20;

/** Runs a file operation on `target`'s behalf, naming it in its error. */
async function onFile<T>(target: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw error instanceof AtomicWriteError ? error : new AtomicWriteError(target, error);
  }
}

/**
 * One streamed file being written: its temporary file, filled through two reusable buffers (strings
 * are encoded into them in place, not each into a Buffer of its own), so memory stays at two buffers
 * whatever the size of the file.
 */
class StreamedFile {
  readonly tmp: string;
  private handle: fs.promises.FileHandle | undefined;
  private buffer: Buffer = Buffer.allocUnsafe(WRITE_BUFFER_SIZE);
  private spare: Buffer | undefined;
  private used = 0;
  /** The write in flight; the buffer it writes is `spare`, free again once it settles. */
  private writing: Promise<void> | undefined;

  constructor(readonly target: string) {
    this.tmp = temporaryPath(target);
  }

  /** Creates the temporary file ('wx': never adopt someone else's file). */
  async open(): Promise<void> {
    this.handle = await onFile(this.target, () => fs.promises.open(this.tmp, 'wx'));
  }

  /** Adds a chunk; returns a promise to await before the next chunk when a full buffer had to be handed over. */
  add(chunk: FileChunk): Promise<void> | undefined {
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

  /** Writes what is buffered, waits for it, fsyncs and closes the file. */
  async finish(): Promise<void> {
    await this.flush();
    await this.writing;
    await onFile(this.target, () => this.handle!.sync());
    await onFile(this.target, () => this.close());
  }

  /** Closes the file, once a write still in flight has settled. */
  async close(): Promise<void> {
    await this.writing?.catch(() => undefined);
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async addAfterFlush(chunk: FileChunk, bound: number): Promise<void> {
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

/** Chunks, each tagged with the index of its file. */
export type TaggedChunks = Iterable<readonly [file: number, chunk: FileChunk]> | AsyncIterable<readonly [file: number, chunk: FileChunk]>;

/** Whether chunks come asynchronously. */
export const isAsync = <T>(chunks: Iterable<T> | AsyncIterable<T>): chunks is AsyncIterable<T> => Symbol.asyncIterator in chunks;

/**
 * Streams the chunks `makeChunks` gives (called once the files are open), each tagged with the index
 * of its file in `targets`, to those files by the rule above; they are renamed over their targets only
 * when all are complete and fsynced. A file operation that fails throws an AtomicWriteError naming
 * its target; whatever the chunks throw is thrown as it is. Either way nothing is left behind.
 */
export async function writeFilesAtomically(targets: readonly string[], makeChunks: () => TaggedChunks): Promise<void> {
  const files = targets.map((target) => new StreamedFile(target));
  const created: StreamedFile[] = [];
  for (const target of targets) await removeStaleTemporaries(target);
  try {
    for (const file of files) {
      await file.open();
      created.push(file);
    }
    const chunks = makeChunks();
    // A plain loop for synchronous chunks: `for await` would cost a promise per chunk (per CSV row).
    if (isAsync(chunks)) {
      for await (const [index, chunk] of chunks) await files[index]!.add(chunk);
    } else {
      for (const [index, chunk] of chunks) {
        const wait = files[index]!.add(chunk);
        if (wait) await wait;
      }
    }
    for (const file of files) await file.finish();
    for (const file of files) await onFile(file.target, () => fs.promises.rename(file.tmp, file.target));
  } catch (error) {
    // Each file must be closed before it can be removed (Windows refuses to delete an open file).
    for (const file of created) {
      await file.close().catch(() => undefined);
      await fs.promises.rm(file.tmp, { force: true }).catch(() => undefined);
    }
    throw error;
  }
  for (const dir of new Set(files.map((f) => path.dirname(f.target)))) await syncFolder(dir);
}
