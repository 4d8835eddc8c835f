/**
 * `loupe curate`: the gold layer gets what all (or a majority) of the annotators of a document drew
 * alike, with the attribute values they agree on and the links between accepted spans; it keeps what
 * it has; `loupe export --annotators gold` writes the gold layer alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './cliRun';
import { openCorpusStore } from '../../src/main/services/loupeService';

const TEXT = '县委书记在会上说：“今年我们要把问题找准，把责任压实。”';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-curate-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));


/** Three annotators: all draw the official (one names him otherwise), two the quote and the link; a second document only a has. */
function teamCorpus(): string {
  const file = path.join(dir, 'team.loupe');
  const store = openCorpusStore(file, { create: true });
  try {
    store.insertDocument({ title: '1', text: TEXT });
    store.insertDocument({ title: '2', text: TEXT });
    for (const who of ['a', 'b', 'c']) {
      store.annotator = who;
      const upsert = [{ id: `${who}-o`, label: 'official', start: 0, end: 4, attrs: { name: who === 'c' ? '周' : '周振华' } }];
      if (who !== 'c') upsert.push({ id: `${who}-q`, label: 'quote', start: 9, end: 26 } as (typeof upsert)[number]);
      store.saveDocument({ id: 1, upsert, remove: [], ...(who !== 'c' ? { upsertLinks: [{ id: `${who}-l`, type: 'speaker', from: `${who}-q`, to: `${who}-o` }] } : {}) });
    }
    store.annotator = 'a';
    store.saveDocument({ id: 2, upsert: [{ id: 'a2', label: 'quote', start: 9, end: 26 }], remove: [] });
  } finally {
    store.close();
  }
  return file;
}

const goldOf = (file: string) => {
  const store = openCorpusStore(file, { create: false });
  try {
    const doc = store.getDocument(1, [], 'gold');
    return { spans: doc.spans.map((s) => [s.label, s.start, s.end, s.attrs]), links: doc.links.length, second: store.getDocument(2, [], 'gold').spans.length };
  } finally {
    store.close();
  }
};

describe('loupe curate', () => {
  it('accepts what all of them drew alike, then a majority; keeps the gold layer; exports it alone', async () => {
    const corpus = teamCorpus();
    const dry = await cli('curate', corpus, '--gold', 'gold', '--dry-run');
    expect(dry.out).toBe('would add to gold: 1 span and 0 links that all of a, b, c drew alike, over 1 document\n');
    expect(goldOf(corpus).spans).toEqual([]);

    const all = await cli('curate', corpus, '--gold', 'gold');
    expect(all.out).toMatch(/^added to gold: 1 span and 0 links that all of a, b, c/);
    // The name is not agreed (c wrote another): the gold span has none.
    expect(goldOf(corpus)).toEqual({ spans: [['official', 0, 4, {}]], links: 0, second: 0 });

    const majority = await cli('curate', corpus, '--gold', 'gold', '--threshold', 'majority');
    expect(majority.out).toBe('added to gold: 1 span and 1 link that a majority of a, b, c drew alike, over 1 document (1 agreed span already there)\n');
    expect(goldOf(corpus)).toEqual({ spans: [['official', 0, 4, {}], ['quote', 9, 26, {}]], links: 1, second: 0 });

    const again = await cli('curate', corpus, '--gold', 'gold', '--threshold', 'majority');
    expect(again.out).toMatch(/added to gold: 0 spans and 0 links .* \(2 agreed spans already there\)/);

    const out = path.join(dir, 'gold.jsonl');
    expect((await cli('export', corpus, '--format', 'jsonl', '--annotators', 'gold', '--out', out)).code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { spans: { label: string; annotator: string }[]; links: unknown[] });
    expect(lines[0]!.spans.map((s) => [s.label, s.annotator])).toEqual([['official', 'gold'], ['quote', 'gold']]);
    expect(lines[0]!.links).toHaveLength(1);
    expect(lines[1]!.spans).toEqual([]);
  });

  it('refuses clearly', async () => {
    const corpus = teamCorpus();
    expect((await cli('curate', corpus)).err).toMatch(/--gold NAME is required/);
    expect((await cli('curate', corpus, '--gold', 'a', '--annotators', 'a,b')).err).toMatch(/the gold layer \(a\) cannot be one of the layers/);
    expect((await cli('curate', corpus, '--gold', 'g', '--annotators', 'a,zed')).err).toMatch(/no layer of zed/);
    expect((await cli('curate', corpus, '--gold', 'g', '--threshold', 'most')).err).toMatch(/--threshold must be all or majority/);
  });
});
