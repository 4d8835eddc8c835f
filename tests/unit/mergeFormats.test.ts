/**
 * Merging other tools' exports of the annotators' work (issue 15, Deliver 2): Loupe JSONL/JSON, whose
 * spans name their annotator; Label Studio JSON, one annotation per annotator (`completed_by`); brat
 * and doccano, which name nobody (the merge asks whose, --annotator). Documents matched by id and by
 * text, an edited text aligned; a file that cannot be read merges nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './cliRun';
import { at, layersOf, tag } from './layerHelpers';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';

const DOCS = ['县委书记周振华在会上说：“今年我们要把问题找准，把责任压实。”', '市长表示，明年将新建学校十所，确保群众满意。𠮷'];

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-merge-formats-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));


function corpus(name: string, fill?: (store: CorpusStore) => void): string {
  const file = path.join(dir, name);
  const store = openCorpusStore(file, { create: true });
  try {
    for (const [i, text] of DOCS.entries()) store.insertDocument({ title: `第${i + 1}篇`, text });
    fill?.(store);
  } finally {
    store.close();
  }
  return file;
}



describe('loupe merge from other formats', () => {
  it('takes a Loupe JSONL export: each span into its annotator’s layer, a link with its spans, an edited text aligned', async () => {
    const lead = corpus('lead.loupe');
    const copy = corpus('copy.loupe', (store) => {
      store.annotator = '王芳';
      tag(store, 1, 'w1', 'official', '周振华');
      tag(store, 1, 'w2', 'quote', '今年我们要把问题找准');
      store.saveDocument({ id: 1, upsert: [], remove: [], upsertLinks: [{ id: 'wl', type: 'speaker', from: 'w2', to: 'w1' }] });
      store.annotator = 'li';
      tag(store, 2, 'l1', 'official', '市长');
      // li fixes the text of document 2 in the copy: its spans move with it.
      const text = store.getDocument(2).text;
      store.saveDocument({ id: 2, text: `据报道，${text}`, upsert: [{ id: 'l1', label: 'official', start: 4, end: 6 }], remove: [] });
      tag(store, 2, 'l2', 'pledge', '新建学校十所');
    });
    const jsonl = path.join(dir, 'copy.jsonl');
    expect((await cli('export', copy, '--format', 'jsonl', '--out', jsonl)).code).toBe(0);
    const dry = await cli('merge', lead, jsonl, '--dry-run');
    expect(dry.err).toBe('');
    expect(dry.out).toContain('would merge');
    expect(layersOf(lead)).toEqual({});

    const merged = await cli('merge', lead, jsonl);
    expect(merged.err).toBe('');
    expect(merged.out).toContain('2 documents (1 by id, 0 by text, 1 with an edited text aligned, 0 not found)');
    expect(merged.out).toContain('王芳: 2 spans and 1 link added to 1 document');
    expect(merged.out).toContain('li: 2 spans and 0 links added to 1 document');
    expect(layersOf(lead)).toEqual({
      王芳: ['1:official:周振华', '1:quote:今年我们要把问题找准', '1:speaker'],
      li: ['2:official:市长', '2:pledge:新建学校十所'],
    });
    // Again: nothing new.
    expect((await cli('merge', lead, jsonl)).out).toContain('王芳: 0 spans and 0 links added to 0 documents; 1 unchanged');

    // The JSON export (one file) merges as the JSONL does.
    const json = path.join(dir, 'copy.json');
    expect((await cli('export', copy, '--format', 'json', '--out', json)).code).toBe(0);
    const other = corpus('other.loupe');
    expect((await cli('merge', other, json)).code).toBe(0);
    expect(layersOf(other)).toEqual(layersOf(lead));
  });

  it('takes Label Studio JSON: one layer per annotation, named by completed_by; a cancelled one left out', async () => {
    const lead = corpus('lead.loupe');
    const text = DOCS[0]!;
    const region = (id: string, label: string, words: string) => {
      const [start, end] = at(text, words);
      return { id, from_name: 'label', to_name: 'text', type: 'labels', value: { start, end, text: words, labels: [label] } };
    };
    const task = {
      id: 40,
      data: { text },
      annotations: [
        { id: 1, completed_by: { id: 3, email: 'wang@example.org' }, result: [region('r1', 'official', '县委书记周振华'), region('r2', 'quote', '今年我们要把问题找准'), { type: 'relation', from_id: 'r2', to_id: 'r1', direction: 'right', labels: ['speaker'] }] },
        { id: 2, completed_by: 7, result: [region('r1', 'official', '周振华')] },
        { id: 3, completed_by: 9, was_cancelled: true, result: [region('r1', 'slogan', '周振华')] },
        // user 7's second annotation draws the same official again, and a quote: kept once, and added.
        { id: 4, completed_by: 7, result: [region('r1', 'official', '周振华'), region('r2', 'quote', '今年我们要把问题找准，把责任压实')] },
      ],
      predictions: [{ result: [region('p1', 'pledge', '问题找准')] }],
    };
    const file = path.join(dir, 'project-1.json');
    fs.writeFileSync(file, JSON.stringify([task]));
    // The prediction is nobody's: whose it is must be said.
    const nameless = await cli('merge', lead, file);
    expect(nameless.out).toContain('1 span(s) with no annotator: name whose they are (--annotator NAME); not merged');
    expect(nameless.out).toContain('user 7: 1 span(s) drawn twice in one layer (the same label and text): kept once');
    const merged = await cli('merge', lead, file, '--annotator', 'model');
    expect(merged.err).toBe('');
    expect(merged.out).toContain('1 document (0 by id, 1 by text, 0 with an edited text aligned, 0 not found)');
    expect(merged.out).toContain('wang@example.org: 0 spans and 0 links added to 0 documents; 1 unchanged');
    expect(layersOf(lead)).toEqual({
      model: ['1:pledge:问题找准'],
      'user 7': ['1:official:周振华', '1:quote:今年我们要把问题找准，把责任压实'],
      'wang@example.org': ['1:official:县委书记周振华', '1:quote:今年我们要把问题找准', '1:speaker'],
    });
  });

  it('asks whose the spans of brat and doccano files are, and merges them as --annotator’s', async () => {
    const lead = corpus('lead.loupe');
    const copy = corpus('copy.loupe', (store) => {
      store.annotator = null;
      tag(store, 1, 'x1', 'official', '县委书记周振华');
      tag(store, 2, 'x2', 'pledge', '新建学校十所');
    });
    const brat = path.join(dir, 'copy-brat.zip');
    expect((await cli('export', copy, '--format', 'brat', '--out', brat)).code).toBe(0);
    const nameless = await cli('merge', lead, brat);
    expect(nameless.out).toContain('span(s) with no annotator: name whose they are (--annotator NAME); not merged');
    expect(layersOf(lead)).toEqual({});
    expect((await cli('merge', lead, brat, '--annotator', '张三')).code).toBe(0);
    expect(layersOf(lead)).toEqual({ 张三: ['1:official:县委书记周振华', '2:pledge:新建学校十所'] });

    const doccano = path.join(dir, 'admin.jsonl');
    expect((await cli('export', copy, '--format', 'doccano', '--out', doccano)).code).toBe(0);
    expect((await cli('merge', lead, doccano, '--annotator', 'admin')).code).toBe(0);
    expect(layersOf(lead).admin).toEqual(['1:official:县委书记周振华', '2:pledge:新建学校十所']);
  });

  it('takes a doccano project export (a zip, or its folder, of one JSONL file per member) as each member’s layer', async () => {
    const copy = corpus('copy.loupe', (store) => {
      store.annotator = null;
      tag(store, 1, 'x1', 'official', '县委书记周振华');
      tag(store, 2, 'x2', 'pledge', '新建学校十所');
    });
    const exported = path.join(dir, 'doccano.jsonl');
    expect((await cli('export', copy, '--format', 'doccano', '--out', exported)).code).toBe(0);
    const lines = fs.readFileSync(exported, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { label: [number, number, string][] });
    // As doccano writes it with annotations not shared: admin's, 王芳's (she calls the official a quote), and all.jsonl with none.
    const files: Record<string, string> = {
      'admin.jsonl': lines.map((l) => JSON.stringify(l)).join('\n'),
      '王芳.jsonl': lines.map((l) => JSON.stringify({ ...l, label: l.label.map(([a, b, label]) => [a, b, label === 'official' ? 'quote' : label]) })).join('\n'),
      'all.jsonl': lines.map((l) => JSON.stringify({ ...l, label: [] })).join('\n'),
    };
    const zip = path.join(dir, 'project.zip');
    fs.writeFileSync(zip, zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(`${text}\n`)]))));
    const lead = corpus('lead.loupe');
    const merged = await cli('merge', lead, zip);
    expect(merged.err).toBe('');
    expect(merged.out).not.toContain('no annotator');
    expect(layersOf(lead)).toEqual({
      admin: ['1:official:县委书记周振华', '2:pledge:新建学校十所'],
      王芳: ['1:quote:县委书记周振华', '2:pledge:新建学校十所'],
    });
    // The members' files unzipped into a folder, without all.jsonl: they hold the same texts, as a project's do.
    const folder = path.join(dir, 'project');
    fs.mkdirSync(folder);
    for (const [name, text] of Object.entries(files)) if (name !== 'all.jsonl') fs.writeFileSync(path.join(folder, name), `${text}\n`);
    const again = corpus('again.loupe');
    expect((await cli('merge', again, folder)).code).toBe(0);
    expect(layersOf(again)).toEqual(layersOf(lead));
    // One file alone names no one (its name may be anything): whose it is must be said.
    const alone = await cli('merge', corpus('alone.loupe'), path.join(folder, 'admin.jsonl'));
    expect(alone.out).toContain('span(s) with no annotator: name whose they are (--annotator NAME); not merged');
    // Nor do the parts of a dataset (other texts in each file): they are one person's, said with --annotator.
    const parts = path.join(dir, 'parts');
    fs.mkdirSync(parts);
    fs.writeFileSync(path.join(parts, 'part1.jsonl'), `${JSON.stringify(lines[0])}\n`);
    fs.writeFileSync(path.join(parts, 'part2.jsonl'), `${JSON.stringify(lines[1])}\n`);
    const split = corpus('parts.loupe');
    expect((await cli('merge', split, parts)).out).toContain('span(s) with no annotator: name whose they are (--annotator NAME); not merged');
    expect((await cli('merge', split, parts, '--annotator', '张三')).code).toBe(0);
    expect(layersOf(split)).toEqual({ 张三: ['1:official:县委书记周振华', '2:pledge:新建学校十所'] });
  });

  it('remembers what it merged from another tool’s file by annotator and document, not by its ids alone', async () => {
    const lead = corpus('lead.loupe');
    const copy = corpus('copy.loupe', (store) => {
      store.annotator = null;
      tag(store, 1, 'x1', 'official', '县委书记周振华');
      tag(store, 2, 'x2', 'official', '市长');
    });
    const brat = path.join(dir, 'export.zip');
    expect((await cli('export', copy, '--format', 'brat', '--out', brat)).code).toBe(0);
    expect((await cli('merge', lead, brat, '--annotator', 'a')).code).toBe(0);
    // a removes their first span (T1 of document 1); b's file has the same name and the same ids.
    const store = openCorpusStore(lead, { create: false });
    store.annotator = 'a';
    store.saveDocument({ id: 1, upsert: [], remove: [store.getDocument(1, [], 'a').spans[0]!.id] });
    store.close();
    const again = await cli('merge', lead, brat, '--annotator', 'b');
    expect(again.out).toContain('b: 2 spans and 0 links added to 2 documents');
    expect(layersOf(lead)).toEqual({ a: ['2:official:市长'], b: ['1:official:县委书记周振华', '2:official:市长'] });
    // a's removed span is not brought back by merging a's file again.
    expect((await cli('merge', lead, brat, '--annotator', 'a')).out).toContain('1 span(s) merged from this copy before were removed in the corpus since: not brought back');
    expect(layersOf(lead).a).toEqual(['2:official:市长']);
  });

  it('does not take a foreign file’s document id for the corpus’s document when the texts are unrelated', async () => {
    const lead = corpus('lead.loupe');
    const file = path.join(dir, 'other.jsonl');
    fs.writeFileSync(file, `${JSON.stringify({ id: 1, text: '完全不同的另一篇文章，讲的是天气。', spans: [{ label: 'official', start: 0, end: 2, annotator: 'a' }] })}\n`);
    const merged = await cli('merge', lead, file);
    expect(merged.out).toContain('1 document (0 by id, 0 by text, 0 with an edited text aligned, 1 not found)');
    expect(layersOf(lead)).toEqual({});
  });

  it('refuses a file it cannot read, merging nothing of it', async () => {
    const lead = corpus('lead.loupe');
    const broken = path.join(dir, 'broken.jsonl');
    fs.writeFileSync(broken, '{"text": "县委书记", "spans": [{"label": "official", "start": 0, "end": 4}]}\n{not json\n');
    const refused = await cli('merge', lead, broken, '--annotator', 'a');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/could not read a file of .*broken\.jsonl: .*line 2.*; nothing of it was merged/);
    expect(layersOf(lead)).toEqual({});
    expect((await cli('merge', lead, path.join(dir, 'none.json'))).err).toMatch(/does not exist; nothing of it was merged/);
    expect((await cli('merge', lead, broken, '--format', 'nope')).code).toBe(2);
    const plain = path.join(dir, 'notes.txt');
    fs.writeFileSync(plain, DOCS[0]!);
    expect((await cli('merge', lead, plain, '--annotator', 'a')).err).toMatch(/read as text, a format with no annotations to merge/);
    expect(layersOf(lead)).toEqual({});
  });
});
