/**
 * OpenOptions.deferIntegrityCheck (store/database.ts): a command may open a corpus before SQLite's
 * integrity check has passed only where the open itself writes nothing — read-only, or read-write on
 * a corpus needing no upgrade, in WAL mode, with no write-ahead log left over. Otherwise the check runs
 * at once, as without the option, and a damaged corpus is refused before anything touches it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCorpusStore } from '../../src/main/services/loupeService';
import { loseIndexEntry } from './damage';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-deferred-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A corpus with one span, then damaged so that only the integrity check sees it. */
function damagedCorpus(name: string): string {
  const file = path.join(dir, name);
  const store = openCorpusStore(file, { create: true });
  try {
    store.insertDocument({ title: 'T', text: '县委书记在会上说。', spans: [{ id: 's1', label: 'official', start: 0, end: 4 }] });
  } finally {
    store.close();
  }
  loseIndexEntry(file, 's1', { label: 'quote' });
  return file;
}

describe('deferring the integrity check', () => {
  it('opens a damaged corpus read-only, or read-write when the open writes nothing; the check then is the caller’s', () => {
    const file = damagedCorpus('a.loupe');
    const before = sha(file);
    openCorpusStore(file, { create: false, readOnly: true, deferIntegrityCheck: true }).close();
    openCorpusStore(file, { create: false, deferIntegrityCheck: true }).close();
    expect(sha(file)).toBe(before);
    expect(() => openCorpusStore(file, { create: false })).toThrow(/fails SQLite's integrity check/);
  });

  it('checks at once a corpus not in WAL mode (the open would rewrite its header)', () => {
    const file = damagedCorpus('b.loupe');
    const db = new Database(file);
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = sha(file);
    expect(() => openCorpusStore(file, { create: false, deferIntegrityCheck: true })).toThrow(/fails SQLite's integrity check/);
    expect(sha(file)).toBe(before);
    openCorpusStore(file, { create: false, readOnly: true, deferIntegrityCheck: true }).close();
  });

  it('checks at once a corpus with a write-ahead log left over (closing would copy it into the file)', () => {
    const file = damagedCorpus('c.loupe');
    // A session that ended without closing: its last commit is still in the log beside the file.
    const live = new Database(file);
    live.pragma('wal_autocheckpoint = 0');
    live.prepare("UPDATE documents SET title = 'U'").run();
    const crashed = path.join(dir, 'crashed.loupe');
    fs.copyFileSync(file, crashed);
    fs.copyFileSync(`${file}-wal`, `${crashed}-wal`);
    live.close();
    expect(fs.statSync(`${crashed}-wal`).size).toBeGreaterThan(0);
    const before = sha(crashed);
    expect(() => openCorpusStore(crashed, { create: false, deferIntegrityCheck: true })).toThrow(/fails SQLite's integrity check/);
    expect(sha(crashed)).toBe(before);
  });

  it('checks before it adds the default labels to a corpus that has none', () => {
    const file = damagedCorpus('d.loupe');
    const db = new Database(file);
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM labels').run();
    db.close();
    const before = sha(file);
    expect(() => openCorpusStore(file, { create: false, deferIntegrityCheck: true })).toThrow(/fails SQLite's integrity check/);
    expect(sha(file)).toBe(before);
  });
});
