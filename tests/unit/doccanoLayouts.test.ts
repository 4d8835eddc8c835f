/**
 * doccano's other JSONL layouts: the text and its annotations under the field names chosen at
 * doccano's import (column_data / column_label: `data`, `content`, `ner_tags`…), span objects instead
 * of triples, the older `labels` field, intent detection (`entities` triples and `cats`), and the
 * classification / seq2seq layouts. Each is read as doccano, or refused naming the fields to choose.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ImportOptions } from '../../src/main/formats/import';
import { importBatch } from '../../src/main/services/importer';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import { FIXTURES } from '../fixturePaths';

const enc = (s: string) => new TextEncoder().encode(s);
const fixture = (name: string) => ({ name, data: new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'doccano', name))) });
const BIN = path.resolve(__dirname, '../../bin/loupe.cjs');

let dir: string;
let store: CorpusStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-doccano-'));
  store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What a user sees of each imported document: its text and its spans' labels and texts. */
function imported(files: { name: string; data: Uint8Array }[], options: ImportOptions = {}) {
  const report = importBatch(store, files, options);
  const docs = report.imported.map((r) => store.getDocument(r.documentId));
  return {
    report,
    docs: docs.map((d) => ({
      text: d.text,
      spans: d.spans.map((s) => [s.label, Array.from(d.text).slice(s.start, s.end).join('')]),
      meta: d.meta,
    })),
  };
}

describe('doccano JSONL in its other layouts', () => {
  it('reads doccano 1.x exports, whose text is under "data"', () => {
    const { report, docs } = imported([fixture('data-label.jsonl')]);
    expect(report.failed).toEqual([]);
    expect(report.imported.map((r) => r.format)).toEqual(['doccano', 'doccano']);
    expect(docs.map((d) => d.text)).toEqual(['新华社北京3月5日电 国务院总理李强在人民大会堂作政府工作报告。', '王小明说：“𠮷野家明年开店一百家。”']);
    expect(docs.map((d) => d.spans)).toEqual([
      [
        ['ORG', '新华社'],
        ['PER', '李强'],
        ['LOC', '人民大会堂'],
      ],
      [
        ['PER', '王小明'],
        ['ORG', '𠮷野家'],
      ],
    ]);
    // The other fields stay in the document's metadata.
    expect(docs[0]!.meta).toMatchObject({ id: 11, annotation_approver: null, comments: [] });
  });

  it('finds the text and annotation fields chosen at doccano\'s import, with span objects or triples', () => {
    const { report, docs } = imported([fixture('custom-columns.jsonl')]);
    expect(report.failed).toEqual([]);
    expect(report.imported.map((r) => r.format)).toEqual(['doccano', 'doccano']);
    // "source" is text too, but the spans do not fit in it: "content" holds the text.
    expect(docs.map((d) => d.spans)).toEqual([[['PER', '李强']], [['PER', '王小明']]]);
    expect(docs.map((d) => d.meta.source)).toEqual(['新华社', '微博']);
  });

  it('reads the older "labels" field and span objects under "label"', () => {
    // Two texts: the same text twice would be one document (the second is a duplicate).
    const lines = [
      JSON.stringify({ text: '李强在北京', labels: [[0, 2, 'PER']] }),
      JSON.stringify({ text: '李强到北京', label: [{ start_offset: 3, end_offset: 5, label: 'LOC' }] }),
    ];
    const { report, docs } = imported([{ name: 'x.jsonl', data: enc(lines.join('\n')) }]);
    expect(report.failed).toEqual([]);
    expect(docs.map((d) => d.spans)).toEqual([[['PER', '李强']], [['LOC', '北京']]]);
  });

  it('reads intent detection (entities as triples, cats) and keeps document labels, saying so', () => {
    const intent = JSON.stringify({ text: '订一张去北京的机票', entities: [[4, 6, 'LOC']], cats: ['book_flight'] });
    // doccano's own seq2seq example, with its placeholder field names.
    const seq2seq = JSON.stringify({ column_data: 'Good morning.', column_label: ['おはようございます。'] });
    const { report, docs } = imported([
      { name: 'intent.jsonl', data: enc(intent) },
      { name: 'seq2seq.jsonl', data: enc(seq2seq) },
    ]);
    expect(report.failed).toEqual([]);
    expect(docs[0]!.spans).toEqual([['LOC', '北京']]);
    expect(docs[0]!.meta.categories).toEqual(['book_flight']);
    // doccano's classification and seq2seq layouts cannot be told apart: both keep their labels as categories.
    expect(docs[1]!.text).toBe('Good morning.');
    expect(docs[1]!.meta.categories).toEqual(['おはようございます。']);
    expect(report.imported.map((r) => r.notes)).toEqual([
      ['document labels (doccano categories) kept in the metadata, not as spans: 1'],
      ['document labels (doccano categories) kept in the metadata, not as spans: 1'],
    ]);
  });

  it('when the text field cannot be told, says which fields it found and how to name one; named, it imports', () => {
    const file = fixture('two-text-fields.jsonl');
    const refused = importBatch(store, [file]);
    expect(refused.imported).toEqual([]);
    expect(refused.failed).toEqual([
      {
        name: 'two-text-fields.jsonl',
        error:
          'cannot tell which field holds the text: "headline" and "body" both could; name it with --text-field NAME ' +
          '(the import option fields.text), and the annotations\' field with --label-field NAME',
      },
    ]);
    expect(store.documentCount()).toBe(0);

    const { report, docs } = imported([file], { fields: { text: 'body' } });
    expect(report.failed).toEqual([]);
    expect(docs.map((d) => [d.text.slice(0, 3), d.spans])).toEqual([['新华社', [['ORG', '新华社']]]]);
    expect(docs[0]!.meta.headline).toBe('国务院总理李强作报告');
  });

  it('a line without the "text" the others have is named', () => {
    const lines = [JSON.stringify({ text: '李强', label: [] }), JSON.stringify({ txet: '北京', label: [] })];
    expect(importBatch(store, [{ name: 'x.jsonl', data: enc(lines.join('\n')) }]).failed[0]?.error).toBe(
      'line 2: a doccano line needs a "text" string, as the other lines have',
    );
  });

  it('when no field holds text, lists the fields it found', () => {
    const line = JSON.stringify({ id: 3, tags: [[0, 2, 'PER']], score: 0.5 });
    const report = importBatch(store, [{ name: 'x.jsonl', data: enc(line) }]);
    expect(report.failed[0]?.error).toBe(
      'no field holds the text: line 1 has "id" (a number), "tags" (a list), "score" (a number); ' +
        'name the text field with --text-field NAME (the import option fields.text)',
    );
  });

  it('refuses two annotation lists it cannot choose between, and a named field that is missing', () => {
    const line = JSON.stringify({ text: '李强在北京', people: [[0, 2, 'PER']], places: [[3, 5, 'LOC']] });
    const report = importBatch(store, [{ name: 'x.jsonl', data: enc(line) }]);
    expect(report.failed[0]?.error).toBe(
      'cannot tell which field holds the annotations: "people" and "places" both hold [start, end, "LABEL"] lists; ' +
        'name it with --label-field NAME (the import option fields.label)',
    );
    const { docs } = imported([{ name: 'y.jsonl', data: enc(line) }], { fields: { label: 'places' } });
    expect(docs[0]!.spans).toEqual([['LOC', '北京']]);
    expect(docs[0]!.meta.people).toEqual([[0, 2, 'PER']]);
    const missing = importBatch(store, [{ name: 'z.jsonl', data: enc(line) }], { fields: { text: 'body' } });
    expect(missing.failed[0]?.error).toBe('line 1: no "body" text field (named as the text field)');
  });

  it('a doccano file with a plain "text" and annotations under another name is not read as Loupe JSONL (spans were dropped)', () => {
    const line = JSON.stringify({ text: '李强在北京', ner: [[0, 2, 'PER']] });
    const { report, docs } = imported([{ name: 'x.jsonl', data: enc(line) }]);
    expect(report.imported.map((r) => r.format)).toEqual(['doccano']);
    expect(docs[0]!.spans).toEqual([['PER', '李强']]);
  });

  it('the CLI names the fields with --text-field and --label-field', () => {
    const corpus = path.join(dir, 'cli.loupe');
    const file = path.join(FIXTURES, 'doccano', 'two-text-fields.jsonl');
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
    const refused = run('import', corpus, file);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/--text-field NAME/);
    const named = run('import', corpus, file, '--text-field', 'body', '--label-field', 'tags');
    expect(named.stderr).toBe('');
    expect(named.stdout).toMatch(/imported .*two-text-fields\.jsonl \(doccano, UTF-8, 1 span, 0 links\)/);
    expect(named.status).toBe(0);
  });
});
