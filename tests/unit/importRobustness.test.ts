/**
 * Malformed or misleading input that once slipped through: each is refused with a clear per-file
 * error (nothing stored) or read as its format says, never stored wrongly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectingContext, type ExportSource } from '../../src/main/formats/export';
import { conllExporter } from '../../src/main/formats/export/conll';
import { importBatch } from '../../src/main/services/importer';
import { markdownToHtml } from '../../src/main/formats/import/markdown';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import { schemaProblems } from '../../src/shared/schema';
import type { ImportFormat, LoupeDocument } from '../../src/shared/types';

const enc = (s: string) => new TextEncoder().encode(s);
let dir: string;
let store: CorpusStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-robust-'));
  store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const importOne = (name: string, content: string, format?: ImportFormat) => importBatch(store, [{ name, data: enc(content) }], format ? { format } : {});

describe('malformed or misleading imports', () => {
  it('a Loupe JSON export with a malformed schema brings only well-typed fields into the corpus schema', () => {
    const bad = JSON.stringify({
      labels: [
        { name: 'X', attributes: [{ name: 'k', kind: 'choice', options: 'ab', default: null, description: {}, extra: 'junk' }] },
        { name: 'Y', attributes: [{ name: 't', kind: 'text' }] },
      ],
      documents: [{ text: 'hello', spans: [{ label: 'X', start: 0, end: 5, attrs: { k: 'a' } }] }],
    });
    const report = importOne('x.json', bad);
    expect(report.failed).toEqual([]);
    const labels = store.schema().labels;
    // options "ab" (not a list) is dropped; the value the span uses becomes the choice's option
    expect(labels.find((l) => l.name === 'X')!.attributes).toEqual([{ name: 'k', kind: 'choice', options: ['a'], default: null, description: '' }]);
    expect(labels.find((l) => l.name === 'Y')!.attributes).toEqual([{ name: 't', kind: 'text', options: [], default: null, description: '' }]);
    expect(schemaProblems(store.schema())).toEqual([]);
    // a declared attribute that is wrong in a way data cannot mend refuses the file
    const worse = JSON.stringify({ labels: [{ name: 'Z', attributes: [{ name: 'k', kind: 'choice' }] }], documents: [{ text: 'x' }] });
    expect(importOne('y.json', worse).failed[0]?.error).toMatch(/choice “k” of “Z” needs at least one option/);
  });

  it('Loupe JSONL whose offsets are in another unit than it says is caught by the span text', () => {
    const line = JSON.stringify({ text: '😀 Alice met', offset_unit: 'codepoint', spans: [{ label: 'slogan', start: 3, end: 8, text: 'Alice' }] });
    const report = importOne('x.jsonl', line);
    expect(report.failed[0]?.error).toMatch(/give “lice ”, not its text “Alice”/);
    expect(store.documentCount()).toBe(0);
  });

  it('fields that must be lists are refused when they are not, instead of being dropped', () => {
    expect(importOne('a.jsonl', JSON.stringify({ text: 'abc', spans: 'oops' })).failed[0]?.error).toMatch(/"spans" must be a list/);
    expect(importOne('b.jsonl', JSON.stringify({ text: 'abc', entities: {} }), 'doccano').failed[0]?.error).toMatch(/"entities" must be a list/);
    const classified = importOne('c.jsonl', JSON.stringify({ text: 'abc', label: 'positive' }), 'doccano');
    expect(classified.failed).toEqual([]);
    expect(store.getDocument(classified.imported[0]!.documentId).meta.categories).toEqual(['positive']);
  });

  it('a Label Studio task without data.text takes its only text field, never its title', () => {
    const task = (data: Record<string, unknown>) => JSON.stringify([{ id: 1, data, annotations: [] }]);
    const one = importOne('a.json', task({ title: 'Headline', text2: 'hello world' }));
    expect(store.getDocument(one.imported[0]!.documentId).text).toBe('hello world');
    expect(importOne('b.json', task({ title: 'Headline', a: 'one', b: 'two' })).failed[0]?.error).toMatch(/no "data.text"/);
  });

  it('brat: the text column must be what the offsets select', () => {
    const report = importBatch(store, [
      { name: 'a.txt', data: enc('New York is big') },
      { name: 'a.ann', data: enc('T1\tPlace 0 3\tNew York\n') },
    ]);
    expect(report.failed[0]?.error).toMatch(/New York/);
    expect(store.documentCount()).toBe(0);
  });

  it('a file the shell could not read (too large in a folder) is reported as failed, the rest import', () => {
    const report = importBatch(store, [
      { name: 'news/video.txt', data: new Uint8Array(), error: 'the file is larger than the 64 MB import limit' },
      { name: 'news/a.txt', data: enc('标题\n正文') },
    ]);
    expect(report.failed).toEqual([{ name: 'news/video.txt', error: 'the file is larger than the 64 MB import limit' }]);
    expect(report.imported.map((r) => r.name)).toEqual(['news/a.txt']);
  });

  it('Markdown nested deeper than any article is refused before it is rendered', () => {
    const deep = Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n');
    expect(() => markdownToHtml(deep)).toThrow(/nested too deeply/);
    expect(markdownToHtml('- a\n  - b\n    - c')).toContain('<li>');
  });

  it('CoNLL tags never contain whitespace: a label with a space is written with _ and reported', () => {
    const doc: LoupeDocument = {
      id: 1,
      title: 't',
      text: '北京很大',
      meta: {},
      status: 'new',
      note: '',
      spans: [{ id: 's', label: 'Named Entity', start: 0, end: 2, fragments: [[0, 2]], attrs: {}, note: '', annotator: null, createdAt: '', updatedAt: '' }],
      links: [],
      revision: 0,
      createdAt: '',
      updatedAt: '',
    };
    const source: ExportSource = { labels: [], linkTypes: [], corpusName: 'c', documents: () => [doc] };
    const ctx = collectingContext('codepoint');
    const out = [...conllExporter(source, ctx)].join('');
    expect(out).toContain('北\tB-Named_Entity');
    for (const line of out.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line.split(/\s+/)).toHaveLength(2);
    expect(ctx.losses.get('spans whose label has spaces, tagged with _ instead')).toBe(1);
  });
});
