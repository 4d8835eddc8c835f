/**
 * A save may not make a span an exact duplicate of another (same label, same fragments) — unless the
 * text changed in the same save: deleting the text between where two spans differed makes them alike,
 * and that save must go through (autosave would stop otherwise), keeping both as the editor shows them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import { diffSnapshots, type Snapshot } from '../../src/shared/saveDiff';
import type { SpanInput } from '../../src/shared/types';

let dir: string;
let store: CorpusStore;
let id: number;
// 赵宏钟说：“我们会坚持。”  — 赵宏钟 0–3, the quote's words 5–11.
const TEXT = '赵宏钟说：“我们会坚持。”';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-twins-'));
  store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
  id = store.insertDocument({
    title: 'T',
    text: TEXT,
    spans: [
      { id: 'q1', label: 'quote', start: 5, end: 11, attrs: { kind: 'direct' } },
      { id: 'q2', label: 'quote', start: 5, end: 12 },
      { id: 'o1', label: 'official', start: 0, end: 3 },
    ],
  });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const revision = () => store.getDocument(id).revision;
const save = (upsert: SpanInput[], more: { remove?: string[]; edit?: { at: number; remove: number; insert: string } } = {}) =>
  store.saveDocument({ id, baseRevision: revision(), upsert, remove: more.remove ?? [], ...(more.edit ? { edit: more.edit } : {}) });
const stored = () => store.getDocument(id).spans.map((s) => [s.id, s.label, s.start, s.end]);

describe('saving a span that would duplicate another', () => {
  it('refuses a new span with the label and range of another, saying so, and saves nothing of the request', () => {
    const before = stored();
    expect(() => save([{ id: 'new', label: 'slogan', start: 0, end: 2 }, { id: 'q3', label: 'quote', start: 5, end: 11 }])).toThrow(
      /span q3 would be an exact duplicate of span q1: both are “quote” on the same text \(5–11\); remove one of them/,
    );
    expect(stored()).toEqual(before);
    // The UI says it in the user's language; autosave does not retry what is refused so.
    const refusal = (() => {
      try {
        save([{ id: 'q3', label: 'quote', start: 5, end: 11 }]);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toMatchObject({ code: 'invalid-argument', reason: { key: 'error.duplicateSpan', params: { label: 'quote' } } });
  });

  it('refuses moving or relabelling a span onto another, and two new copies of one span', () => {
    expect(() => save([{ id: 'q2', label: 'quote', start: 5, end: 11 }])).toThrow(/q2 would be an exact duplicate of span q1/);
    expect(() => save([{ id: 'o1', label: 'quote', start: 5, end: 11 }])).toThrow(/o1 would be an exact duplicate of span q1/);
    expect(() =>
      save([
        { id: 'a', label: 'slogan', start: 0, end: 4 },
        { id: 'b', label: 'slogan', start: 0, end: 4 },
      ]),
    ).toThrow(/exact duplicate/);
  });

  it('accepts what only looks alike: another label, other fragments, or a copy removed in the same save', () => {
    save([{ id: 'p', label: 'pledge', start: 5, end: 11 }]);
    save([{ id: 'f', label: 'quote', start: 5, end: 11, fragments: [[5, 7], [9, 11]] }]);
    save([{ id: 'q2', label: 'quote', start: 5, end: 11 }], { remove: ['q1'] });
    expect(stored()).toEqual([
      ['o1', 'official', 0, 3],
      ['f', 'quote', 5, 11],
      ['p', 'pledge', 5, 11],
      ['q2', 'quote', 5, 11],
    ]);
  });

  it('keeps both spans when deleting text makes them alike, as the editor sends it, and saves them afterwards', () => {
    // The editor deletes “。” (11–12): q2 loses the character q1 did not have.
    const before: Snapshot = { text: TEXT, spans: store.getDocument(id).spans, links: [] };
    const text = '赵宏钟说：“我们会坚持”';
    const after: Snapshot = {
      text,
      spans: before.spans.map((s) => (s.id === 'q2' ? { ...s, end: 11, fragments: [[5, 11]] } : s)),
      links: [],
    };
    const diff = diffSnapshots(before, after);
    store.saveDocument({ id, baseRevision: revision(), ...diff });
    expect(store.getDocument(id).text).toBe(text);
    expect(stored()).toEqual([
      ['o1', 'official', 0, 3],
      ['q1', 'quote', 5, 11],
      ['q2', 'quote', 5, 11],
    ]);
    // The same save with the whole text instead of the splice, and the moved span with it.
    store.saveDocument({ id, baseRevision: revision(), text: TEXT, upsert: [{ id: 'q2', label: 'quote', start: 5, end: 12 }], remove: [] });
    store.saveDocument({ id, baseRevision: revision(), text, upsert: [{ id: 'q2', label: 'quote', start: 5, end: 11 }], remove: [] });
    // Later saves that leave the pair where it is (a value, a note) go through.
    save([{ id: 'q2', label: 'quote', start: 5, end: 11, attrs: { kind: 'indirect' }, note: '同一句' }]);
    expect(store.getDocument(id).spans.find((s) => s.id === 'q2')).toMatchObject({ attrs: { kind: 'indirect' }, note: '同一句' });
  });
});

describe('a merge into a layer (addToLayer)', () => {
  const layerSpans = (who: string) => store.getDocument(id, [], who).spans.map((s) => s.id);

  it('refuses twins within the layer, among the new spans or with its own, whole; another layer’s are not twins', () => {
    // q1 (nobody's) has this place: another layer's span is no twin.
    store.addToLayer(id, 'ann', [{ id: 'a1', label: 'quote', start: 5, end: 11 }], []);
    expect(layerSpans('ann')).toEqual(['a1']);
    expect(() => store.addToLayer(id, 'ann', [{ id: 'a2', label: 'official', start: 0, end: 3 }, { id: 'a3', label: 'quote', start: 5, end: 11 }], [])).toThrow(
      /span a3 would be an exact duplicate of span a1: both are “quote” on the same text \(5–11\)/,
    );
    expect(() =>
      store.addToLayer(id, 'bo', [
        { id: 'b1', label: 'quote', start: 5, end: 11, fragments: [[5, 7], [8, 11]] },
        { id: 'b2', label: 'quote', start: 5, end: 11, fragments: [[5, 7], [8, 11]] },
      ], []),
    ).toThrow(/span b1 would be an exact duplicate of span b2: both are “quote” on the same text \(5–7, 8–11\)/);
    expect(layerSpans('ann')).toEqual(['a1']);
    expect(layerSpans('bo')).toEqual([]);
    // The same place in pieces, or with another label, is another span.
    store.addToLayer(id, 'ann', [{ id: 'a4', label: 'quote', start: 5, end: 11, fragments: [[5, 7], [8, 11]] }, { id: 'a5', label: 'pledge', start: 5, end: 11 }], []);
    expect(layerSpans('ann').sort()).toEqual(['a1', 'a4', 'a5']);
  });
});
