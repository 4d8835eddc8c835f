import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorpusStore, StoreError } from '../../src/main/store/corpusStore';
import { defaultSchema } from '../../src/shared/labels';
import type { Link, SpanInput } from '../../src/shared/types';

let dir: string;
let store: CorpusStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-links-'));
  store = CorpusStore.open(path.join(dir, 'c.loupe'), { create: true });
  store.addToSchema(defaultSchema());
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const TEXT = '赵书记表示,“我们会坚持”。李市长说,“好”。';
const SPANS: SpanInput[] = [
  { id: 'zhao', label: 'official', start: 0, end: 3 },
  { id: 'q1', label: 'quote', start: 6, end: 13 },
  { id: 'li', label: 'official', start: 14, end: 17 },
  { id: 'q2', label: 'quote', start: 19, end: 22 },
];
/** The text under each span, for readers of the tests. */
const under = (s: SpanInput) => Array.from(TEXT).slice(s.start, s.end).join('');
const SPEAKER: Link = { id: 'l1', type: 'speaker', from: 'q1', to: 'zhao' };

const linkRows = () => store.db.prepare('SELECT id, document_id, from_span, to_span FROM links ORDER BY id').all();

/** A document with the four spans and, unless told otherwise, the speaker link. */
function seed(links: Link[] = [SPEAKER]): number {
  return store.insertDocument({ title: 'T', text: TEXT, spans: SPANS, links });
}

describe('links', () => {
  it('are stored with the document and read back, and a link change counts as an edit', () => {
    expect(SPANS.map(under)).toEqual(['赵书记', '“我们会坚持”', '李市长', '“好”']);
    const id = seed([]);
    expect(store.getDocument(id)).toMatchObject({ status: 'in_progress', links: [] });
    const empty = store.insertDocument({ title: 'E', text: TEXT });
    expect(store.getDocument(empty).status).toBe('new');

    const doc = store.getDocument(id);
    const saved = store.saveDocument({ id, baseRevision: doc.revision, upsert: [], remove: [], upsertLinks: [SPEAKER] });
    expect(saved.revision).toBe(doc.revision + 1);
    expect(store.getDocument(id).links).toEqual([SPEAKER]);
    expect(store.linkCountsByType()).toEqual([
      { type: 'speaker', count: 1 },
      { type: 'pledged_by', count: 0 },
    ]);
  });

  it('never join a missing span, a span of another document, or a span to itself', () => {
    const id = seed([]);
    const other = store.insertDocument({ title: 'O', text: TEXT, spans: [{ id: 'elsewhere', label: 'official', start: 0, end: 3 }] });
    const before = store.getDocument(id);
    const save = (link: Link) => () => store.saveDocument({ id, baseRevision: before.revision, upsert: [], remove: [], upsertLinks: [link] });
    expect(save({ ...SPEAKER, to: 'ghost' })).toThrow('link l1 (speaker) joins a span that is not in this document');
    expect(save({ ...SPEAKER, to: 'elsewhere' })).toThrow(/joins a span that is not in this document/);
    expect(save({ ...SPEAKER, to: 'q1' })).toThrow(/joins span q1 to itself/);
    expect(save({ ...SPEAKER, type: 'said' })).toThrow(/unknown link type "said"/);
    expect(() =>
      store.insertDocument({ title: 'X', text: TEXT, spans: [SPANS[1]!], links: [{ ...SPEAKER, to: 'elsewhere' }] }),
    ).toThrow(StoreError);
    expect(store.getDocument(id)).toEqual(before);
    expect(store.documentCount()).toBe(2);
    expect(store.getDocument(other).links).toEqual([]);
    expect(linkRows()).toEqual([]);
  });

  it('keep a link id to its document', () => {
    seed();
    const other = store.insertDocument({ title: 'O', text: TEXT, spans: SPANS.map((s) => ({ ...s, id: `o-${s.id}` })) });
    expect(() =>
      store.saveDocument({ id: other, baseRevision: 0, upsert: [], remove: [], upsertLinks: [{ ...SPEAKER, from: 'o-q1', to: 'o-zhao' }] }),
    ).toThrow(expect.objectContaining({ code: 'conflict', message: 'link l1 belongs to another document' }));
  });

  it('refuse a link whose ends do not fit its type', () => {
    const id = seed([]);
    const save = (link: Link) => () => store.saveDocument({ id, baseRevision: 0, upsert: [], remove: [], upsertLinks: [link] });
    expect(save({ id: 'back', type: 'speaker', from: 'zhao', to: 'q1' })).toThrow(
      'a “speaker” link cannot go from a span labelled “official” to one labelled “quote” (link back)',
    );
    expect(save({ id: 'p', type: 'pledged_by', from: 'q1', to: 'zhao' })).toThrow(/“pledged_by” link cannot go from a span labelled “quote”/);
    expect(store.getDocument(id).links).toEqual([]);
    // Re-pointing a stored link is checked the same way.
    store.saveDocument({ id, baseRevision: 0, upsert: [], remove: [], upsertLinks: [SPEAKER] });
    expect(() =>
      store.saveDocument({ id, baseRevision: 1, upsert: [], remove: [], upsertLinks: [{ ...SPEAKER, to: 'q2' }] }),
    ).toThrow(/cannot go from a span labelled “quote” to one labelled “quote”/);
    expect(store.getDocument(id).links).toEqual([SPEAKER]);
  });

  it('go with a span deleted in a save, and come back when undo re-upserts the span and the link', () => {
    const id = seed([SPEAKER, { id: 'l2', type: 'speaker', from: 'q2', to: 'li' }]);
    const removed = store.saveDocument({ id, baseRevision: 0, upsert: [], remove: ['zhao'] });
    expect(store.getDocument(id).links.map((l) => l.id)).toEqual(['l2']);
    expect(linkRows()).toHaveLength(1);
    // What the editor's undo sends: the span as it was and the link it had.
    store.saveDocument({ id, baseRevision: removed.revision, upsert: [SPANS[0]!], remove: [], upsertLinks: [SPEAKER] });
    const doc = store.getDocument(id);
    expect(doc.links).toEqual([SPEAKER, { id: 'l2', type: 'speaker', from: 'q2', to: 'li' }]);
    expect(doc.spans.find((s) => s.id === 'zhao')).toMatchObject({ label: 'official', start: 0, end: 3 });
  });

  it('refuse a relabel the link no longer fits, unless the link goes in the same save', () => {
    const id = seed();
    const before = store.getDocument(id);
    const relabel = { ...SPANS[0]!, label: 'slogan' };
    expect(() => store.saveDocument({ id, baseRevision: 0, upsert: [relabel], remove: [] })).toThrow(
      'link l1 (speaker) cannot go from a span labelled “quote” to one labelled “slogan”',
    );
    // the other end too
    expect(() => store.saveDocument({ id, baseRevision: 0, upsert: [{ ...SPANS[1]!, label: 'pledge' }], remove: [] })).toThrow(
      /link l1 \(speaker\) cannot go from a span labelled “pledge” to one labelled “official”/,
    );
    expect(store.getDocument(id)).toEqual(before);
    store.saveDocument({ id, baseRevision: 0, upsert: [relabel], remove: [], removeLinks: ['l1'] });
    const doc = store.getDocument(id);
    expect(doc.spans.find((s) => s.id === 'zhao')!.label).toBe('slogan');
    expect(doc.links).toEqual([]);
  });

  it('go with their document', () => {
    const id = seed();
    const keep = store.insertDocument({
      title: 'K',
      text: TEXT,
      spans: SPANS.map((s) => ({ ...s, id: `k-${s.id}` })),
      links: [{ id: 'k', type: 'speaker', from: 'k-q1', to: 'k-zhao' }],
    });
    expect(linkRows()).toHaveLength(2);
    store.deleteDocument(id);
    expect(linkRows()).toEqual([{ id: 'k', document_id: keep, from_span: 'k-q1', to_span: 'k-zhao' }]);
  });
});
