/**
 * The curation view (issue 15, Deliver 4): the annotators' spans grouped into clusters a decision
 * settles, the curator's accept/reject writing the gold layer (with links), decisions kept across
 * openings, the curation status, and the curator's own edits of the gold layer through a save.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { curationClusters, type CurationLayer } from '../../src/shared/curation';
import { acceptAgreed, curateSpans, curationView, setCurationStatus } from '../../src/main/services/curation';
import { openCorpusStore } from '../../src/main/services/loupeService';
import { cli } from './cliRun';
import type { CorpusStore } from '../../src/main/store/corpusStore';

//            0123456789012345678901234567890
const TEXT = '县委书记周振华在会上说：“今年我们要把问题找准，把责任压实。”';

let dir: string;
let store: CorpusStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-curation-view-'));
  store = openCorpusStore(path.join(dir, 'team.loupe'), { create: true });
  store.insertDocument({ title: '会议', text: TEXT });
  // a and b agree on the official and the pledge inside the quote; they draw the quote's end
  // differently; b calls 今年 a slogan where a has nothing; a links the quote to the official.
  store.annotator = 'a';
  store.saveDocument({
    id: 1,
    upsert: [
      { id: 'a-o', label: 'official', start: 4, end: 7, attrs: { name: '周振华' } },
      { id: 'a-q', label: 'quote', start: 12, end: 30 },
      { id: 'a-p', label: 'pledge', start: 17, end: 22 },
    ],
    remove: [],
    upsertLinks: [{ id: 'a-l', type: 'speaker', from: 'a-q', to: 'a-o' }],
  });
  store.annotator = 'b';
  store.saveDocument({
    id: 1,
    upsert: [
      { id: 'b-o', label: 'official', start: 4, end: 7, attrs: { name: '周振华' } },
      { id: 'b-q', label: 'quote', start: 12, end: 29 },
      { id: 'b-p', label: 'pledge', start: 17, end: 22 },
      { id: 'b-s', label: 'slogan', start: 13, end: 15 },
    ],
    remove: [],
  });
  store.annotator = 'lead';
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const shape = (view: ReturnType<typeof curationView>) =>
  view.clusters.map((c) => ({
    at: [c.start, c.end],
    agreed: c.agreed,
    resolved: c.resolved,
    candidates: c.candidates.map((x) => `${x.label}[${x.fragments.map((f) => f.join('-')).join(',')}] ${x.spans.map((s) => s.annotator).join('+')}${x.gold ? ' gold' : ''}${x.decision ? ` ${x.decision}` : ''}`),
  }));

describe('curation clusters', () => {
  it('groups boundary and label disagreements, keeps nested spans of other labels apart', () => {
    const view = curationView(store, 1, 'gold');
    expect(view.layers.map((l) => l.annotator)).toEqual(['a', 'b']);
    expect(shape(view)).toEqual([
      { at: [4, 7], agreed: true, resolved: false, candidates: ['official[4-7] a+b'] },
      { at: [12, 30], agreed: false, resolved: false, candidates: ['quote[12-29] b', 'quote[12-30] a'] },
      { at: [13, 15], agreed: false, resolved: false, candidates: ['slogan[13-15] b'] },
      { at: [17, 22], agreed: true, resolved: false, candidates: ['pledge[17-22] a+b'] },
    ]);
    expect(view.counts).toEqual({ clusters: 4, agreed: 2, open: 4 });
    expect(view.status).toBeNull();
  });

  it('joins a label disagreement on the same pieces, and chains overlapping same-label spans', () => {
    const layer = (annotator: string, spans: [string, number, number][]): CurationLayer => ({
      annotator,
      spans: spans.map(([label, s, e], i) => ({ id: `${annotator}${i}`, label, fragments: [[s, e]], attrs: {} })),
      links: [],
    });
    const clusters = curationClusters(
      [layer('a', [['quote', 0, 5], ['quote', 8, 12]]), layer('b', [['slogan', 0, 5], ['quote', 4, 9]]), layer('c', [['pledge', 1, 3]])],
      [],
      new Map(),
    );
    expect(clusters.map((c) => c.candidates.map((x) => `${x.label}${x.start}-${x.end}`))).toEqual([['quote0-5', 'slogan0-5', 'quote4-9', 'quote8-12'], ['pledge1-3']]);
  });
});

describe('curating a document', () => {
  it('accepts A or B, rejects, writes links whose ends the gold layer has, and remembers the decisions', async () => {
    curateSpans(store, { documentId: 1, gold: 'gold', spans: ['a-o', 'b-o'], accept: ['a-o', 'b-o'], curator: 'lead' });
    // Accept a's quote: its link to the official comes with it, the official being in gold.
    curateSpans(store, { documentId: 1, gold: 'gold', spans: ['a-q', 'b-q'], accept: ['a-q'], curator: 'lead' });
    let gold = store.getDocument(1, [], 'gold');
    expect(gold.spans.map((s) => [s.label, s.start, s.end, s.annotator, s.attrs])).toEqual([
      ['official', 4, 7, 'gold', { name: '周振华' }],
      ['quote', 12, 30, 'gold', {}],
    ]);
    expect(gold.links.map((l) => [l.type, gold.spans.find((s) => s.id === l.from)!.label, gold.spans.find((s) => s.id === l.to)!.label])).toEqual([['speaker', 'quote', 'official']]);
    // Changing one's mind: b's quote instead; a's goes (and its link with it).
    curateSpans(store, { documentId: 1, gold: 'gold', spans: ['a-q', 'b-q'], accept: ['b-q'], curator: 'lead' });
    curateSpans(store, { documentId: 1, gold: 'gold', spans: ['b-s'], accept: [], curator: 'lead' });
    gold = store.getDocument(1, [], 'gold');
    expect(gold.spans.map((s) => [s.label, s.start, s.end])).toEqual([
      ['official', 4, 7],
      ['quote', 12, 29],
    ]);
    expect(gold.links).toEqual([]);
    // The annotators' layers are untouched.
    expect(store.getDocument(1, [], 'a').spans.map((s) => s.id)).toEqual(['a-o', 'a-q', 'a-p']);

    const view = curationView(store, 1, 'gold');
    expect(shape(view)).toEqual([
      { at: [4, 7], agreed: true, resolved: true, candidates: ['official[4-7] a+b gold accepted'] },
      { at: [12, 30], agreed: false, resolved: true, candidates: ['quote[12-29] b gold accepted', 'quote[12-30] a rejected'] },
      { at: [13, 15], agreed: false, resolved: true, candidates: ['slogan[13-15] b rejected'] },
      { at: [17, 22], agreed: true, resolved: false, candidates: ['pledge[17-22] a+b'] },
    ]);
    expect(view.counts.open).toBe(1);
    expect(view.status).toBe('in_progress');
    expect(view.curator).toBe('lead');
    expect(store.listDocuments()[0]!.curation).toEqual({ gold: 'gold', status: 'in_progress' });

    // Accept all agreed, for this document: the pledge; then done.
    const report = acceptAgreed(store, { gold: 'gold', documentIds: [1] });
    expect(report).toMatchObject({ spansAccepted: 1, alreadyGold: 1 });
    setCurationStatus(store, 1, 'gold', 'done', 'lead');
    const done = curationView(store, 1, 'gold');
    expect(done.counts.open).toBe(0);
    expect(done.status).toBe('done');
    expect(store.listDocuments()[0]!.curation).toEqual({ gold: 'gold', status: 'done' });
    // loupe stats says whose layers there are and how far curation has come.
    const file = store.path;
    store.close();
    const stats = await cli('stats', file);
    expect(stats.out).toContain('annotators: 3\n  a: 3 spans in 1 document\n  b: 4 spans in 1 document\n  gold: 3 spans in 1 document\n');
    expect(stats.out).toContain('curated: 1 of 1 document (being curated: 0)\n');
    store = openCorpusStore(file, { create: false });
  });

  it('counts a span the curator drew in the gold layer as settling the cluster it overlaps', () => {
    setCurationStatus(store, 1, 'gold', 'in_progress', 'lead');
    // The app's store writes as its user; a save naming the gold layer writes there.
    store.saveDocument({ id: 1, layer: 'gold', upsert: [{ id: 'g-q', label: 'quote', start: 11, end: 31 }], remove: [] });
    const view = curationView(store, 1, 'gold');
    expect(view.clusters[1]).toMatchObject({ start: 12, end: 30, resolved: true });
    expect(view.goldLayer.spans.map((s) => s.id)).toEqual(['g-q']);
    expect(store.getDocument(1, [], 'gold').spans[0]!.annotator).toBe('gold');
    // The user's own layer got nothing.
    expect(store.getDocument(1, [], 'lead').spans).toEqual([]);
  });

  it('never makes an annotator’s layer a gold layer, so nothing writes it through curation', () => {
    expect(() => setCurationStatus(store, 1, 'b', 'in_progress', 'a')).toThrow(/b is an annotator’s layer, not a gold layer/);
    expect(() => curateSpans(store, { documentId: 1, gold: 'b', spans: ['a-o'], accept: [], curator: 'a' })).toThrow(/not a gold layer/);
    expect(() => curationView(store, 1, 'a')).toThrow(/not a gold layer/);
    expect(() => acceptAgreed(store, { gold: 'b', annotators: ['a', 'lead'] })).toThrow();
    expect(() => store.saveDocument({ id: 1, layer: 'b', upsert: [], remove: ['b-q'] })).toThrow(/not yours to change/);
    expect(store.getDocument(1, [], 'b').spans).toHaveLength(4);
    expect(store.isGoldLayer('b')).toBe(false);
  });

  it('takes a decision back when the span is moved or relabelled since', () => {
    curateSpans(store, { documentId: 1, gold: 'gold', spans: ['b-s'], accept: [], curator: 'lead' });
    expect(curationView(store, 1, 'gold').clusters[2]).toMatchObject({ resolved: true });
    store.annotator = 'b';
    store.saveDocument({ id: 1, upsert: [{ id: 'b-s', label: 'slogan', start: 13, end: 16 }], remove: [] });
    store.annotator = 'lead';
    const again = curationView(store, 1, 'gold').clusters.find((c) => c.candidates.some((x) => x.label === 'slogan'))!;
    expect(again).toMatchObject({ start: 13, end: 16, resolved: false });
    expect(again.candidates[0]!.decision).toBeNull();
  });

  it('accept all agreed gives a document a curation only when something went into its gold layer, and keeps who curated', () => {
    store.insertDocument({ title: '空', text: '无人标注的文档。' });
    setCurationStatus(store, 1, 'gold', 'in_progress', 'lead');
    acceptAgreed(store, { gold: 'gold' });
    expect(store.listDocuments().map((d) => d.curation?.status ?? null)).toEqual(['in_progress', null]);
    expect(store.curationOf(1, 'gold')!.curator).toBe('lead');
  });

  it('refuses a save into another annotator’s layer, and bad requests, writing nothing', () => {
    expect(() => store.saveDocument({ id: 1, layer: 'a', upsert: [{ id: 'x', label: 'quote', start: 0, end: 2 }], remove: [] })).toThrow(/not yours to change/);
    expect(() => store.saveDocument({ id: 1, layer: 'gold', upsert: [{ id: 'x', label: 'quote', start: 0, end: 2 }], remove: [] })).toThrow(/not yours to change/);
    expect(() => curateSpans(store, { documentId: 1, gold: 'gold', spans: ['nope'], accept: [], curator: null })).toThrow(/not an annotator’s span/);
    expect(() => curateSpans(store, { documentId: 1, gold: 'gold', spans: ['a-q'], accept: ['b-q'], curator: null })).toThrow(/not among the spans decided on/);
    expect(() => curationView(store, 1, '  ')).toThrow(/name the gold layer/);
    expect(() => curationView(store, 9, 'gold')).toThrow(/does not exist/);
    expect(store.getDocument(1, [], 'gold').spans).toEqual([]);
    expect(store.curationOf(1, 'gold')).toBeNull();
  });
});
