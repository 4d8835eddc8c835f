/**
 * Opening a corpus file: refuse what is not a Loupe corpus (or is from a newer Loupe) before
 * anything is written, then set the pragmas and run pending migrations.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import Database from 'better-sqlite3';
import type { ErrorReason } from '../../shared/errors';
import { irregularKind, notRegular } from '../files/regularFiles';
import { migrate, MIGRATIONS, NewerSchemaError, OLDEST_READABLE_VERSION, SCHEMA_VERSION } from './migrations';

/** 'LOUP' in ASCII: marks the SQLite file as a Loupe corpus. */
export const LOUPE_APPLICATION_ID = 0x4c4f5550;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** A corpus file could not be opened; the message is for the user and the file was not changed. */
export class CorpusOpenError extends Error {
  constructor(
    message: string,
    readonly reason?: ErrorReason,
    /** The file is a Loupe corpus that failed its integrity check: a backup may bring it back. */
    readonly damaged = false,
  ) {
    super(message);
    this.name = 'CorpusOpenError';
  }
}

export interface OpenOptions {
  /** Create the file when it does not exist. */
  create: boolean;
  /**
   * Open without ever writing to the file. A file (or folder) Loupe may not write to is opened this
   * way without being asked.
   */
  readOnly?: boolean;
  /**
   * Leave `PRAGMA integrity_check` to the caller, who runs it beside its work (services/integrityCheck;
   * a whole check of a large corpus takes a second or more) and trusts nothing it read, and commits
   * nothing, until it passed. Where opening the corpus writes (an upgrade, a switch to WAL mode, a
   * write-ahead log left over) it is checked first all the same: see `deferrable`.
   */
  deferIntegrityCheck?: boolean;
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
  if (/malformed/i.test(message)) {
    return new CorpusOpenError(`${path} is damaged (${message}).`, { key: 'error.damaged', params: { path } }, true);
  }
  if (/not a database|file is encrypted/i.test(message)) {
    return new CorpusOpenError(`${path} is damaged or not a Loupe corpus (${message}).`, { key: 'error.damaged', params: { path } });
  }
  return new CorpusOpenError(`cannot open ${path}: ${message}`, { key: 'error.cannotOpen', params: { path, detail: message } });
}

/** A schema object as `sqlite_master` lists it: `table "spans"` and what defines it. */
type SchemaShape = Map<string, string>;

/** The tables, indexes, triggers and views of a database, each with its table and its SQL (spacing ignored). */
function shapeOf(db: Database.Database): SchemaShape {
  const rows = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master').all() as { type: string; name: string; tbl_name: string; sql: string | null }[];
  return new Map(rows.map((r) => [`${r.type} "${r.name}"`, `${r.tbl_name}\n${(r.sql ?? '').replace(/\s+/g, ' ').trim()}`]));
}

let knownShapes: SchemaShape[] | undefined;

/**
 * What a corpus at each schema version holds, found by running the migrations on an empty database:
 * the list cannot drift from what Loupe makes.
 */
function knownShape(version: number): SchemaShape {
  if (!knownShapes) {
    const db = new Database(':memory:');
    try {
      const shapes = [shapeOf(db)];
      for (const m of MIGRATIONS) {
        db.exec(m.up);
        shapes.push(shapeOf(db));
      }
      knownShapes = shapes;
    } finally {
      db.close();
    }
  }
  return knownShapes[version] ?? new Map();
}

/** Statistics tables `ANALYZE` (or `PRAGMA optimize`) adds: data for the query planner, never run. */
const STATISTICS = /^table "sqlite_stat\d"$/;

/** How many objects an error message names before it says how many more there are. */
const OBJECTS_NAMED = 8;

/**
 * Refuses a corpus whose schema is not the one Loupe's migrations make for its version: a trigger or a
 * view Loupe does not know would run on Loupe's own writes (a trigger deleting documents, a recursive
 * one never ending), and a changed or missing table or index is not a corpus Loupe can keep whole.
 */
function checkShape(db: Database.Database, path: string, version: number): void {
  const expected = knownShape(version);
  const found = shapeOf(db);
  const problems: string[] = [];
  for (const [object, definition] of [...found].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (STATISTICS.test(object)) continue;
    const known = expected.get(object);
    if (known === undefined) problems.push(object);
    else if (known !== definition) problems.push(`${object} (not as Loupe makes it)`);
  }
  for (const object of expected.keys()) if (!found.has(object)) problems.push(`${object} (missing)`);
  if (problems.length === 0) return;
  const more = problems.length > OBJECTS_NAMED ? ` and ${problems.length - OBJECTS_NAMED} more` : '';
  const objects = problems.slice(0, OBJECTS_NAMED).join(', ') + more;
  throw new CorpusOpenError(
    `${path} was not opened: its database holds what Loupe does not make (${objects}). Triggers or views there would run on Loupe's own writes. The file was not changed.`,
    { key: 'error.foreignSchema', params: { path, objects } },
  );
}

/** Checks, read-only, that an existing file is a Loupe corpus this version can read; returns its schema version. */
function inspect(path: string, checkNow: (version: number, journalMode: string) => boolean): number {
  let db: Database.Database | undefined;
  try {
    db = openForReading(path);
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (appId !== LOUPE_APPLICATION_ID && (appId !== 0 || tables.n > 0)) {
      throw new CorpusOpenError(`${path} is an SQLite database but not a Loupe corpus.`, { key: 'error.notCorpus', params: { path } });
    }
    if (version > SCHEMA_VERSION) throw new NewerSchemaError(version);
    checkShape(db, path, version);
    if (appId === LOUPE_APPLICATION_ID && checkNow(version, String(db.pragma('journal_mode', { simple: true })))) checkIntegrity(db, path);
    return version;
  } catch (error) {
    throw describeOpenError(path, error);
  } finally {
    db?.close();
  }
}

/**
 * Checks, read-only, that the corpus at `path` passes `PRAGMA integrity_check`; throws the damaged
 * corpus's CorpusOpenError when it does not, naming it `shownAs` (the user's path, when `path` is a
 * snapshot copy of it). What a deferred check (OpenOptions) runs.
 */
export function checkCorpusIntegrity(path: string, shownAs = path): void {
  let db: Database.Database | undefined;
  try {
    db = openForReading(path);
    checkIntegrity(db, shownAs);
  } catch (error) {
    throw describeOpenError(shownAs, error);
  } finally {
    db?.close();
  }
}

/**
 * Refuses a corpus that fails `PRAGMA integrity_check`: opening it for writing could spread the
 * damage, so the user is offered a backup instead and the file stays as it is.
 */
function checkIntegrity(db: Database.Database, path: string): void {
  const problems = (db.pragma('integrity_check(5)') as { integrity_check: string }[]).map((r) => r.integrity_check);
  if (problems.length === 1 && problems[0] === 'ok') return;
  throw new CorpusOpenError(
    `${path} is damaged: it fails SQLite's integrity check (${problems.join('; ')}). The file was not changed.`,
    { key: 'error.damaged', params: { path } },
    true,
  );
}

/**
 * Functions that are not marked innocuous may not run from the schema (triggers, views, CHECK
 * constraints, indexes): a file's schema is data from whoever made the file.
 */
export function untrustSchema(db: Database.Database): void {
  db.pragma('trusted_schema = OFF');
}

/**
 * A read-only connection to an existing file. SQLite reads a WAL-mode file only with its `-shm`
 * index beside it, which it cannot create in a folder Loupe may not write to: such a file is read
 * from a snapshot copy (with its write-ahead log) in the temporary folder, removed on close.
 */
function openForReading(path: string): Database.Database {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      untrustSchema(db);
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    if (!refusedWriting(error)) throw error;
  }
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'loupe-read-only-'));
  try {
    const copy = nodePath.join(dir, 'corpus.loupe');
    fs.copyFileSync(path, copy);
    if (fs.existsSync(`${path}-wal`)) fs.copyFileSync(`${path}-wal`, `${copy}-wal`);
    const db = new Database(copy, { readonly: true, fileMustExist: true });
    untrustSchema(db);
    const close = db.close.bind(db);
    db.close = () => {
      close();
      fs.rmSync(dir, { recursive: true, force: true });
      return db;
    };
    return db;
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** True when Loupe may write the file and create its journal files next to it. */
function writable(path: string): boolean {
  try {
    fs.accessSync(path, fs.constants.W_OK);
    fs.accessSync(nodePath.dirname(path), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** SQLite could not open the file for writing (permissions, a read-only disk). */
function refusedWriting(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(SQLITE_READONLY|SQLITE_CANTOPEN|SQLITE_PERM|SQLITE_AUTH|EACCES|EPERM|EROFS)/.test(code);
}

/** Opens an existing corpus read-only: no pragma that writes, no migration. */
function openReadOnly(path: string, version: number): Database.Database {
  if (fs.statSync(path).size === 0) {
    throw new CorpusOpenError(`${path} is empty, not a Loupe corpus.`, { key: 'error.notCorpus', params: { path } });
  }
  if (version < OLDEST_READABLE_VERSION) {
    throw new CorpusOpenError(
      `${path} was written by an older Loupe and must be upgraded before it opens, which a read-only file cannot be. Copy it to a folder you can write to, then open the copy.`,
      { key: 'error.readOnlyOld', params: { path } },
    );
  }
  let db: Database.Database;
  try {
    db = openForReading(path);
  } catch (error) {
    throw describeOpenError(path, error);
  }
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * Whether opening the corpus at `path` writes nothing before its deferred integrity check (OpenOptions)
 * has passed: read-only, or read-write on a corpus that needs no upgrade, is in WAL mode already (the
 * pragma would rewrite the header) and has no write-ahead log left with transactions in it (closing
 * the connection would copy them into the file).
 */
function deferrable(path: string, options: OpenOptions, version: number, journalMode: string): boolean {
  if (options.readOnly || !writable(path)) return true;
  const log = fs.statSync(`${path}-wal`, { throwIfNoEntry: false });
  return version === SCHEMA_VERSION && journalMode === 'wal' && (!log || log.size === 0);
}

/**
 * Opens (or creates) a corpus database at the current schema version. An existing file that Loupe
 * may not write to opens read-only (`db.readonly`); so does any file when `options.readOnly` is set.
 */
export function openDatabase(path: string, options: OpenOptions): Database.Database {
  const exists = fs.existsSync(path);
  if (!exists && !options.create) throw new CorpusOpenError(`no corpus at ${path}.`, { key: 'error.noCorpus', params: { path } });
  if (exists) {
    // A folder is not a corpus, and a FIFO or a device would block or never end when read.
    const kind = irregularKind(fs.statSync(path));
    if (kind === 'folder') {
      throw new CorpusOpenError(`${path} is a folder, not a corpus file; choose a .loupe file in it.`, { key: 'error.corpusIsFolder', params: { path } });
    }
    if (kind) {
      const refused = notRegular(path, kind, 'read');
      throw new CorpusOpenError(refused.message, refused.reason);
    }
    // An empty file is a new database to SQLite: only a file Loupe was asked to create may become one.
    if (!options.create && fs.statSync(path).size === 0) {
      throw new CorpusOpenError(`${path} is empty, not a Loupe corpus.`, { key: 'error.notCorpus', params: { path } });
    }
    checkHeader(path);
  }
  // The checks run on a read-only connection: closing a read-write one would checkpoint a pending
  // WAL into the file, and a foreign or newer corpus must be left exactly as it was.
  const version = exists && fs.statSync(path).size > 0 ? inspect(path, (v, journal) => !options.deferIntegrityCheck || !deferrable(path, options, v, journal)) : 0;
  if (exists && (options.readOnly || !writable(path))) return openReadOnly(path, version);
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: !options.create });
  } catch (error) {
    if (exists && refusedWriting(error)) return openReadOnly(path, version);
    throw describeOpenError(path, error);
  }
  try {
    untrustSchema(db);
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
    // A disk mounted read-only lets the file open but refuses the first write.
    if (exists && refusedWriting(error)) return openReadOnly(path, version);
    throw describeOpenError(path, error);
  }
}
