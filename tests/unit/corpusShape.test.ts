/**
 * A corpus file whose schema holds what Loupe does not make (a trigger, a view, an index) is refused
 * at open, naming those objects, and left byte-for-byte as it was: a trigger would otherwise run on
 * Loupe's own writes (one deleted every document when a span was saved; a recursive one hung).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/contract';
import { createLoupeService, openCorpusStore } from '../../src/main/services/loupeService';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { LOUPE_APPLICATION_ID } from '../../src/main/store/database';
import { schemaOneCorpus } from './corpusHelpers';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-shape-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A corpus with one document, then `sql` run on it by another program; returns its path. */
function craftedCorpus(sql: string, name = 'crafted.loupe'): string {
  const file = path.join(dir, name);
  const store = openCorpusStore(file, { create: true });
  store.insertDocument({ title: '一', text: '赵书记说好', spans: [], links: [] });
  store.insertDocument({ title: '二', text: '第二篇', spans: [], links: [] });
  store.close();
  const db = new Database(file);
  db.exec(sql);
  db.pragma('journal_mode = DELETE'); // everything in the main file: the bytes compared are the whole corpus
  db.close();
  return file;
}

/** The file's bytes and those of any -wal/-journal beside it. */
const snapshot = (file: string): string[] =>
  ['', '-wal', '-shm', '-journal'].map((s) => (fs.existsSync(file + s) ? fs.readFileSync(file + s).toString('base64') : '-'));

const documentCount = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('a corpus whose schema Loupe did not make', () => {
  it('with a trigger that deletes documents on a span save: refused, named, untouched, documents kept', async () => {
    const file = craftedCorpus('CREATE TRIGGER wipe AFTER INSERT ON spans BEGIN DELETE FROM documents; END;');
    const before = snapshot(file);
    expect(() => openCorpusStore(file, { create: false })).toThrow(/trigger "wipe"/);
    expect(snapshot(file)).toEqual(before);

    // Through the API, as File › Open does: a clear reason, and the corpus open before stays open.
    const service = createLoupeService({ dataDir: path.join(dir, 'data'), corpusPath: path.join(dir, 'other.loupe'), backups: false });
    try {
      const error = await service.openCorpus({ path: file }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).message).toMatch(/trigger "wipe"/);
      expect((error as ApiError).message).toMatch(/not changed/);
      expect((error as ApiError).reason).toEqual({ key: 'error.foreignSchema', params: { path: file, objects: 'trigger "wipe"' } });
      expect((await service.corpusInfo({})).path).toBe(path.join(dir, 'other.loupe'));
    } finally {
      service.close();
    }
    expect(snapshot(file)).toEqual(before);
    expect(documentCount(file)).toBe(2);
  });

  it('with a recursive trigger, a view and an extra index: refused at once, naming each', () => {
    const file = craftedCorpus(`
      CREATE TRIGGER loop AFTER UPDATE ON documents BEGIN UPDATE documents SET revision = revision + 1; END;
      CREATE VIEW everything AS SELECT * FROM documents;
      CREATE INDEX spans_by_note ON spans (note);
    `);
    const before = snapshot(file);
    const started = Date.now();
    expect(() => openCorpusStore(file, { create: false })).toThrow(/index "spans_by_note".*trigger "loop".*view "everything"/s);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(snapshot(file)).toEqual(before);
  });

  it('with one of Loupe\'s indexes redefined, or one of its tables missing: refused, naming it', () => {
    const changed = craftedCorpus('DROP INDEX spans_by_label; CREATE INDEX spans_by_label ON spans (label) WHERE length(note) > 0;', 'changed.loupe');
    expect(() => openCorpusStore(changed, { create: false })).toThrow(/index "spans_by_label" \(not as Loupe makes it\)/);
    const missing = craftedCorpus('DROP TABLE links;', 'missing.loupe');
    const before = snapshot(missing);
    expect(() => openCorpusStore(missing, { create: false })).toThrow(/table "links" \(missing\)/);
    expect(snapshot(missing)).toEqual(before);
  });

  it('read-only too: a crafted corpus is refused when opened read-only', () => {
    const file = craftedCorpus('CREATE VIEW v AS SELECT 1;');
    expect(() => openCorpusStore(file, { create: false, readOnly: true })).toThrow(/view "v"/);
  });

  it('an older Loupe corpus (schema 1) still opens and is upgraded; a fresh one has trusted_schema off', () => {
    const file = schemaOneCorpus(path.join(dir, 'v1.loupe'));
    const store = openCorpusStore(file, { create: false });
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      // Defence in depth: functions that are not innocuous cannot run from the schema.
      expect(store.db.pragma('trusted_schema', { simple: true })).toBe(0);
    } finally {
      store.close();
    }
    const readOnly = openCorpusStore(file, { create: false, readOnly: true });
    try {
      expect(readOnly.db.pragma('trusted_schema', { simple: true })).toBe(0);
    } finally {
      readOnly.close();
    }
  });

  it('a corpus of the previous version (schema 2, before the fingerprint index) opens read-only, as it is', () => {
    const file = path.join(dir, 'v2.loupe');
    const db = new Database(file);
    db.exec(MIGRATIONS[0]!.up);
    db.exec(MIGRATIONS[1]!.up);
    db.pragma('user_version = 2');
    db.pragma(`application_id = ${LOUPE_APPLICATION_ID}`);
    db.prepare("INSERT INTO labels (name, color, hotkey, description, attributes, position) VALUES ('quote', '#d9480f', '1', '', '[]', 0)").run();
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = snapshot(file);
    const store = openCorpusStore(file, { create: false, readOnly: true });
    try {
      expect(store.readOnly).toBe(true);
      expect(store.labels().map((l) => l.name)).toEqual(['quote']);
      expect(store.documentWithText('没有这篇')).toBeUndefined();
    } finally {
      store.close();
    }
    expect(snapshot(file)).toEqual(before);
  });

  it('a schema 1 corpus with a trigger added is refused before it is upgraded', () => {
    const file = path.join(dir, 'v1-trigger.loupe');
    const db = new Database(file);
    db.exec(MIGRATIONS[0]!.up);
    db.exec("CREATE TRIGGER t AFTER INSERT ON labels BEGIN DELETE FROM documents; END;");
    db.pragma('user_version = 1');
    db.pragma(`application_id = ${LOUPE_APPLICATION_ID}`);
    db.close();
    const before = snapshot(file);
    expect(() => openCorpusStore(file, { create: false })).toThrow(/trigger "t"/);
    expect(snapshot(file)).toEqual(before);
  });
});
