import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LABELS, DEFAULT_LINK_TYPES } from '../../src/shared/labels';
import { CorpusOpenError, LOUPE_APPLICATION_ID, openDatabase } from '../../src/main/store/database';
import { CorpusStore, StoreError } from '../../src/main/store/corpusStore';
import { checkMigrationList, MIGRATIONS, NewerSchemaError, SCHEMA_VERSION } from '../../src/main/store/migrations';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-store-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function freshStore(): CorpusStore {
  const store = CorpusStore.open(path.join(dir, 'c.loupe'), { create: true });
  store.addLabels(DEFAULT_LABELS);
  return store;
}

describe('migrations', () => {
  it('are numbered 1..n and a mis-numbered list is refused', () => {
    expect(() => checkMigrationList(MIGRATIONS)).not.toThrow();
    expect(() => checkMigrationList([{ ...MIGRATIONS[0]!, version: 2 }])).toThrow(/expected 1/);
  });

  it('create STRICT tables, WAL, foreign keys, and mark the file as Loupe', () => {
    const db = openDatabase(path.join(dir, 'a.loupe'), { create: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(LOUPE_APPLICATION_ID);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'spans'").get() as { sql: string };
    expect(sql.sql).toMatch(/STRICT/);
    db.close();
  });

  it('refuse a corpus from a newer Loupe and leave it byte-for-byte untouched', () => {
    const file = path.join(dir, 'newer.loupe');
    const db = openDatabase(file, { create: true });
    db.pragma('journal_mode = DELETE');
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file, { create: false })).toThrow(NewerSchemaError);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('leave a newer corpus with a pending write-ahead log untouched too', () => {
    const live = path.join(dir, 'live.loupe');
    const db = openDatabase(live, { create: true });
    db.pragma('wal_autocheckpoint = 0');
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`); // lands in the WAL, not in the main file
    const copy = path.join(dir, 'copy.loupe');
    fs.copyFileSync(live, copy);
    fs.copyFileSync(`${live}-wal`, `${copy}-wal`);
    db.close();
    const main = fs.readFileSync(copy);
    const wal = fs.readFileSync(`${copy}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    expect(() => openDatabase(copy, { create: false })).toThrow(NewerSchemaError);
    expect(fs.readFileSync(copy).equals(main)).toBe(true);
    expect(fs.readFileSync(`${copy}-wal`).equals(wal)).toBe(true);
  });

  it('refuse files that are not Loupe corpora, untouched', () => {
    const text = path.join(dir, 'notes.loupe');
    fs.writeFileSync(text, 'just some text, not a database at all');
    expect(() => openDatabase(text, { create: false })).toThrow(CorpusOpenError);
    expect(fs.readFileSync(text, 'utf8')).toBe('just some text, not a database at all');

    const other = path.join(dir, 'other.sqlite');
    const foreign = new Database(other);
    foreign.exec('CREATE TABLE t (x)');
    foreign.close();
    const before = fs.readFileSync(other);
    expect(() => openDatabase(other, { create: false })).toThrow(/not a Loupe corpus/);
    expect(fs.readFileSync(other).equals(before)).toBe(true);

    expect(() => openDatabase(path.join(dir, 'missing.loupe'), { create: false })).toThrow(/no corpus/);
  });
});

/** A corpus file as Loupe 0.1 wrote it: schema version 1, the first schema's labels, `documents` as given. */
function versionOneCorpus(file: string, labels: { name: string; color: string; hotkey: string | null }[], documents: { text: string; spans: [string, string, number, number][] }[]): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(MIGRATIONS[0]!.up);
  db.pragma('user_version = 1');
  db.pragma(`application_id = ${LOUPE_APPLICATION_ID}`);
  const stamp = '2025-01-01T00:00:00.000Z';
  labels.forEach((l, i) =>
    db.prepare('INSERT INTO labels (name, color, hotkey, description, position) VALUES (?, ?, ?, ?, ?)').run(l.name, l.color, l.hotkey, '', i),
  );
  for (const [i, d] of documents.entries()) {
    const id = Number(
      db.prepare('INSERT INTO documents (title, text, meta, revision, created_at, updated_at) VALUES (?, ?, ?, 3, ?, ?)').run(`D${i}`, d.text, '{}', stamp, stamp)
        .lastInsertRowid,
    );
    for (const [spanId, label, start, end] of d.spans) {
      db.prepare(
        `INSERT INTO spans (id, document_id, label, start_cp, end_cp, attrs, annotator, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, '{}', 'ann', ?, ?)`,
      ).run(spanId, id, label, start, end, stamp, stamp);
    }
  }
  db.close();
}

describe('migration from schema 1 (before attribution)', () => {
  it('opens a version 1 corpus at the current version with the default attributes and link types, statuses set and spans intact', () => {
    const file = path.join(dir, 'v1.loupe');
    versionOneCorpus(
      file,
      DEFAULT_LABELS.map((l) => ({ name: l.name, color: l.color, hotkey: l.hotkey })),
      [
        { text: '赵书记表示,“我们会坚持”。𠮷', spans: [['q1', 'quote', 6, 13], ['o1', 'official', 0, 3]] },
        { text: 'untouched', spans: [] },
      ],
    );
    const store = CorpusStore.open(file, { create: false });
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.labels()).toEqual(DEFAULT_LABELS.map((l) => ({ ...l, description: '' })));
    expect(store.linkTypes()).toEqual(DEFAULT_LINK_TYPES);
    expect(store.listDocuments().map((d) => [d.title, d.status, d.spanCount])).toEqual([
      ['D0', 'in_progress', 2],
      ['D1', 'new', 0],
    ]);
    const doc = store.getDocument(1);
    expect(doc).toMatchObject({ note: '', links: [], revision: 3 });
    expect(doc.spans).toEqual([
      { id: 'o1', label: 'official', start: 0, end: 3, fragments: [[0, 3]], attrs: {}, note: '', annotator: 'ann', createdAt: expect.any(String), updatedAt: expect.any(String) },
      { id: 'q1', label: 'quote', start: 6, end: 13, fragments: [[6, 13]], attrs: {}, note: '', annotator: 'ann', createdAt: expect.any(String), updatedAt: expect.any(String) },
    ]);
    // The upgraded corpus records who said what at once.
    store.saveDocument({ id: 1, baseRevision: 3, upsert: [{ id: 'q1', label: 'quote', start: 6, end: 13, attrs: { kind: 'direct' } }], remove: [], upsertLinks: [{ id: 'l', type: 'speaker', from: 'q1', to: 'o1' }] });
    expect(store.getDocument(1).links).toEqual([{ id: 'l', type: 'speaker', from: 'q1', to: 'o1' }]);
    store.close();
  });

  it('leaves labels a team renamed without attributes, and adds only the link types whose labels exist', () => {
    const file = path.join(dir, 'custom.loupe');
    versionOneCorpus(
      file,
      [
        { name: 'quote', color: '#d9480f', hotkey: '1' },
        { name: 'person', color: '#1971c2', hotkey: '2' },
        { name: 'pledge', color: '#2f9e44', hotkey: '3' },
      ],
      [{ text: 'abc', spans: [['p', 'person', 0, 1]] }],
    );
    const store = CorpusStore.open(file, { create: false });
    expect(store.labels().map((l) => [l.name, l.attributes.map((a) => a.name)])).toEqual([
      ['quote', ['kind']],
      ['person', []],
      ['pledge', ['measurable', 'target_year']],
    ]);
    expect(store.linkTypes()).toEqual([]);
    store.close();
  });
});

describe('CorpusStore', () => {
  it('stores documents and spans and reads them back in text order', () => {
    const store = freshStore();
    const id = store.insertDocument({
      title: 'T',
      text: '𠮷野家\n说“好”',
      meta: { fileName: 'a.txt' },
      spans: [
        { id: 'b', label: 'quote', start: 5, end: 8 },
        { id: 'a', label: 'official', start: 0, end: 3 },
      ],
    });
    const doc = store.getDocument(id);
    expect(doc.meta).toEqual({ fileName: 'a.txt' });
    expect(doc.spans.map((s) => s.id)).toEqual(['a', 'b']);
    expect(store.listDocuments()).toEqual([expect.objectContaining({ id, title: 'T', spanCount: 2 })]);
    // Offsets are code points, which is what SQLite's substr() counts: SQL slices spans directly.
    const rows = store.db
      .prepare('SELECT substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp) AS t FROM spans s JOIN documents d ON d.id = s.document_id ORDER BY s.start_cp')
      .all() as { t: string }[];
    expect(rows.map((r) => r.t)).toEqual(['𠮷野家', '“好”']);
    store.close();
  });

  it('reads spans that share start and end in id order, as SQLite orders ids (by code point)', () => {
    const store = freshStore();
    // UTF-16 order would put the astral 𠮷 before U+FFFF; SQLite's (and code-point) order puts it after.
    const ids = ['𠮷', '\uffff', 'b', 'a-2', 'é', 'a-10', 'B'];
    const id = store.insertDocument({
      title: 'T',
      text: 'abcdef',
      spans: [...ids.map((i) => ({ id: i, label: 'quote', start: 1, end: 3 })), { id: 'first', label: 'quote', start: 0, end: 3 }],
    });
    const sqlite = store.db.prepare('SELECT id FROM spans ORDER BY start_cp, end_cp, id').pluck().all();
    expect(sqlite).toEqual(['first', 'B', 'a-10', 'a-2', 'b', 'é', '\uffff', '𠮷']);
    expect(store.getDocument(id).spans.map((s) => s.id)).toEqual(sqlite);
    expect([...store.documents()][0]!.spans.map((s) => s.id)).toEqual(sqlite);
    store.close();
  });

  it('applies an incremental save atomically, and refuses bad spans without writing anything', () => {
    const store = freshStore();
    const id = store.insertDocument({ title: 'T', text: 'abcdef', spans: [{ id: 's1', label: 'quote', start: 1, end: 3 }] });
    const saved = store.saveDocument({ id, text: 'xxabcdef', upsert: [{ id: 's1', label: 'pledge', start: 3, end: 5 }], remove: [] });
    expect(saved.revision).toBe(1);
    expect(store.getDocument(id).spans[0]).toMatchObject({ label: 'pledge', start: 3, end: 5 });

    const before = store.getDocument(id);
    expect(() =>
      store.saveDocument({ id, text: 'x', upsert: [{ id: 's2', label: 'quote', start: 0, end: 1 }], remove: [] }),
    ).toThrow(/past the end/); // s1 (3–5) would no longer fit
    expect(() => store.saveDocument({ id, upsert: [{ id: 's3', label: 'nope', start: 0, end: 1 }], remove: [] })).toThrow(
      /unknown label/,
    );
    expect(store.getDocument(id)).toEqual(before);

    store.saveDocument({ id, upsert: [], remove: ['s1'] });
    expect(store.getDocument(id).spans).toEqual([]);
    store.close();
  });

  it('keeps spans of one document out of another', () => {
    const store = freshStore();
    const a = store.insertDocument({ title: 'A', text: 'aaaa', spans: [{ id: 'x', label: 'quote', start: 0, end: 1 }] });
    const b = store.insertDocument({ title: 'B', text: 'bbbb' });
    expect(() => store.saveDocument({ id: b, upsert: [{ id: 'x', label: 'quote', start: 0, end: 2 }], remove: [] })).toThrow(
      StoreError,
    );
    expect(store.getDocument(a).spans[0]).toMatchObject({ start: 0, end: 1 });
    store.close();
  });

  it('streams documents one by one and counts spans per label', () => {
    const store = freshStore();
    for (let i = 0; i < 150; i++) {
      store.insertDocument({ title: `D${i}`, text: `text ${i}`, spans: i % 2 ? [{ id: `s${i}`, label: 'slogan', start: 0, end: 4 }] : [] });
    }
    const titles = [...store.documents()].map((d) => d.title);
    expect(titles).toHaveLength(150);
    expect(titles[149]).toBe('D149');
    expect(store.spanCountsByLabel()).toContainEqual({ label: 'slogan', count: 75 });
    expect(store.spanCountsByLabel()).toContainEqual({ label: 'quote', count: 0 });
    store.close();
  });

  it('never hands out a deleted document\'s id again, so a stale window cannot save into a new document', () => {
    const store = freshStore();
    const a = store.insertDocument({ title: 'a', text: 'one' });
    const b = store.insertDocument({ title: 'b', text: 'two' });
    store.deleteDocument(b);
    const c = store.insertDocument({ title: 'c', text: 'three' });
    expect(c).toBeGreaterThan(b);
    expect(() => store.saveDocument({ id: b, baseRevision: 0, text: 'stale', upsert: [], remove: [] })).toThrow(/does not exist/);
    expect(store.getDocument(c).text).toBe('three');
    store.close();
    const again = CorpusStore.open(store.path, { create: false });
    expect(again.insertDocument({ title: 'd', text: 'four' })).toBe(c + 1);
    expect(again.getDocument(a).title).toBe('a');
    again.close();
  });

  it('cascades span deletion with the document', () => {
    const store = freshStore();
    const id = store.insertDocument({ title: 'A', text: 'aaaa', spans: [{ id: 'x', label: 'quote', start: 0, end: 1 }] });
    store.deleteDocument(id);
    expect(store.db.prepare('SELECT count(*) AS n FROM spans').get()).toEqual({ n: 0 });
    expect(() => store.getDocument(id)).toThrow(/does not exist/);
    store.close();
  });
});

describe('streamed reads', () => {
  it('pair each document with the spans of the same revision, even when it is saved mid-stream', () => {
    const store = freshStore();
    const ids = [0, 1, 2].map((i) =>
      store.insertDocument({ title: `D${i}`, text: '他说好话', spans: [{ id: `s${i}`, label: 'quote', start: 2, end: 4 }] }),
    );
    const seen: { text: string; span: string }[] = [];
    for (const doc of store.documents()) {
      // the user edits every document while the export is writing the first one
      if (seen.length === 0) {
        for (const id of ids) store.saveDocument({ id, text: 'XX他说好话', upsert: [{ id: `s${id - 1}`, label: 'quote', start: 4, end: 6 }], remove: [] });
      }
      const s = doc.spans[0]!;
      seen.push({ text: doc.text, span: [...doc.text].slice(s.start, s.end).join('') });
    }
    expect(seen.map((x) => x.span)).toEqual(['好话', '好话', '好话']);
    store.close();
  });
});
