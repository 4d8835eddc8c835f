/**
 * Loupe reads and replaces regular files only. A device (/dev/zero, /dev/urandom) never ends, a named
 * pipe (FIFO) blocks until someone writes to it, and an export renamed over a symbolic link, a FIFO
 * or a device replaces it with a regular file. Every path Loupe reads for an import, a schema file or
 * a corpus, and every file it replaces, goes through here.
 */
import fs from 'node:fs';
import type { ErrorReason } from '../../shared/errors';

/** A path that is not a regular file, or a file too large to read; the message names it. */
export class FileKindError extends Error {
  constructor(
    message: string,
    readonly reason: ErrorReason,
  ) {
    super(message);
    this.name = 'FileKindError';
  }
}

/** What a path that is not a regular file is (the key of its name in the UI strings: `fileKind.…`). */
export type FileKind = 'folder' | 'symlink' | 'fifo' | 'device' | 'socket' | 'other';

const KIND_WORDS: Record<FileKind, string> = {
  folder: 'a folder',
  symlink: 'a symbolic link',
  fifo: 'a named pipe (FIFO)',
  device: 'a device',
  socket: 'a socket',
  other: 'a special file',
};

/** What a file that is not a regular file is; null for a regular file. */
export function irregularKind(stat: fs.Stats): FileKind | null {
  if (stat.isFile()) return null;
  if (stat.isDirectory()) return 'folder';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'device';
  if (stat.isSocket()) return 'socket';
  return 'other';
}

/** The error for `file`, which is a `kind` (see irregularKind), about to be read or replaced. */
export function notRegular(file: string, kind: FileKind, doing: 'read' | 'replace'): FileKindError {
  const what = doing === 'read' ? 'Loupe reads regular files only' : 'Loupe replaces regular files only, so choose another name';
  return new FileKindError(`${file} is ${KIND_WORDS[kind]}, not a regular file; ${what}`, {
    key: doing === 'read' ? 'error.notRegularFile' : 'error.notRegularTarget',
    params: { path: file, kind },
  });
}

/** The limit a read is held to, with its size in MB and its name for the message ("the 64 MB import limit"). */
export interface ReadLimit {
  bytes: number;
  mb: number;
  name: string;
}

// Opening a FIFO for reading blocks until a writer comes; non-blocking, it returns at once and is
// then refused by its kind. Windows has no such flag (and no FIFOs in the file system).
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * An open that failed: a socket cannot be opened at all (ENXIO), so say what it is, as for the
 * kinds refused after opening; any other failure stays as it was.
 */
function openFailed(file: string, error: unknown): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'ENXIO') return error;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  const kind = stat && irregularKind(stat);
  return kind ? notRegular(file, kind, 'read') : error;
}

function tooLarge(limit: ReadLimit): FileKindError {
  return new FileKindError(`the file is larger than the ${limit.mb} MB ${limit.name} limit`, { key: 'error.fileTooLarge', params: { limit: limit.mb } });
}

/**
 * Reads a regular file whole, refusing anything else (a folder, a device, a FIFO, a socket) and a file
 * above the limit, before reading any of it. A file that grows while it is read is refused once it
 * passes the limit, never read without end.
 */
export function readRegularFileSync(file: string, limit: ReadLimit): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (error) {
    throw openFailed(file, error);
  }
  try {
    const reader = new LimitedReader(file, limit);
    reader.start(fs.fstatSync(fd));
    for (let chunk = reader.next(); chunk; chunk = reader.next()) {
      reader.got(fs.readSync(fd, chunk, 0, chunk.length, reader.length));
    }
    return reader.result();
  } finally {
    fs.closeSync(fd);
  }
}

/** readRegularFileSync, without holding the event loop for the read. */
export async function readRegularFile(file: string, limit: ReadLimit): Promise<Buffer> {
  const handle = await fs.promises.open(file, OPEN_FLAGS).catch((error: unknown) => {
    throw openFailed(file, error);
  });
  try {
    const reader = new LimitedReader(file, limit);
    reader.start(await handle.stat());
    for (let chunk = reader.next(); chunk; chunk = reader.next()) {
      reader.got((await handle.read(chunk, 0, chunk.length, reader.length)).bytesRead);
    }
    return reader.result();
  } finally {
    await handle.close();
  }
}

/** The bookkeeping of a bounded read, shared by the sync and async readers. */
class LimitedReader {
  private readonly full: Buffer[] = [];
  private buffer = Buffer.alloc(0);
  private filled = 0;
  private done = false;
  /** Bytes read so far: where the next read starts. */
  length = 0;

  constructor(
    private readonly file: string,
    private readonly limit: ReadLimit,
  ) {}

  /** Checks the opened file's kind and size, before a byte is read. */
  start(stat: fs.Stats): void {
    const kind = irregularKind(stat);
    if (kind) throw notRegular(this.file, kind, 'read');
    if (stat.size > this.limit.bytes) throw tooLarge(this.limit);
    // One byte more than its size: a read that fills it means the file grew since.
    this.buffer = Buffer.allocUnsafe(stat.size + 1);
  }

  /** Where the next read goes; undefined once the end was reached. */
  next(): Buffer | undefined {
    if (this.done) return undefined;
    if (this.filled === this.buffer.length) {
      this.full.push(this.buffer);
      this.buffer = Buffer.allocUnsafe(1 << 16);
      this.filled = 0;
    }
    return this.buffer.subarray(this.filled);
  }

  /** Records a read of `count` bytes into what `next` gave. */
  got(count: number): void {
    if (count === 0) {
      this.done = true;
      return;
    }
    this.filled += count;
    this.length += count;
    if (this.length > this.limit.bytes) throw tooLarge(this.limit);
  }

  /** The bytes read. */
  result(): Buffer {
    const last = this.buffer.subarray(0, this.filled);
    return this.full.length === 0 ? last : Buffer.concat([...this.full, last], this.length);
  }
}

/**
 * Refuses a target Loupe would replace (by renaming a new file over it) when it exists and is not a
 * regular file: a symbolic link, a FIFO, a device or a folder would become a regular file.
 */
export function checkReplaceable(file: string): void {
  const stat = statOf(file, fs.lstatSync);
  const kind = stat && irregularKind(stat);
  if (kind) throw notRegular(file, kind, 'replace');
}

/** What is at `file`; undefined when nothing is (or a part of its folder is a file: the write says so). */
function statOf(file: string, stat: typeof fs.lstatSync): fs.Stats | undefined {
  try {
    return stat(file, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}
