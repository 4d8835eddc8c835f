/**
 * Exports of several annotators' layers in other tools' terms (issue 15, Deliver 5): Label Studio, an
 * annotation per annotator with `completed_by` (the gold layer's the ground truth); brat, a folder per
 * annotator; CoNLL, the gold layer alone unless layers are chosen. Each read back by a merge into a
 * fresh corpus, which must find every layer as it was.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './cliRun';
import { layersOf, tag } from './layerHelpers';
import { curateSpans } from '../../src/main/services/curation';
import { openCorpusStore } from '../../src/main/services/loupeService';

const DOCS = ['县委书记周振华在会上说：“今年我们要把问题找准，把责任压实。”', '市长表示，明年将新建学校十所，确保群众满意。'];

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-layer-exports-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));



function emptyCorpus(name: string): string {
  const file = path.join(dir, name);
  const store = openCorpusStore(file, { create: true });
  for (const [i, text] of DOCS.entries()) store.insertDocument({ title: `第${i + 1}篇`, text });
  store.close();
  return file;
}

/** 王芳 and li tag both documents; li's quote is linked to li's official; the official is curated into gold from 王芳's. */
function teamCorpus(): string {
  const file = emptyCorpus('team.loupe');
  const store = openCorpusStore(file, { create: false });
  try {
    store.annotator = '王芳';
    tag(store, 1, 'w1', 'official', '县委书记周振华');
    tag(store, 2, 'w2', 'pledge', '新建学校十所');
    store.annotator = 'li';
    tag(store, 1, 'l1', 'official', '周振华');
    tag(store, 1, 'l2', 'quote', '今年我们要把问题找准');
    store.saveDocument({ id: 1, upsert: [], remove: [], upsertLinks: [{ id: 'll', type: 'speaker', from: 'l2', to: 'l1' }] });
    store.annotator = null;
    curateSpans(store, { documentId: 1, gold: 'gold', spans: ['w1', 'l1'], accept: ['w1'], curator: 'lead' });
  } finally {
    store.close();
  }
  return file;
}


const LAYERS = {
  gold: ['1:official:县委书记周振华'],
  li: ['1:official:周振华', '1:quote:今年我们要把问题找准', '1:speaker'],
  王芳: ['1:official:县委书记周振华', '2:pledge:新建学校十所'],
};

describe('exports of several layers', () => {
  it('Label Studio: an annotation per annotator, completed_by naming them, the gold layer’s the ground truth; merged back as it was', async () => {
    const corpus = teamCorpus();
    const out = path.join(dir, 'tasks.json');
    expect((await cli('export', corpus, '--format', 'label-studio', '--out', out)).code).toBe(0);
    const tasks = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      annotations?: { completed_by: { loupe_annotator: string }; ground_truth: boolean; result: { type: string; value?: { text: string } }[] }[];
      predictions: unknown[];
    }[];
    expect(tasks[0]!.annotations!.map((a) => [a.completed_by.loupe_annotator, a.ground_truth, a.result.map((r) => r.value?.text ?? r.type)])).toEqual([
      ['gold', true, ['县委书记周振华']],
      ['li', false, ['周振华', '今年我们要把问题找准', 'relation']],
      ['王芳', false, ['县委书记周振华']],
    ]);
    expect(tasks[0]!.predictions).toEqual([]);
    // File › Import reads one result per task, and says what it left.
    const blank = path.join(dir, 'blank.loupe');
    openCorpusStore(blank, { create: true }).close();
    const imported = await cli('import', blank, out);
    expect(imported.out).toMatch(/Label Studio annotations left out \(the last was read; File › Merge annotations from… keeps each annotator's\): 2/);
    const fresh = emptyCorpus('fresh.loupe');
    const merged = await cli('merge', fresh, out);
    expect(merged.err).toBe('');
    expect(layersOf(fresh)).toEqual(LAYERS);
  });

  it('brat: a folder per annotator, each with every document; merged back folder by folder', async () => {
    const corpus = teamCorpus();
    const out = path.join(dir, 'brat.zip');
    expect((await cli('export', corpus, '--format', 'brat', '--out', out)).code).toBe(0);
    const zip = unzipSync(fs.readFileSync(out));
    expect(Object.keys(zip).sort()).toEqual([
      'README.txt',
      'annotation.conf',
      'gold/1-第1篇.ann',
      'gold/1-第1篇.txt',
      'gold/2-第2篇.ann',
      'gold/2-第2篇.txt',
      'li/1-第1篇.ann',
      'li/1-第1篇.txt',
      'li/2-第2篇.ann',
      'li/2-第2篇.txt',
      '王芳/1-第1篇.ann',
      '王芳/1-第1篇.txt',
      '王芳/2-第2篇.ann',
      '王芳/2-第2篇.txt',
    ]);
    expect(strFromU8(zip['li/1-第1篇.ann']!)).toMatch(/^T1\tofficial 4 7\t周振华\nT2\tquote 13 23\t今年我们要把问题找准\nR1\tspeaker Arg1:T2 Arg2:T1\n$/);
    expect(strFromU8(zip['li/2-第2篇.ann']!)).toBe('');
    // The zip merges back as it is: each folder its annotator's layer.
    const fresh = emptyCorpus('fresh.loupe');
    const merged = await cli('merge', fresh, out);
    expect(merged.err).toBe('');
    expect(layersOf(fresh)).toEqual(LAYERS);
    // Unpacked, one folder is brat's collection of one annotator's work: merged as the named annotator's.
    const unpacked = path.join(dir, 'unpacked');
    for (const [name, bytes] of Object.entries(zip)) {
      fs.mkdirSync(path.dirname(path.join(unpacked, name)), { recursive: true });
      fs.writeFileSync(path.join(unpacked, name), bytes);
    }
    const other = emptyCorpus('other.loupe');
    expect((await cli('merge', other, path.join(unpacked, 'li'), '--annotator', 'li')).err).toBe('');
    expect(layersOf(other)).toEqual({ li: LAYERS.li });
  });

  it('brat folder names stay apart where file names ignore case, and are never a device name or outside the zip', async () => {
    const file = emptyCorpus('names.loupe');
    const store = openCorpusStore(file, { create: false });
    for (const [who, id] of [['Alice', 'a1'], ['alice', 'a2'], ['con.txt', 'a3'], ['../up', 'a4']] as const) {
      store.annotator = who;
      tag(store, 1, id, 'official', '周振华');
    }
    store.close();
    const out = path.join(dir, 'names.zip');
    expect((await cli('export', file, '--format', 'brat', '--out', out)).code).toBe(0);
    const folders = [...new Set(Object.keys(unzipSync(fs.readFileSync(out))).filter((n) => n.includes('/')).map((n) => n.split('/')[0]))];
    expect(folders).toEqual(['up', 'Alice', 'alice_2', 'annotator_con.txt']);
  });

  it('CoNLL: the gold layer alone unless layers are chosen, and says so', async () => {
    const corpus = teamCorpus();
    const gold = await cli('export', corpus, '--format', 'conll', '--out', '-');
    expect(gold.out).toContain('县\tB-official');
    expect(gold.out).not.toContain('B-quote');
    expect(gold.err).toMatch(/spans of the annotators' layers left out \(conll holds one layer: the gold layer gold; choose the layers to export others\): 4/);
    expect(gold.err).toMatch(/^wrote 2 documents, 1 span, 0 links to stdout/);
    const li = await cli('export', corpus, '--format', 'conll', '--annotators', 'li', '--out', '-');
    expect(li.out).toContain('今\tB-quote');
    expect(li.out).toContain('县\tO');
    expect(li.err).not.toMatch(/left out/);
  });
});
