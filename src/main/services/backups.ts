/**
 * Rolling backups of corpora, and copies of them: SQLite's online backup API reads a consistent
 * snapshot through the open connection (the write-ahead log included) while saves go on. Each
 * corpus has its own folder under `<data folder>/backups`, named after its file and a hash of its
 * path, so a backup is found even when the corpus itself no longer opens. A backup or a copy is
 * written to a temporary file, checked, then renamed: a crash never leaves half of one.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BackupInfo } from '../../shared/types';
import { removeStaleTemporariesSync, replaceFile, writeFileAtomicSync } from '../files/atomicFile';
import { untrustSchema } from '../store/database';

/** How many backups of a corpus are kept (the oldest go first). */
export const BACKUPS_KEPT = 10;

/** How often an open corpus that changed is backed up. */
export const BACKUP_INTERVAL_MS = 10 * 60 * 1000;

const BACKUP_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z(-\d+)?\.loupe$/;

/** The folder that holds the backups of the corpus at `corpusPath`. */
export function backupFolder(backupsRoot: string, corpusPath: string): string {
  const resolved = path.resolve(corpusPath);
  const hash = createHash('sha256').update(resolved).digest('hex').slice(0, 12);
  const stem = path.basename(resolved).replace(/\.loupe$/i, '');
  const name = stem.replace(/[^\p{L}\p{N}_-]+/gu, '_').slice(0, 40) || 'corpus';
  return path.join(backupsRoot, `${name}-${hash}`);
}

/** The backups of a corpus, newest first. */
export function listBackups(backupsRoot: string, corpusPath: string): BackupInfo[] {
  const folder = backupFolder(backupsRoot, corpusPath);
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  const backups: BackupInfo[] = [];
  for (const name of names.filter((n) => BACKUP_NAME.test(n)).sort().reverse()) {
    const file = path.join(folder, name);
    const stamp = name.slice(0, 24);
    const createdAt = `${stamp.slice(0, 10)}T${stamp.slice(11, 13)}:${stamp.slice(14, 16)}:${stamp.slice(17, 19)}.${stamp.slice(20, 23)}Z`;
    try {
      backups.push({ path: file, createdAt, size: fs.statSync(file).size });
    } catch {
      // pruned meanwhile (by another Loupe on the same data folder)
    }
  }
  return backups;
}

/** SQLite's files beside a database, which it reads with it when they exist. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/** True when `file` or one of SQLite's files beside it exists. */
function databaseFilesExist(file: string): boolean {
  return ['', ...SIDE_FILES].some((suffix) => fs.existsSync(`${file}${suffix}`));
}

/** True when `file` lies inside the backups folder (a path handed to restore must be one of ours). */
export function isInside(backupsRoot: string, file: string): boolean {
  const relative = path.relative(path.resolve(backupsRoot), path.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Removes the -wal and -shm files beside a copy of ours (never beside a corpus in use). */
function removeSideFiles(file: string): void {
  fs.rmSync(`${file}-wal`, { force: true });
  fs.rmSync(`${file}-shm`, { force: true });
}

/**
 * Reads a copy or a backup of ours through a read-only connection; SQLite makes empty -wal/-shm
 * files beside a WAL-mode file to read it, and they go once it is read.
 */
function readCopy<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    untrustSchema(db);
    return read(db);
  } finally {
    db.close();
    removeSideFiles(file);
  }
}

/** `PRAGMA quick_check` on a copy or a backup, read-only: null when it is sound, else what SQLite found. */
export function checkFile(file: string): string | null {
  try {
    return readCopy(file, (db) => {
      const rows = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((r) => r.quick_check);
      return rows.length === 1 && rows[0] === 'ok' ? null : rows.join('; ');
    });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Copies the database behind `db` to `target` with the online backup API, through the atomic-file
 * module: the copy is checked before it is renamed over the target. The copy is a standalone corpus.
 */
export async function copyDatabase(db: Database.Database, target: string): Promise<void> {
  await replaceFile(target, async (tmp) => {
    await db.backup(tmp);
    const problem = checkFile(tmp);
    if (problem) throw new Error(`the copy failed its check (${problem})`);
    // SQLite would read a -wal or -journal left beside the target into the copy (or another program
    // has that file open): never replace such a file.
    if (SIDE_FILES.some((suffix) => fs.existsSync(`${target}${suffix}`))) {
      throw new Error(`${path.basename(target)} is in use or was not closed cleanly (its -wal or -journal file is beside it); choose another name`);
    }
  });
}

/** A name for a backup taken now, unique in its folder. */
function backupName(folder: string, now: Date): string {
  const stamp = now.toISOString().replace(/:/g, '-').replace('.', '-');
  let name = `${stamp}.loupe`;
  for (let n = 2; fs.existsSync(path.join(folder, name)); n++) name = `${stamp}-${n}.loupe`;
  return name;
}

/** Takes a backup of the corpus open on `db` at `corpusPath`, then keeps only the newest `keep`. */
export async function takeBackup(db: Database.Database, backupsRoot: string, corpusPath: string, keep = BACKUPS_KEPT): Promise<BackupInfo> {
  const folder = backupFolder(backupsRoot, corpusPath);
  fs.mkdirSync(folder, { recursive: true });
  const target = path.join(folder, backupName(folder, new Date()));
  await copyDatabase(db, target);
  // What the backup holds, for changedSinceBackup (read from the copy: the corpus may have moved on).
  const fingerprint = readCopy(target, corpusFingerprint);
  writeFileAtomicSync(path.join(folder, FINGERPRINT_FILE), JSON.stringify({ backup: path.basename(target), fingerprint }));
  const all = listBackups(backupsRoot, corpusPath);
  for (const old of all.slice(Math.max(keep, 1))) fs.rmSync(old.path, { force: true });
  // Each backup has a name of its own: the temporaries of backups a crash cut short are of other names.
  removeStaleTemporariesSync(target, { anyTarget: true });
  return all.find((b) => b.path === target) ?? { path: target, createdAt: new Date().toISOString(), size: fs.statSync(target).size };
}

/**
 * What the corpus holds, in brief: counts, revisions, the latest change times, the schema. Two
 * states with the same fingerprint need no second backup. (File times cannot tell: closing a
 * corpus writes its log into the file without changing what it holds.)
 */
export function corpusFingerprint(db: Database.Database): string {
  const row = db
    .prepare(
      `SELECT (SELECT count(*) FROM documents) AS docs, (SELECT coalesce(sum(revision), 0) FROM documents) AS revisions,
              (SELECT max(updated_at) FROM documents) AS docsAt, (SELECT count(*) FROM spans) AS spans,
              (SELECT max(updated_at) FROM spans) AS spansAt, (SELECT count(*) FROM links) AS links,
              (SELECT group_concat(name || attributes, '|') FROM labels) AS labels,
              (SELECT group_concat(name || from_labels || to_labels, '|') FROM link_types) AS linkTypes`,
    )
    .get();
  return createHash('sha256').update(JSON.stringify(row)).digest('hex');
}

const FINGERPRINT_FILE = 'last-backup.json';

/** True when the corpus open on `db` differs from what its newest backup holds (or it has none). */
export function changedSinceBackup(backupsRoot: string, corpusPath: string, db: Database.Database): boolean {
  if (listBackups(backupsRoot, corpusPath).length === 0) return true;
  try {
    const saved = JSON.parse(fs.readFileSync(path.join(backupFolder(backupsRoot, corpusPath), FINGERPRINT_FILE), 'utf8')) as { fingerprint?: unknown };
    return saved.fingerprint !== corpusFingerprint(db);
  } catch {
    return true;
  }
}

/** The newest backup that passes its check. */
export function newestGoodBackup(backups: readonly BackupInfo[]): BackupInfo | undefined {
  return backups.find((b) => checkFile(b.path) === null);
}

/** Where a restored backup goes: beside the corpus, under a name no file has. */
export function restoredPath(corpusPath: string, backup: BackupInfo): string {
  const dir = path.dirname(path.resolve(corpusPath));
  const stem = path.basename(corpusPath).replace(/\.loupe$/i, '');
  const when = backup.createdAt.slice(0, 16).replace('T', ' ').replace(':', '.');
  let target = path.join(dir, `${stem} (backup ${when}).loupe`);
  for (let n = 2; databaseFilesExist(target); n++) target = path.join(dir, `${stem} (backup ${when}) ${n}.loupe`);
  return target;
}
