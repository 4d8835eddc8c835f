/**
 * Saving a text change as a splice: the store's SQL shift and the shared rule agree, and whatever
 * the editor did to the spans, the stored document ends up exactly as the editor has it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorpusStore, StoreError } from '../../src/main/store/corpusStore';
import { DEFAULT_LABELS } from '../../src/shared/labels';
import { applyTextEdit, diffText, shiftOffset, shiftSpan, type TextEdit } from '../../src/shared/textEdit';
import type { Fragment, SpanInput } from '../../src/shared/types';
import { diffSnapshots, type Snapshot } from '../../src/shared/saveDiff';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-edit-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const cps = (s: string) => Array.from(s);
const ALPHABET = ['a', '县', '。', '𠮷', '👍🏽', '\n', 'e\u0301'];
const textArb = fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 30 }).map((a) => a.join(''));

/**
 * Random valid spans over a text of `n` code points: contiguous and fragmented. No two alike in
 * label and fragments: the store refuses an exact duplicate span, and the editor never makes one.
 */
const spansArb = (n: number) =>
  fc.uniqueArray(
    fc
      .tuple(fc.uniqueArray(fc.integer({ min: 0, max: n }), { minLength: 2, maxLength: 6 }), fc.constantFrom('quote', 'official', 'pledge'))
      .map(([points, label]) => {
        const sorted = [...points].sort((a, b) => a - b);
        const fragments: Fragment[] = [];
        for (let i = 0; i + 1 < sorted.length; i += 2) fragments.push([sorted[i]!, sorted[i + 1]!]);
        // fragments must be apart: merge touching ones
        const apart = fragments.reduce<Fragment[]>((out, f) => {
          const last = out[out.length - 1];
          if (last && f[0] <= last[1]) last[1] = Math.max(last[1], f[1]);
          else out.push([...f]);
          return out;
        }, []);
        return { label, fragments: apart };
      }),
    { maxLength: 8, selector: (s) => `${s.label} ${JSON.stringify(s.fragments)}` },
  ).map((list) =>
    list.map((s, i): SpanInput => ({
      id: `s${i}`,
      label: s.label,
      start: s.fragments[0]![0],
      end: s.fragments[s.fragments.length - 1]![1],
      ...(s.fragments.length > 1 ? { fragments: s.fragments } : {}),
    })),
  );

const editArb = (text: string) => {
  const n = cps(text).length;
  return fc
    .tuple(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: n }), fc.array(fc.constantFrom(...ALPHABET), { maxLength: 4 }))
    .map(([a, b, ins]): TextEdit => ({ at: Math.min(a, b), remove: Math.abs(a - b), insert: ins.join('') }));
};

function storeWith(text: string, spans: SpanInput[]): { store: CorpusStore; id: number } {
  const store = CorpusStore.open(path.join(dir, `c${Math.random().toString(36).slice(2)}.loupe`), { create: true });
  store.addLabels(DEFAULT_LABELS);
  const id = store.insertDocument({ title: 't', text, spans });
  return { store, id };
}

/** The stored spans as a snapshot would list them (fragments only when several). */
const stored = (store: CorpusStore, id: number) =>
  store
    .getDocument(id)
    .spans.map((s) => ({ id: s.id, label: s.label, start: s.start, end: s.end, fragments: s.fragments }))
    .sort((a, b) => a.id.localeCompare(b.id));
const normal = (spans: SpanInput[]) =>
  spans
    .map((s) => ({ id: s.id, label: s.label, start: s.start, end: s.end, fragments: s.fragments ?? [[s.start, s.end] as Fragment] }))
    .sort((a, b) => a.id.localeCompare(b.id));

describe('text splices', () => {
  it('diffText gives the smallest splice, never cutting a surrogate pair, and applyTextEdit replays it', () => {
    fc.assert(
      fc.property(textArb, textArb, (a, b) => {
        const edit = diffText(a, b);
        if (a === b) {
          expect(edit).toBeNull();
          return;
        }
        expect(applyTextEdit(a, edit!)).toBe(b);
        expect(cps(edit!.insert).join('')).toBe(edit!.insert); // whole code points
      }),
      { numRuns: 300 },
    );
    expect(diffText('a𠮷b', 'a𠮸b')).toEqual({ at: 1, remove: 1, insert: '𠮸' });
    expect(() => applyTextEdit('abc', { at: 2, remove: 5, insert: '' })).toThrow(RangeError);
  });

  it('shiftOffset keeps an end before text typed at it and moves a start after it', () => {
    const typed = { at: 3, remove: 0, insert: '一二' };
    expect([shiftOffset(2, typed, 1), shiftOffset(3, typed, -1), shiftOffset(3, typed, 1), shiftOffset(4, typed, -1)]).toEqual([2, 3, 5, 6]);
    const cut = { at: 2, remove: 3, insert: '' };
    expect([shiftOffset(2, cut, 1), shiftOffset(4, cut, -1), shiftOffset(4, cut, 1), shiftOffset(6, cut, 1)]).toEqual([2, 2, 2, 3]);
    expect(shiftSpan({ start: 2, end: 4 }, cut)).toEqual({ start: 2, end: 3 }); // never closed
  });

  it("the store's SQL shift is the shared rule: a save with only the splice stores exactly shiftSpan's places", () => {
    fc.assert(
      fc.property(
        textArb.chain((text) => fc.tuple(fc.constant(text), spansArb(cps(text).length), editArb(text))),
        ([text, spans, edit]) => {
          const { store, id } = storeWith(text, spans);
          try {
            const expected = spans.map((s) => ({ ...s, ...shiftSpan(s, edit) }));
            const newText = applyTextEdit(text, edit);
            if (expected.some((s) => s.end > cps(newText).length)) {
              // A span whose text was all cut is kept one character long by the rule; past the end
              // of the text, the save is refused whole (the editor sends such spans as removed).
              expect(() => store.saveDocument({ id, baseRevision: 0, edit, upsert: [], remove: [] })).toThrow(/past the end of the text/);
              expect(store.getDocument(id).text).toBe(text);
              return;
            }
            store.saveDocument({ id, baseRevision: 0, edit, upsert: [], remove: [] });
            expect(store.getDocument(id).text).toBe(newText);
            expect(stored(store, id)).toEqual(normal(expected));
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('whatever the editor did to the spans, splice + diff stores exactly its snapshot', () => {
    fc.assert(
      fc.property(
        textArb.chain((text) =>
          fc.tuple(fc.constant(text), spansArb(cps(text).length), textArb).chain(([text, spans, newText]) =>
            fc.tuple(fc.constant(text), fc.constant(spans), fc.constant(newText), spansArb(cps(newText).length)),
          ),
        ),
        ([text, spans, newText, newSpans]) => {
          // The editor's spans after the change: some kept ids (moved anyhow), some new, some gone.
          const after: Snapshot = { text: newText, spans: newSpans.map((s, i) => ({ ...s, id: i % 2 ? `s${i}` : `n${i}` })), links: [] };
          const before: Snapshot = { text, spans, links: [] };
          const { store, id } = storeWith(text, spans);
          try {
            store.saveDocument({ id, baseRevision: 0, ...diffSnapshots(before, after) });
            expect(store.getDocument(id).text).toBe(newText);
            expect(stored(store, id)).toEqual(normal(after.spans));
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a splice that does not fit the stored text is refused and nothing is written', () => {
    const { store, id } = storeWith('abc', [{ id: 'a', label: 'quote', start: 0, end: 2 }]);
    expect(() => store.saveDocument({ id, baseRevision: 0, edit: { at: 2, remove: 4, insert: 'x' }, upsert: [], remove: [] })).toThrow(StoreError);
    expect(() => store.saveDocument({ id, baseRevision: 0, text: 'x', edit: { at: 0, remove: 0, insert: 'x' }, upsert: [], remove: [] })).toThrow(StoreError);
    expect(store.getDocument(id)).toMatchObject({ text: 'abc', revision: 0 });
    expect(stored(store, id)).toEqual(normal([{ id: 'a', label: 'quote', start: 0, end: 2 }]));
    store.close();
  });
});
