/**
 * Opening a corpus file: refuse what is not a Loupe corpus (or is from a newer Loupe) before
 * anything is written, then set the pragmas and run pending migrations.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { ErrorReason } from '../../shared/errors';
import { migrate, NewerSchemaError, SCHEMA_VERSION } from './migrations';

/** 'LOUP' in ASCII: marks the SQLite file as a Loupe corpus. */
export const LOUPE_APPLICATION_ID = 0x4c4f5550;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** A corpus file could not be opened; the message is for the user and the file was not changed. */
export class CorpusOpenError extends Error {
  constructor(
    message: string,
    readonly reason?: ErrorReason,
  ) {
    super(message);
    this.name = 'CorpusOpenError';
  }
}

export interface OpenOptions {
  /** Create the file when it does not exist. */
  create: boolean;
}

function checkHeader(path: string): void {
  const fd = fs.openSync(path, 'r');
  try {
    const header = Buffer.alloc(16);
    const read = fs.readSync(fd, header, 0, 16, 0);
    if (read === 0) return; // an empty file is a fresh database to SQLite
    if (read < 16 || !header.equals(SQLITE_HEADER)) {
      throw new CorpusOpenError(`${path} is not a Loupe corpus (it is not an SQLite database).`, { key: 'error.notCorpus', params: { path } });
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Maps SQLite's complaints about a file to a message for the user. */
function describeOpenError(path: string, error: unknown): Error {
  if (error instanceof CorpusOpenError || error instanceof NewerSchemaError) return error;
  const message = (error as Error).message;
  if (/not a database|malformed|file is encrypted/i.test(message)) {
    return new CorpusOpenError(`${path} is damaged or not a Loupe corpus (${message}).`, { key: 'error.damaged', params: { path } });
  }
  return new CorpusOpenError(`cannot open ${path}: ${message}`, { key: 'error.cannotOpen', params: { path, detail: message } });
}

/** Checks, read-only, that an existing file is a Loupe corpus this version can read; returns its schema version. */
function inspect(path: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (appId !== LOUPE_APPLICATION_ID && (appId !== 0 || tables.n > 0)) {
      throw new CorpusOpenError(`${path} is an SQLite database but not a Loupe corpus.`, { key: 'error.notCorpus', params: { path } });
    }
    if (version > SCHEMA_VERSION) throw new NewerSchemaError(version);
    return version;
  } catch (error) {
    throw describeOpenError(path, error);
  } finally {
    db?.close();
  }
}

/** Opens (or creates) a corpus database at the current schema version. */
export function openDatabase(path: string, options: OpenOptions): Database.Database {
  const exists = fs.existsSync(path);
  if (!exists && !options.create) throw new CorpusOpenError(`no corpus at ${path}.`, { key: 'error.noCorpus', params: { path } });
  if (exists) {
    if (fs.statSync(path).isDirectory()) throw new CorpusOpenError(`${path} is a folder, not a corpus file.`, { key: 'error.notCorpus', params: { path } });
    checkHeader(path);
  }
  // The checks run on a read-only connection: closing a read-write one would checkpoint a pending
  // WAL into the file, and a foreign or newer corpus must be left exactly as it was.
  const version = exists && fs.statSync(path).size > 0 ? inspect(path) : 0;
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: !options.create });
  } catch (error) {
    throw describeOpenError(path, error);
  }
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk when the API acknowledges it, even if the machine then loses power.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (version < SCHEMA_VERSION) {
      // One transaction: a file is either fully migrated and marked as Loupe's, or untouched.
      db.transaction(() => {
        migrate(db);
        db.pragma(`application_id = ${LOUPE_APPLICATION_ID}`);
      }).immediate();
    }
    return db;
  } catch (error) {
    db.close();
    throw describeOpenError(path, error);
  }
}
