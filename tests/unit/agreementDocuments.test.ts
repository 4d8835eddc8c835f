/**
 * What agreement reads (src/main/services/agreementDocuments.ts): the documents a worker thread reads
 * and sends packed as columns are the documents read in this thread, span for span; a failure in the
 * worker is an error here; where this thread may not block (as an embedder may forbid), the command
 * reads and checks in its own thread and gives the same report.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { corpusAgreement } from '../../src/main/services/agreement';
import { agreementDocumentsInWorker, packDocuments, readAgreementDocuments, unpackDocuments } from '../../src/main/services/agreementDocuments';
import { readWhileChecking, startIntegrityCheck } from '../../src/main/services/integrityCheck';
import { openCorpusStore } from '../../src/main/services/loupeService';
import { canBlock } from '../../src/main/services/syncWorker';
import type { AgreementDocument } from '../../src/shared/agreement/layers';
import { loseIndexEntry } from './damage';
import { at } from './layerHelpers';

const TEXTS = ['县委书记周振华说：“今年要把问题找准，把责任压实。”𠀀👍🏽', '会议强调，要坚持人民至上。', '无人标注的一篇', '市长表示，明年新建学校十所。'];

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-agreement-docs-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Three annotators over four documents: spans in pieces, attribute values, links, a layer with no span, odd ids. */
function corpus(): string {
  const file = path.join(dir, 'team.loupe');
  const store = openCorpusStore(file, { create: true });
  try {
    for (const [i, text] of TEXTS.entries()) store.insertDocument({ title: `第${i + 1}篇`, text });
    const save = (who: string, id: number, spans: { id: string; label: string; words: string; pieces?: [number, number][]; attrs?: Record<string, string> }[], links: [string, string, string][] = []) => {
      store.annotator = who;
      const text = TEXTS[id - 1]!;
      store.saveDocument({
        id,
        upsert: spans.map((s) => {
          const [start, end] = at(text, s.words);
          return { id: s.id, label: s.label, start, end, ...(s.pieces ? { fragments: s.pieces } : {}), ...(s.attrs ? { attrs: s.attrs } : {}) };
        }),
        remove: [],
        upsertLinks: links.map(([lid, from, to]) => ({ id: lid, type: 'speaker', from, to })),
      });
    };
    save('li', 1, [
      { id: 'li-o', label: 'official', words: '县委书记周振华' },
      { id: 'li-q', label: 'quote', words: '今年要把问题找准，把责任压实。', attrs: { kind: 'direct' } },
      { id: '𝒾d with spaces\u0000and a NUL', label: 'slogan', words: '把责任压实' },
    ], [['li-l', 'li-q', 'li-o']]);
    save('王芳', 1, [
      { id: 'w-o', label: 'official', words: '周振华' },
      { id: 'w-q', label: 'quote', words: '今年要把问题找准，把责任压实。', pieces: [[at(TEXTS[0]!, '今年')[0], at(TEXTS[0]!, '找准')[1]], at(TEXTS[0]!, '把责任压实。')], attrs: { kind: 'mixed' } },
      { id: 'w-e', label: 'slogan', words: '👍🏽' },
    ], [['w-l', 'w-q', 'w-o']]);
    save('sam', 2, [{ id: 's1', label: 'slogan', words: '人民至上' }]);
    save('li', 2, [{ id: 'l2', label: 'slogan', words: '人民至上' }]);
    store.addToLayer(4, 'sam', [], []); // read, nothing to tag: a layer with no span
    save('li', 4, [{ id: 'l4', label: 'official', words: '市长' }]);
  } finally {
    store.close();
  }
  return file;
}

const ANNOTATORS = ['li', 'sam', '王芳'];

/** The documents as plain data (what the report reads of them). */
const plain = (docs: Iterable<AgreementDocument>) =>
  [...docs].map((d) => ({
    ...d,
    layers: d.layers.map((l) => l && { links: l.links, spans: l.spans.map((s) => ({ id: s.id, label: s.label, start: s.start, end: s.end, fragments: s.fragments ?? null, attrs: s.attrs ?? null })) }),
  }));

describe('the documents agreement reads', () => {
  it('are the same read in a worker and packed as columns as read in this thread', () => {
    const file = corpus();
    const store = openCorpusStore(file, { create: false, readOnly: true });
    try {
      const here = plain(readAgreementDocuments(store, ANNOTATORS));
      expect(here).toHaveLength(4);
      expect(here[0]!.layers[1]).toBeNull(); // sam has no layer of document 1
      expect(here[3]!.layers[1]).toEqual({ spans: [], links: [] }); // and an empty one of document 4
      expect(here[0]!.layers[2]!.spans.find((s) => s.id === 'w-q')).toMatchObject({ fragments: [[10, 18], [19, 25]], attrs: { kind: 'mixed' } });
      expect(here[0]!.layers[0]!.links).toEqual([{ id: 'li-l', type: 'speaker', from: 'li-q', to: 'li-o' }]);
      expect(plain(unpackDocuments(packDocuments([...readAgreementDocuments(store, ANNOTATORS)], 3), 3))).toEqual(here);
      expect(plain(agreementDocumentsInWorker(file, ANNOTATORS))).toEqual(here);
      expect(corpusAgreement(store, {}, { readInWorker: true })).toEqual(corpusAgreement(store));
    } finally {
      store.close();
    }
  });

  it('a failure in the worker is an error here, not a wait', () => {
    expect(() => [...agreementDocumentsInWorker(path.join(dir, 'none.loupe'), ANNOTATORS)]).toThrow(/no corpus at/);
  });

  it('where this thread may not block, it reads and checks by itself, with the same outcome', () => {
    const file = corpus();
    const store = openCorpusStore(file, { create: false, readOnly: true });
    const expected = corpusAgreement(store, {}, { readInWorker: true });
    const wait = vi.spyOn(Atomics, 'wait').mockImplementation(() => {
      throw new TypeError('Atomics.wait cannot be called in this context');
    });
    try {
      expect(canBlock()).toBe(false);
      expect(readWhileChecking(file, () => corpusAgreement(store, {}, { readInWorker: true }))).toEqual(expected);
    } finally {
      store.close();
    }
    loseIndexEntry(file, 'l2');
    expect(() => startIntegrityCheck(file).wait()).toThrow(/fails SQLite's integrity check/);
    wait.mockRestore();
    expect(canBlock()).toBe(true);
    expect(() => startIntegrityCheck(file).wait()).toThrow(/fails SQLite's integrity check/);
  });
});
