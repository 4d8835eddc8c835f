import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoupeService } from '../../src/main/services/loupeService';
import { CorpusStore } from '../../src/main/store/corpusStore';
import { defaultSchema } from '../../src/shared/labels';
import { draftOf } from '../../src/shared/schema';
import type { SchemaDraft, SpanInput } from '../../src/shared/types';

let dir: string;
let store: CorpusStore;
let docId: number;

const TEXT = '赵书记表示,“我们会坚持”。他承诺2030年前完成。“好”。撸起袖子加油干';

/** A span over the first occurrence of `piece`, in code points. */
function over(id: string, label: string, piece: string, attrs: SpanInput['attrs'] = {}): SpanInput {
  const at = TEXT.indexOf(piece);
  if (at < 0) throw new Error(`test setup: "${piece}" not found`);
  const start = Array.from(TEXT.slice(0, at)).length;
  return { id, label, start, end: start + Array.from(piece).length, attrs };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-schema-update-'));
  store = CorpusStore.open(path.join(dir, 'c.loupe'), { create: true });
  store.addToSchema(defaultSchema());
  docId = store.insertDocument({
    title: 'T',
    text: TEXT,
    spans: [
      over('o1', 'official', '赵书记', { name: '赵', role: '书记' }),
      over('q1', 'quote', '“我们会坚持”', { kind: 'direct' }),
      over('p1', 'pledge', '2030年前完成', { measurable: true, target_year: 2030 }),
      over('q2', 'quote', '“好”', { kind: 'mixed' }),
      over('s1', 'slogan', '撸起袖子加油干'),
    ],
    links: [
      { id: 'l1', type: 'speaker', from: 'q1', to: 'o1' },
      { id: 'l2', type: 'speaker', from: 'q2', to: 'o1' },
      { id: 'l3', type: 'pledged_by', from: 'p1', to: 'o1' },
    ],
  });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The current schema as a draft, changed by `edit`. */
function draft(edit: (d: SchemaDraft) => void): SchemaDraft {
  const d = draftOf(store.schema());
  edit(d);
  return d;
}
const label = (d: SchemaDraft, name: string) => d.labels.find((l) => l.name === name)!;
const span = (id: string) => store.getDocument(docId).spans.find((s) => s.id === id);
/** Everything a schema change could touch, to compare before and after. */
const snapshot = () => ({ schema: store.schema(), doc: store.getDocument(docId) });

describe('updateSchema', () => {
  it('renames a label: its spans and their links follow, and open editors must reload', () => {
    const before = store.getDocument(docId);
    const result = store.updateSchema(
      draft((d) => {
        label(d, 'quote').name = 'citation';
        d.linkTypes[0]!.from = ['citation'];
      }),
    );
    expect(result).toEqual({ applied: true, impact: { labels: [], attributes: [], linkTypes: [] } });
    expect(store.labels().map((l) => l.name)).toEqual(['citation', 'official', 'pledge', 'slogan']);
    expect(store.labels()[0]!.attributes.map((a) => a.name)).toEqual(['kind']);
    const doc = store.getDocument(docId);
    expect(doc.spans.filter((s) => s.label === 'citation').map((s) => [s.id, s.attrs])).toEqual([
      ['q1', { kind: 'direct' }],
      ['q2', { kind: 'mixed' }],
    ]);
    expect(doc.links).toEqual(before.links);
    expect(store.linkTypes()[0]).toMatchObject({ name: 'speaker', from: ['citation'], to: ['official'] });
    // A save from an editor holding the old names is refused, not applied under them.
    expect(doc.revision).toBe(before.revision + 1);
    expect(() => store.saveDocument({ id: docId, baseRevision: before.revision, upsert: [over('q3', 'quote', '他承诺')], remove: [] })).toThrow(
      expect.objectContaining({ code: 'conflict' }),
    );
    expect(() => store.saveDocument({ id: docId, baseRevision: doc.revision, upsert: [over('q3', 'quote', '他承诺')], remove: [] })).toThrow(
      /unknown label "quote"/,
    );
  });

  it('swaps two label names, each keeping its own spans, attributes and hotkey', () => {
    const result = store.updateSchema(
      draft((d) => {
        label(d, 'quote').name = 'official';
        d.labels[1]!.name = 'quote'; // was official
        d.linkTypes[0]!.from = ['official'];
        d.linkTypes[0]!.to = ['quote'];
        d.linkTypes[1]!.to = ['quote'];
      }),
    );
    expect(result.applied).toBe(true);
    expect(store.labels().map((l) => [l.name, l.hotkey, l.attributes.map((a) => a.name)])).toEqual([
      ['official', '1', ['kind']],
      ['quote', '2', ['name', 'role']],
      ['pledge', '3', ['measurable', 'target_year']],
      ['slogan', '4', []],
    ]);
    expect(span('q1')).toMatchObject({ label: 'official', attrs: { kind: 'direct' } });
    expect(span('o1')).toMatchObject({ label: 'quote', attrs: { name: '赵', role: '书记' } });
    expect(store.getDocument(docId).links.map((l) => l.id)).toEqual(['l1', 'l2', 'l3']);
  });

  it('renames an attribute (values follow) and swaps two attribute names', () => {
    store.updateSchema(draft((d) => (label(d, 'official').attributes[0]!.name = 'full_name')));
    expect(span('o1')!.attrs).toEqual({ full_name: '赵', role: '书记' });
    const result = store.updateSchema(
      draft((d) => {
        const [a, b] = label(d, 'official').attributes;
        [a!.name, b!.name] = [b!.name, a!.name];
      }),
    );
    expect(result.applied).toBe(true);
    expect(span('o1')!.attrs).toEqual({ role: '赵', full_name: '书记' });
    expect(store.labels()[1]!.attributes.map((a) => a.name)).toEqual(['role', 'full_name']);
  });

  it('does not delete a label in use without confirmation; with it, the spans and their links go', () => {
    const before = snapshot();
    const change = draft((d) => {
      d.labels = d.labels.filter((l) => l.name !== 'pledge');
      d.linkTypes = d.linkTypes.filter((t) => t.name !== 'pledged_by');
    });
    const refused = store.updateSchema(change);
    expect(refused).toEqual({ applied: false, impact: { labels: [{ name: 'pledge', spans: 1, links: 1 }], attributes: [], linkTypes: [] } });
    expect(snapshot()).toEqual(before);

    const applied = store.updateSchema(change, { confirmDeletes: true });
    expect(applied).toEqual({ applied: true, impact: refused.impact });
    const doc = store.getDocument(docId);
    expect(doc.spans.map((s) => s.id)).toEqual(['o1', 'q1', 'q2', 's1']);
    expect(doc.links.map((l) => l.id)).toEqual(['l1', 'l2']);
    expect(store.labels().map((l) => l.name)).toEqual(['quote', 'official', 'slogan']);
    expect(store.linkTypes().map((t) => t.name)).toEqual(['speaker']);
    expect(doc.revision).toBe(before.doc.revision + 1);
  });

  it('applies deletions that lose no data without asking', () => {
    const other = draft((d) => {
      d.labels.push({ name: 'unused', color: '#123456', hotkey: null, description: '', attributes: [] });
    });
    expect(store.updateSchema(other).applied).toBe(true);
    const result = store.updateSchema(draft((d) => (d.labels = d.labels.filter((l) => l.name !== 'unused'))));
    expect(result).toEqual({ applied: true, impact: { labels: [{ name: 'unused', spans: 0, links: 0 }], attributes: [], linkTypes: [] } });
  });

  it('a change that removes anything, even unused, makes an open editor reload instead of retrying a refused save', () => {
    const before = store.getDocument(docId).revision;
    // Narrowing a choice (an option no span uses) loses no data but refuses what an open editor may send.
    store.updateSchema(draft((d) => (label(d, 'quote').attributes[0]!.options = ['direct', 'mixed'])));
    const stale = () =>
      store.saveDocument({ id: docId, baseRevision: before, upsert: [{ ...over('q3', 'quote', '好', { kind: 'indirect' }) }], remove: [] });
    expect(stale).toThrow(expect.objectContaining({ code: 'conflict', reason: expect.objectContaining({ key: 'error.changedElsewhere' }) }));
  });

  it('a change that only adds (a label, an option, a colour) leaves open editors saving', () => {
    const before = store.getDocument(docId).revision;
    store.updateSchema(
      draft((d) => {
        d.labels.push({ name: 'place', color: '#123456', hotkey: null, description: '', attributes: [] });
        label(d, 'quote').attributes[0]!.options.push('reported');
        label(d, 'slogan').color = '#000000';
      }),
    );
    expect(store.getDocument(docId).revision).toBe(before);
    store.saveDocument({ id: docId, baseRevision: before, upsert: [{ ...over('s2', 'slogan', '加油干') }], remove: [] });
  });

  it('counts a link between two deleted labels once', () => {
    const result = store.updateSchema(
      draft((d) => {
        d.labels = d.labels.filter((l) => l.name !== 'quote' && l.name !== 'official');
        d.linkTypes = d.linkTypes.filter((t) => t.name === 'pledged_by').map((t) => ({ ...t, to: ['pledge'] }));
      }),
    );
    expect(result.applied).toBe(false);
    const links = result.impact.labels.reduce((n, l) => n + l.links, 0);
    expect(links).toBe(3); // l1, l2 (quote–official) and l3 (pledge–official), each once
  });

  it('counts values a removed choice option, a deleted attribute or a new kind would drop', () => {
    const before = snapshot();
    const narrowed = draft((d) => (label(d, 'quote').attributes[0]!.options = ['direct', 'indirect']));
    expect(store.updateSchema(narrowed)).toEqual({
      applied: false,
      impact: { labels: [], attributes: [{ label: 'quote', name: 'kind', values: 1 }], linkTypes: [] },
    });
    const retyped = draft((d) => {
      label(d, 'pledge').attributes[1]!.kind = 'text';
      label(d, 'official').attributes.pop();
    });
    expect(store.updateSchema(retyped).impact.attributes).toEqual([
      { label: 'official', name: 'role', values: 1 },
      { label: 'pledge', name: 'target_year', values: 1 },
    ]);
    expect(snapshot()).toEqual(before);

    expect(store.updateSchema(narrowed, { confirmDeletes: true }).applied).toBe(true);
    expect(span('q1')!.attrs).toEqual({ kind: 'direct' });
    expect(span('q2')!.attrs).toEqual({});
    expect(store.labels()[0]!.attributes[0]!.options).toEqual(['direct', 'indirect']);
  });

  it('counts links of a deleted link type, and deletes them only when confirmed', () => {
    const before = snapshot();
    const change = draft((d) => (d.linkTypes = d.linkTypes.filter((t) => t.name !== 'speaker')));
    expect(store.updateSchema(change)).toEqual({
      applied: false,
      impact: { labels: [], attributes: [], linkTypes: [{ name: 'speaker', links: 2 }] },
    });
    expect(snapshot()).toEqual(before);
    store.updateSchema(change, { confirmDeletes: true });
    expect(store.getDocument(docId).links.map((l) => l.id)).toEqual(['l3']);
    expect(store.getDocument(docId).spans).toHaveLength(5);
  });

  it('renames a link type (links follow) and drops the links a narrower type no longer admits', () => {
    store.updateSchema(draft((d) => (d.linkTypes[0]!.name = 'said_by')));
    expect(store.getDocument(docId).links.map((l) => l.type)).toEqual(['said_by', 'said_by', 'pledged_by']);
    // Widen "said_by" to any end, link a quote to a slogan, then narrow it back.
    store.updateSchema(draft((d) => (d.linkTypes[0]!.to = [])));
    const doc = store.getDocument(docId);
    store.saveDocument({ id: docId, baseRevision: doc.revision, upsert: [], remove: [], upsertLinks: [{ id: 'l4', type: 'said_by', from: 'q2', to: 's1' }] });
    const before = snapshot();
    const narrow = draft((d) => (d.linkTypes[0]!.to = ['official']));
    expect(store.updateSchema(narrow)).toEqual({
      applied: false,
      impact: { labels: [], attributes: [], linkTypes: [{ name: 'said_by', links: 1 }] },
    });
    expect(snapshot()).toEqual(before);
    expect(store.updateSchema(narrow, { confirmDeletes: true }).applied).toBe(true);
    expect(store.getDocument(docId).links.map((l) => l.id)).toEqual(['l1', 'l2', 'l3']);
    expect(store.getDocument(docId).revision).toBe(before.doc.revision + 1);
  });

  it('refuses an invalid draft and a draft made from a schema that changed meanwhile, changing nothing', () => {
    const before = snapshot();
    expect(() => store.updateSchema(draft((d) => (d.labels[1]!.hotkey = '1'))), 'duplicate key').toThrow(
      /the schema is not valid: “official” and “quote” both use the key “1”/,
    );
    expect(() => store.updateSchema(draft((d) => (d.labels[0]!.was = 'citation')))).toThrow(
      expect.objectContaining({ code: 'conflict', message: expect.stringMatching(/there is no label “citation” any more/) }),
    );
    expect(() => store.updateSchema(draft((d) => (d.labels[1]!.was = 'quote')))).toThrow(/both continue “quote”/);
    expect(snapshot()).toEqual(before);
  });
});

describe('updateSchema through the service', () => {
  it('answers with the new corpus info, and refuses a schema meant for another opening', async () => {
    store.close();
    const service = createLoupeService({ dataDir: path.join(dir, 'data'), corpusPath: path.join(dir, 'c.loupe') });
    try {
      const info = await service.corpusInfo({});
      const d = draftOf({ labels: info.labels, linkTypes: info.linkTypes });
      d.labels[3]!.name = 'motto';
      await expect(service.updateSchema({ corpusId: 'stale', schema: d })).rejects.toMatchObject({ code: 'conflict' });
      const result = await service.updateSchema({ corpusId: info.id, schema: d });
      expect(result.applied).toBe(true);
      expect(result.corpus.labels.map((l) => l.name)).toEqual(['quote', 'official', 'pledge', 'motto']);
      expect((await service.getDocument({ id: docId })).spans.find((s) => s.id === 's1')!.label).toBe('motto');
    } finally {
      service.close();
      store = CorpusStore.open(path.join(dir, 'c.loupe'), { create: false });
    }
  });
});
