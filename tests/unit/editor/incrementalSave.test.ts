/**
 * Autosave reads only the paragraphs a change touched (editor/saveChanges.ts). Whatever the editor
 * does between two saves — typing, deleting across paragraphs, splitting and joining them, pasting a
 * paragraph that repeats its neighbour, tagging, fragments, edge moves, relabels, values, notes,
 * links, undo and redo — the corpus file must end up holding exactly what the editor shows, as it
 * does when the whole document is read and diffed. A seeded random walk checks it against two real
 * corpus stores, one saved each way (WALKS and WALK_SEED run other or longer walks).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { joinBackward, splitBlock } from 'prosemirror-commands';
import { history, redo, undo } from 'prosemirror-history';
import { Fragment, type Node, Slice } from 'prosemirror-model';
import { type Command, EditorState, TextSelection } from 'prosemirror-state';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCorpusStore } from '../../../src/main/services/loupeService';
import type { CorpusStore } from '../../../src/main/store/corpusStore';
import { DEFAULT_LABELS, DEFAULT_LINK_TYPES } from '../../../src/shared/labels';
import { diffSnapshots, type SaveDiff } from '../../../src/shared/saveDiff';
import type { Link, Span, SpanInput } from '../../../src/shared/types';
import {
  addFragment,
  linkSpans,
  moveEdge,
  relabelSpan,
  removeLink,
  removeSpan,
  selectSpan,
  setSpanAttr,
  setSpanNote,
  tagSelection,
} from '../../../src/renderer/editor/commands';
import { docFromText, readDocument } from '../../../src/renderer/editor/docCodec';
import { changedParagraphs, docChanges } from '../../../src/renderer/editor/saveChanges';
import { paragraphType, schema, storedLinks } from '../../../src/renderer/editor/schema';
import { spanPlugin } from '../../../src/renderer/editor/spanPlugin';
import { Rng } from '../../reliability/rng';

const labels = DEFAULT_LABELS.map((l) => ({ ...l }));
const LABEL_NAMES = ['quote', 'official', 'pledge', 'slogan'];

let dir: string;
let stores: CorpusStore[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-incsave-'));
});
afterEach(() => {
  for (const s of stores) s.close();
  stores = [];
  fs.rmSync(dir, { recursive: true, force: true });
});

function newStore(): CorpusStore {
  const store = openCorpusStore(path.join(dir, `c${stores.length}.loupe`), { create: true });
  stores.push(store);
  return store;
}

/** A span as compared here, whichever side it comes from. */
const plainSpan = (s: SpanInput | Span) => ({
  id: s.id,
  label: s.label,
  start: s.start,
  end: s.end,
  fragments: s.fragments ?? [[s.start, s.end]],
  attrs: s.attrs ?? {},
  note: s.note ?? '',
});
const byId = <T extends { id: string }>(list: readonly T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const plainLinks = (links: readonly Link[]) => byId(links).map(({ id, type, from, to }) => ({ id, type, from, to }));

function shown(doc: Node) {
  const content = readDocument(doc);
  return { text: content.text, spans: byId(content.spans.map(plainSpan)), links: plainLinks(content.links) };
}

function stored(store: CorpusStore, id: number) {
  const d = store.getDocument(id);
  return { text: d.text, spans: byId(d.spans.map(plainSpan)), links: plainLinks(d.links) };
}

/** Saves `diff` as the app does; the error's message when the store refuses it. */
function save(store: CorpusStore, id: number, diff: SaveDiff): string | null {
  try {
    store.saveDocument({ id, ...diff });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

// Paragraphs that repeat one another, so a pasted or split paragraph can match its neighbour; astral
// characters, emoji and combining marks, so positions, UTF-16 units and code points all differ.
const PARAGRAPHS = ['县委书记赵宏钟说：“把问题找准。”', '重复的一段。', '重复的一段。', '𠮷野家👍🏽e\u0301好', '', '全面深化改革，坚持稳中求进。', '重复的一段。'];

/** Whether `pos` lies between the two halves of a surrogate pair. */
function cutsPair(doc: Node, pos: number): boolean {
  const $pos = doc.resolve(pos);
  const text = $pos.parent.textContent;
  const o = $pos.parentOffset;
  return $pos.parent.isTextblock && o > 0 && o < text.length && /[\uD800-\uDBFF]/.test(text[o - 1]!) && /[\uDC00-\uDFFF]/.test(text[o]!);
}

function randomWalks(walks: number, seed: number): { saves: number; refusals: string[] } {
  let saves = 0;
  const refusals: string[] = [];
  const rng = new Rng(seed);
  for (let walk = 0; walk < walks; walk++) {
    const text = Array.from({ length: 4 + rng.int(8) }, () => rng.pick(PARAGRAPHS)).join('\n');
    const cps = [...text].length;
    const spans: SpanInput[] = [];
    for (let k = 0; k < 6 && cps > 2; k++) {
      const start = rng.int(cps - 1);
      const end = Math.min(start + 1 + rng.int(8), cps);
      // Spans may not end on a "\n" alone; docFromText drops a span of newlines only.
      if ([...text].slice(start, end).every((c) => c === '\n')) continue;
      spans.push({ id: `s${walk}-${k}`, label: rng.pick(LABEL_NAMES.slice(0, 3)), start, end });
    }
    let state = EditorState.create({ doc: docFromText(text, spans), plugins: [spanPlugin(labels, DEFAULT_LINK_TYPES), history()] });
    // The stores hold what the editor opened (the editor drops spans of newlines only).
    const opened = readDocument(state.doc);
    const incremental = newStore();
    const whole = newStore();
    const ids = [incremental, whole].map((s) => s.insertDocument({ title: `walk ${walk}`, text: opened.text, spans: opened.spans }));
    let saved = state.doc;
    const steps: string[] = [];
    for (let step = 0; step < 30; step++) {
      const size = state.doc.content.size;
      const a = 1 + rng.int(Math.max(1, size - 1));
      const b = 1 + rng.int(Math.max(1, size - 1));
      const from = Math.min(a, b);
      const to = Math.max(a, b);
      const inText = (pos: number) => state.doc.resolve(pos).parent.inlineContent;
      if (!inText(from) || !inText(to)) continue; // not a text position
      if (cutsPair(state.doc, from) || cutsPair(state.doc, to)) continue; // no key or click lands inside a character
      let next = state.apply(state.tr.setSelection(TextSelection.create(state.doc, from, to)));
      const run = (command: Command) => {
        command(next, (tr) => (next = next.apply(tr)));
      };
      const live = readDocument(state.doc).spans.map((s) => s.id);
      const anyId = () => rng.pick(live);
      const op = rng.int(17);
      if (op === 0) run(tagSelection(rng.pick(LABEL_NAMES)));
      else if (op === 1 && live.length) {
        run(selectSpan(anyId(), { textSelection: false }));
        next = next.apply(next.tr.setSelection(TextSelection.create(next.doc, from, to)));
        run(addFragment());
      } else if (op === 2) next = next.apply(next.tr.insertText(rng.pick(['X', '字', '𠮷', '\u0301']), from, rng.chance(0.7) ? from : to));
      else if (op === 3) next = next.apply(next.tr.delete(from, to));
      else if (op === 4) run(splitBlock);
      else if (op === 5) {
        next = state.apply(state.tr.setSelection(TextSelection.create(state.doc, from)));
        run(joinBackward);
      } else if (op === 6) run(undo);
      else if (op === 7) run(redo);
      else if (op === 8 && live.length) {
        next = state;
        run(selectSpan(anyId()));
        run(moveEdge(rng.chance(0.5) ? 'start' : 'end', rng.chance(0.5) ? 1 : -1));
      } else if (op === 9 && live.length) {
        next = state;
        run(relabelSpan(anyId(), rng.pick(LABEL_NAMES)));
      } else if (op === 10 && live.length) {
        next = state;
        run(removeSpan(anyId()));
      } else if (op === 11 && live.length) {
        next = state;
        run(setSpanNote(anyId(), rng.chance(0.3) ? '' : `注${step}`));
      } else if (op === 12 && live.length) {
        next = state;
        const id = anyId();
        const label = readDocument(state.doc).spans.find((s) => s.id === id)!.label;
        if (label === 'quote') run(setSpanAttr(id, 'kind', rng.pick(['direct', 'indirect', null])));
        else if (label === 'pledge') run(setSpanAttr(id, 'measurable', rng.chance(0.5)));
      } else if (op === 13 && live.length > 1) {
        next = state;
        run(linkSpans(anyId(), anyId()));
      } else if (op === 14) {
        next = state;
        const links = storedLinks(state.doc);
        if (links.length) run(removeLink(rng.pick(links).id));
      } else if (op === 15) {
        // Paste whole paragraphs at a paragraph boundary: one that repeats the paragraph after it.
        const index = rng.int(state.doc.childCount + 1);
        let pos = 0;
        for (let i = 0; i < index; i++) pos += state.doc.child(i).nodeSize;
        const copy = state.doc.child(Math.min(index, state.doc.childCount - 1));
        const pasted = paragraphType.create(null, copy.content.size ? schema.text(copy.textContent) : null);
        next = state.apply(state.tr.replace(pos, pos, new Slice(Fragment.from(pasted), 0, 0)));
      } else if (op === 16) {
        // Delete whole paragraphs.
        const first = rng.int(state.doc.childCount);
        const last = Math.min(state.doc.childCount, first + 1 + rng.int(2));
        if (last - first < state.doc.childCount) {
          let pos = 0;
          for (let i = 0; i < first; i++) pos += state.doc.child(i).nodeSize;
          let end = pos;
          for (let i = first; i < last; i++) end += state.doc.child(i).nodeSize;
          next = state.apply(state.tr.delete(pos, end));
        }
      }
      steps.push(`${op}@${from}-${to}`);
      state = next;
      if (!rng.chance(0.35) && step < 29) continue;
      // A save: once incrementally, once by reading both documents whole.
      const where = `walk ${walk}: ${steps.join(' ')}`;
      const inc = docChanges(saved, state.doc);
      const full = diffSnapshots(readDocument(saved), readDocument(state.doc));
      const refusedInc = save(incremental, ids[0]!, inc);
      const refusedWhole = save(whole, ids[1]!, full);
      expect(refusedInc, where).toBe(refusedWhole);
      if (refusedInc !== null) refusals.push(`${refusedInc} [${where}]`);
      else saves++;
      if (refusedInc !== null) continue; // refused both ways (a rule of the store): the changes wait, as in the app
      saved = state.doc;
      const want = shown(state.doc);
      expect(stored(incremental, ids[0]!), where).toEqual(want);
      expect(stored(whole, ids[1]!), where).toEqual(want);
    }
  }
  return { saves, refusals };
}

describe('autosave from the changed paragraphs', () => {
  it('leaves the corpus equal to the editor, as a whole read and diff does, after every save of 300 random walks', () => {
    const { saves, refusals } = randomWalks(Number(process.env.WALKS ?? 300), Number(process.env.WALK_SEED ?? 20261205));
    // The walks must mostly save (a store rule refusing most of them would leave little checked).
    expect(saves).toBeGreaterThan(10 * refusals.length);
    if (process.env.WALK_DEBUG) console.info(`${saves} saves, ${refusals.length} refused: ${[...new Set(refusals)].slice(0, 5).join('; ')}`);
  });

  it('finds the changed paragraphs by identity, and none when only the selection changed', () => {
    const doc = docFromText('一\n二\n三\n四', []);
    const state = EditorState.create({ doc });
    expect(changedParagraphs(doc, state.apply(state.tr.setSelection(TextSelection.create(doc, 1))).doc)).toBeNull();
    const typed = state.apply(state.tr.insertText('X', 4)).doc; // in 二
    expect(changedParagraphs(doc, typed)).toEqual({ first: 1, endBefore: 2, endAfter: 2 });
    const split = state.apply(state.tr.split(7)).doc; // inside 三
    expect(changedParagraphs(doc, split)).toEqual({ first: 2, endBefore: 3, endAfter: 4 });
  });

  it('sends a typed character as a one-character splice and no span, however long the document', () => {
    const paragraphs = Array.from({ length: 2000 }, (_, i) => `第${i}段：全面深化改革。`);
    const text = paragraphs.join('\n');
    const spans = paragraphs.map((p, i) => {
      const start = [...paragraphs.slice(0, i).join('\n')].length + (i ? 1 : 0);
      return { id: `p${i}`, label: 'pledge', start, end: start + [...p].length };
    });
    const doc = docFromText(text, spans);
    const state = EditorState.create({ doc, plugins: [spanPlugin(labels, DEFAULT_LINK_TYPES)] });
    const middle = state.doc.resolve(Math.floor(state.doc.content.size / 2));
    const at = middle.start() + 1;
    const after = state.apply(state.tr.insertText('新', at)).doc;
    const diff = docChanges(doc, after);
    expect(diff.edit?.insert).toBe('新');
    expect(diff.edit?.remove).toBe(0);
    expect(diff).toMatchObject({ upsert: [], remove: [], upsertLinks: [], removeLinks: [] });
    expect(diff).toEqual(diffSnapshots(readDocument(doc), readDocument(after)));
  });

  it('sends a span whose place the splice alone would get wrong: a paragraph pasted before its twin', () => {
    const doc = docFromText('甲\n重复\n乙', [{ id: 'r', label: 'quote', start: 2, end: 4 }]);
    const state = EditorState.create({ doc, plugins: [spanPlugin(labels, DEFAULT_LINK_TYPES)] });
    // A new "重复" paragraph before the tagged one: text alone cannot tell which of the two is new.
    const pos = doc.child(0).nodeSize;
    const after = state.apply(state.tr.replace(pos, pos, new Slice(Fragment.from(paragraphType.create(null, schema.text('重复'))), 0, 0))).doc;
    const store = newStore();
    const id = store.insertDocument({ title: 't', text: '甲\n重复\n乙', spans: [{ id: 'r', label: 'quote', start: 2, end: 4 }] });
    store.saveDocument({ id, ...docChanges(doc, after) });
    expect(stored(store, id)).toEqual(shown(after));
    expect(stored(store, id).spans[0]).toMatchObject({ start: 5, end: 7 });
  });
});
