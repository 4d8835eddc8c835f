/**
 * What an import does with what the corpus already has: documents it holds (skipped and reported,
 * or imported when asked), exact duplicate spans (merged), and labels, attributes and link types
 * that differ from the corpus's only by case or are mapped to another label.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importBatch } from '../../src/main/services/importer';
import { createLoupeService, openCorpusStore } from '../../src/main/services/loupeService';
import { LOUPE_APPLICATION_ID } from '../../src/main/store/database';
import { MIGRATIONS } from '../../src/main/store/migrations';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import type { ImportOptions } from '../../src/shared/types';
import { CORPUS_FIXTURES } from '../fixturePaths';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const fixture = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(CORPUS_FIXTURES, name)));
const jsonl = (...lines: unknown[]): Uint8Array => utf8(lines.map((l) => JSON.stringify(l)).join('\n'));
const TITLE = '攀“高”逐“新” 共绘美好未来';

let dir: string;
let store: CorpusStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-import-policy-'));
  store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const run = (files: { name: string; data: Uint8Array }[], options: ImportOptions = {}) => importBatch(store, files, options);
const titles = () => store.listDocuments().map((d) => d.title);
/** The spans of the document `id` as a reader of the corpus sees them: label and text. */
const spansOf = (id: number) => {
  const doc = store.getDocument(id);
  return doc.spans.map((s) => ({ label: s.label, text: [...doc.text].slice(s.start, s.end).join(''), attrs: s.attrs, note: s.note }));
};

describe('documents the corpus already holds', () => {
  it('skips an article imported a second time and reports the document it repeats', () => {
    const first = run([{ name: 'jinzhong.txt', data: fixture('jinzhong-two-sessions.txt') }]);
    expect(first.duplicates).toEqual([]);
    const again = run([{ name: 'again/jinzhong.txt', data: fixture('jinzhong-two-sessions.txt') }]);
    expect(again.imported).toEqual([]);
    expect(again.duplicates).toEqual([{ name: 'again/jinzhong.txt', title: TITLE, existingId: first.imported[0]!.documentId, index: 0 }]);
    expect(titles()).toEqual([TITLE]);
  });

  it('compares the decoded text: the same article in GB18030 later in the batch is a duplicate of the UTF-8 one', () => {
    const report = run([
      { name: 'utf8.txt', data: fixture('jinzhong-two-sessions.txt') },
      { name: 'other.txt', data: fixture('tricky-offsets.txt') },
      { name: 'gb.txt', data: fixture('jinzhong-two-sessions.gb18030.txt') },
    ]);
    expect(report.imported.map((r) => r.name)).toEqual(['utf8.txt', 'other.txt']);
    expect(report.duplicates).toEqual([{ name: 'gb.txt', title: TITLE, existingId: report.imported[0]!.documentId, index: 0 }]);
    expect(store.documentCount()).toBe(2);
  });

  it('skips a document repeated inside one file, naming the copy imported just before it', () => {
    const report = run([
      { name: 'batch.jsonl', data: jsonl({ title: 'A', text: '甲文。' }, { title: 'B', text: '乙文。' }, { title: 'A again', text: '甲文。' }) },
    ]);
    expect(report.imported.map((r) => r.title)).toEqual(['A', 'B']);
    expect(report.duplicates).toEqual([{ name: 'batch.jsonl', title: 'A again', existingId: report.imported[0]!.documentId, index: 2 }]);
    expect(titles()).toEqual(['A', 'B']);
  });

  it("a file of nothing but duplicates changes nothing, not even the schema its spans would need", () => {
    run([{ name: 'a.jsonl', data: jsonl({ title: 'A', text: '甲文。' }) }]);
    const labelsBefore = store.labels();
    const report = run([{ name: 'b.jsonl', data: jsonl({ title: 'A', text: '甲文。', spans: [{ label: 'place', start: 0, end: 1 }] }) }]);
    expect(report.imported).toEqual([]);
    expect(report.duplicates).toHaveLength(1);
    expect(report.schemaAdded.labels).toEqual([]);
    expect(store.labels()).toEqual(labelsBefore);
  });

  it("imports duplicates with duplicates: 'import', and only the documents named with only", () => {
    run([{ name: 'a.jsonl', data: jsonl({ title: 'A', text: '甲文。' }, { title: 'B', text: '乙文。' }) }]);
    const file = { name: 'b.jsonl', data: jsonl({ title: 'A2', text: '甲文。' }, { title: 'C', text: '丙文。' }, { title: 'B2', text: '乙文。' }) };
    const report = run([file]);
    expect(report.imported.map((r) => r.title)).toEqual(['C']);
    expect(report.duplicates.map((d) => [d.title, d.index])).toEqual([
      ['A2', 0],
      ['B2', 2],
    ]);
    // "Import them anyway" for A2 only: C is not imported a second time, B2 stays out.
    const anyway = run([file], { duplicates: 'import', only: [{ name: 'b.jsonl', index: 0 }] });
    expect(anyway.imported.map((r) => r.title)).toEqual(['A2']);
    expect(anyway.duplicates).toEqual([]);
    expect(titles()).toEqual(['A', 'B', 'C', 'A2']);
    expect(run([file], { duplicates: 'import' }).imported.map((r) => r.title)).toEqual(['A2', 'C', 'B2']);
  });

  it('follows the text as it is now: after an edit the old text is new again, the edited one a duplicate', () => {
    const id = run([{ name: 'a.txt', data: utf8('标题\n正文一。') }]).imported[0]!.documentId;
    store.saveDocument({ id, baseRevision: 0, edit: { at: 5, remove: 1, insert: '二' }, upsert: [], remove: [] });
    expect(run([{ name: 'old.txt', data: utf8('标题\n正文一。') }]).imported).toHaveLength(1);
    expect(run([{ name: 'new.txt', data: utf8('标题\n正文二。') }]).duplicates.map((d) => d.existingId)).toEqual([id]);
  });

  it('finds a duplicate through the fingerprint index, not by reading every text', () => {
    const plan = store.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM documents WHERE length(text) = length(@text) AND substr(text, 1, 64) = substr(@text, 1, 64)
         AND text = @text ORDER BY id LIMIT 1`,
      )
      .all({ text: 'x' }) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX documents_by_fingerprint/);
    // Texts that share their fingerprint (length, first 64 characters) are still told apart.
    const head = '同'.repeat(64);
    run([{ name: 'a.jsonl', data: jsonl({ title: 'A', text: `${head}甲` }, { title: 'B', text: `${head}乙` }) }]);
    expect(titles()).toEqual(['A', 'B']);
  });

  it('finds duplicates in a corpus made before the fingerprint existed (schema 2), once upgraded', () => {
    const file = path.join(dir, 'v2.loupe');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    for (const m of MIGRATIONS.slice(0, 2)) db.exec(m.up);
    db.pragma('user_version = 2');
    db.pragma(`application_id = ${LOUPE_APPLICATION_ID}`);
    db.prepare("INSERT INTO labels (name, color, hotkey, description, position) VALUES ('quote', '#ff0000', '1', '', 0)").run();
    db.prepare("INSERT INTO documents (id, title, text, meta, created_at, updated_at) VALUES (7, 'Old', '旧文章。', '{}', 'x', 'x')").run();
    db.close();
    const old = openCorpusStore(file, { create: false });
    try {
      expect(importBatch(old, [{ name: 'old.txt', data: utf8('旧文章。') }]).duplicates).toEqual([
        { name: 'old.txt', title: '旧文章。', existingId: 7, index: 0 },
      ]);
    } finally {
      old.close();
    }
  });

  it('a dry run reports what the import would do and writes nothing', () => {
    run([{ name: 'a.txt', data: fixture('jinzhong-two-sessions.txt') }]);
    const bytesBefore = fs.readFileSync(path.join(dir, 'c.loupe-wal')).length;
    const files = [
      { name: 'again.txt', data: fixture('jinzhong-two-sessions.txt') },
      { name: 'new.jsonl', data: jsonl({ title: 'N', text: '新文。', spans: [{ label: 'PER', start: 0, end: 1 }] }) },
      { name: 'new-again.jsonl', data: jsonl({ title: 'N2', text: '新文。' }) },
    ];
    const dry = run(files, { dryRun: true });
    expect(dry.imported.map((r) => r.title)).toEqual(['N']);
    expect(dry.duplicates.map((d) => d.name)).toEqual(['again.txt', 'new-again.jsonl']);
    expect(dry.schemaAdded.labels).toEqual(['PER']);
    expect(titles()).toEqual([TITLE]);
    expect(store.labels().map((l) => l.name)).not.toContain('PER');
    expect(fs.readFileSync(path.join(dir, 'c.loupe-wal')).length).toBe(bytesBefore);
    // The real import gives the same report.
    const real = run(files);
    expect({ ...real, imported: real.imported.map((r) => r.title) }).toEqual({ ...dry, imported: dry.imported.map((r) => r.title) });
  });
});

describe('exact duplicate spans in an imported document', () => {
  it('keeps one span per label and range, moves links to it, and counts the merge in the notes', () => {
    const doc = {
      title: '重复',
      text: '张华说：“我们提前完成了巡查。”',
      spans: [
        { id: 'q1', label: 'quote', start: 5, end: 15, attrs: { kind: 'direct' } },
        { id: 'o1', label: 'official', start: 0, end: 2 },
        { id: 'q2', label: 'quote', start: 5, end: 15, note: '重复标注' },
        { id: 'q3', label: 'Quote', start: 5, end: 15 },
        { id: 'o2', label: 'official', start: 0, end: 2 },
        { id: 'p1', label: 'pledge', start: 5, end: 15 },
      ],
      links: [
        { id: 'l1', type: 'speaker', from: 'q1', to: 'o1' },
        { id: 'l2', type: 'speaker', from: 'q2', to: 'o2' },
        { id: 'l3', type: 'speaker', from: 'q3', to: 'o1' },
      ],
    };
    const report = run([{ name: 'dup.jsonl', data: jsonl(doc) }]);
    const entry = report.imported[0]!;
    expect(entry.notes).toEqual([
      'exact duplicate spans merged: 3',
      'links dropped because the merge made them repeat another link or join a span to itself: 2',
    ]);
    expect(entry.spans).toBe(3);
    expect(spansOf(entry.documentId)).toEqual([
      { label: 'official', text: '张华', attrs: {}, note: '' },
      { label: 'pledge', text: '我们提前完成了巡查。', attrs: {}, note: '' },
      { label: 'quote', text: '我们提前完成了巡查。', attrs: { kind: 'direct' }, note: '重复标注' },
    ]);
    const stored = store.getDocument(entry.documentId);
    expect(stored.links).toEqual([{ id: 'l1', type: 'speaker', from: 'q1', to: 'o1' }]);
  });

  it('keeps the first copy’s attribute values and note where the copies disagree, and says so', () => {
    const doc = {
      title: '不一致',
      text: '“我们会坚持。”',
      spans: [
        { id: 'a', label: 'quote', start: 1, end: 7, attrs: { kind: 'direct' }, note: '第一' },
        { id: 'b', label: 'quote', start: 1, end: 7, attrs: { kind: 'indirect' }, note: '第二' },
      ],
    };
    const entry = run([{ name: 'x.jsonl', data: jsonl(doc) }]).imported[0]!;
    expect(entry.notes).toEqual([
      'exact duplicate spans merged: 1',
      "duplicate spans whose attribute values or note differed from the first one's (the first one's kept): 1",
    ]);
    expect(spansOf(entry.documentId)).toEqual([{ label: 'quote', text: '我们会坚持。', attrs: { kind: 'direct' }, note: '第一' }]);
  });

  it('leaves spans that differ in label or in fragments alone, with no notes', () => {
    const doc = {
      title: '不同',
      text: '甲乙丙丁',
      spans: [
        { id: 'a', label: 'quote', start: 0, end: 4 },
        { id: 'b', label: 'quote', start: 0, end: 4, fragments: [[0, 1], [3, 4]] },
        { id: 'c', label: 'slogan', start: 0, end: 4 },
      ],
    };
    const entry = run([{ name: 'x.jsonl', data: jsonl(doc) }]).imported[0]!;
    expect(entry.notes).toEqual([]);
    expect(store.getDocument(entry.documentId).spans.map((s) => [s.label, s.fragments])).toEqual([
      ['quote', [[0, 4]]],
      ['quote', [[0, 1], [3, 4]]],
      ['slogan', [[0, 4]]],
    ]);
  });
});

describe('labels, attributes and link types of the files', () => {
  const tagged = {
    title: '标签',
    text: '张华说：“我们提前完成了巡查。”',
    spans: [
      { id: 'q', label: 'Quote', start: 5, end: 15, attrs: { Kind: 'direct' } },
      { id: 'p', label: 'PER', start: 0, end: 2 },
    ],
    links: [{ id: 'l', type: 'Speaker', from: 'q', to: 'p' }],
  };

  it('matches a label, attribute or link type that differs from the corpus’s only by case', () => {
    const report = run([{ name: 'tagged.jsonl', data: jsonl(tagged) }]);
    expect(report.labelsMapped).toEqual([{ from: 'Quote', to: 'quote' }]);
    expect(report.schemaAdded.labels).toEqual(['PER']);
    expect(report.schemaAdded.attributes).toEqual([]);
    // `speaker` goes from quote to official: it is widened to admit PER, not duplicated as `Speaker`.
    expect(report.schemaAdded.linkTypes).toEqual(['speaker: quote → PER']);
    const entry = report.imported[0]!;
    expect(entry.notes).toEqual([
      "attribute names matched to the corpus's regardless of case: quote.Kind → quote.kind",
      "link types matched to the corpus's regardless of case: Speaker → speaker",
    ]);
    expect(store.labels().map((l) => l.name)).toEqual(['quote', 'official', 'pledge', 'slogan', 'PER']);
    expect(spansOf(entry.documentId).map((s) => [s.label, s.text, s.attrs])).toEqual([
      ['PER', '张华', {}],
      ['quote', '我们提前完成了巡查。', { kind: 'direct' }],
    ]);
    expect(store.getDocument(entry.documentId).links.map((l) => l.type)).toEqual(['speaker']);
  });

  it('stores mapped labels under the corpus label named, matching that name regardless of case too', () => {
    const report = run([{ name: 'tagged.jsonl', data: jsonl(tagged) }], { labelMap: { per: 'Official' } });
    expect(report.labelsMapped).toEqual([
      { from: 'Quote', to: 'quote' },
      { from: 'PER', to: 'official' },
    ]);
    expect(report.schemaAdded).toEqual({ labels: [], attributes: [], linkTypes: [] });
    const entry = report.imported[0]!;
    expect(spansOf(entry.documentId).map((s) => [s.label, s.text])).toEqual([
      ['official', '张华'],
      ['quote', '我们提前完成了巡查。'],
    ]);
    expect(store.labels().map((l) => l.name)).toEqual(['quote', 'official', 'pledge', 'slogan']);
  });

  it('adds a label under the mapped name when the corpus has none of that name', () => {
    const report = run([{ name: 'tagged.jsonl', data: jsonl(tagged) }], { labelMap: { PER: 'person' } });
    expect(report.labelsMapped).toContainEqual({ from: 'PER', to: 'person' });
    expect(report.schemaAdded.labels).toEqual(['person']);
  });

  it('matches the labels and attributes a file declares (a Loupe JSON export) the same way', () => {
    const exported = {
      loupe_version: '1',
      schema_version: 2,
      offset_unit: 'codepoint',
      labels: [
        { name: 'QUOTE', color: '#123456', hotkey: null, description: '', attributes: [{ name: 'KIND', kind: 'choice', options: ['direct', 'partial'], default: null, description: '' }] },
        { name: 'Person', color: '#654321', hotkey: null, description: '', attributes: [] },
      ],
      link_types: [{ name: 'SPEAKER', from: ['QUOTE'], to: ['Person'], color: '#000000', description: '' }],
      documents: [{ title: 'J', text: '张华说好。', spans: [{ id: 'a', label: 'person', start: 0, end: 2 }], links: [] }],
    };
    const report = run([{ name: 'corpus.json', data: utf8(JSON.stringify(exported)) }], { labelMap: { Person: 'official' } });
    expect(report.failed).toEqual([]);
    expect(report.labelsMapped).toEqual([
      { from: 'QUOTE', to: 'quote' },
      { from: 'Person', to: 'official' },
      { from: 'person', to: 'official' },
    ]);
    expect(report.schemaAdded).toEqual({ labels: [], attributes: [], linkTypes: [] });
    expect(store.linkTypes().find((t) => t.name === 'speaker')).toMatchObject({ from: ['quote'], to: ['official'] });
    expect(store.labels().map((l) => l.name)).toEqual(['quote', 'official', 'pledge', 'slogan']);
  });
});

describe('importFiles over the service', () => {
  it('takes the options at the boundary, refuses bad ones, and a dry run marks nothing for backup', async () => {
    const service = createLoupeService({ dataDir: dir });
    try {
      const file = { name: 'a.txt', data: utf8('标题\n正文。') };
      expect((await service.importFiles({ files: [file], dryRun: true })).imported).toHaveLength(1);
      expect((await service.importFiles({ files: [file] })).imported).toHaveLength(1);
      expect((await service.importFiles({ files: [file] })).duplicates).toHaveLength(1);
      expect((await service.importFiles({ files: [file], duplicates: 'import', labelMap: { PER: 'official' } })).imported).toHaveLength(1);
      const { parseArgs } = await import('../../src/shared/contract');
      expect(() => parseArgs('importFiles', { files: [file], duplicates: 'merge' })).toThrow(/duplicates/);
      expect(() => parseArgs('importFiles', { files: [file], labelMap: { PER: '' } })).toThrow(/labelMap/);
      expect(() => parseArgs('importFiles', { files: [file], only: [{ name: 'a.txt', index: -1 }] })).toThrow(/only/);
    } finally {
      service.close();
    }
  });
});
