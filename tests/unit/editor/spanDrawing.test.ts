// @vitest-environment happy-dom
/**
 * The span elements an editor view shows must be those a view drawn from scratch would show (every
 * span mark's element with the classes of its span's lane, label and pieces), after any sequence
 * of edits, tagging, fragments, edge moves, relabels, links, selections, undo and redo (a seeded
 * random walk, so a failure replays; WALK_SEED and WALKS run other or longer walks). So must the
 * spans read incrementally, the lanes kept from one transaction to the next, and the selection
 * highlight.
 */
import { joinBackward, splitBlock } from 'prosemirror-commands';
import { history, redo, undo } from 'prosemirror-history';
import type { Node } from 'prosemirror-model';
import { type Command, EditorState, TextSelection } from 'prosemirror-state';
import { type DecorationSet, EditorView } from 'prosemirror-view';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LABELS, DEFAULT_LINK_TYPES } from '../../../src/shared/labels';
import {
  addFragment,
  confirmLink,
  cycleLinkTarget,
  linkSpans,
  moveEdge,
  relabelSpan,
  selectSpan,
  startLinking,
  tagSelection,
} from '../../../src/renderer/editor/commands';
import { docFromText, readDocument } from '../../../src/renderer/editor/docCodec';
import { assignLanes } from '../../../src/renderer/editor/lanes';
import { SPAN_ID_ATTR, SPAN_MARK_ATTR } from '../../../src/renderer/editor/schema';
import { spanClassName } from '../../../src/renderer/editor/spanClasses';
import { buildHighlights, highlightClasses, type HighlightSpec } from '../../../src/renderer/editor/spanHighlights';
import { brokenFragments, collectSpansAfresh, findSpan, spanRanges, type SpanRange } from '../../../src/renderer/editor/spanMarks';
import { spanHighlightPlugin, spanPlugin, spanState } from '../../../src/renderer/editor/spanPlugin';

const labels = DEFAULT_LABELS.map((l) => ({ ...l }));
const LABEL_NAMES = ['quote', 'official', 'pledge'];

/** A tiny seeded generator (LCG): the same seed gives the same walk. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

/** Each span element of the view, in document order: its span id and classes. */
const dumpDom = (view: EditorView): string =>
  Array.from(view.dom.querySelectorAll(`[${SPAN_MARK_ATTR}]`), (el) => `${el.getAttribute(SPAN_ID_ATTR)}:${el.className}`).join('\n');

/** The same, as a view drawing `state` from scratch shows it. */
function dumpFresh(state: EditorState): string {
  const mount = document.createElement('div');
  const fresh = new EditorView(mount, { state: EditorState.create({ doc: state.doc, plugins: [spanPlugin(spanState(state).labels, DEFAULT_LINK_TYPES)] }) });
  try {
    return dumpDom(fresh);
  } finally {
    fresh.destroy();
  }
}

const dumpHighlights = (set: DecorationSet, doc: Node): string =>
  set
    .find(0, doc.content.size)
    .map((d) => `${d.from}-${d.to}:${(d.spec as HighlightSpec).highlight}:${(d.spec as HighlightSpec).spanId}:${(d.spec as HighlightSpec).className}`)
    .sort()
    .join('\n');

/** A span as compared here: everything but the mark object. */
const plain = (list: readonly SpanRange[]) => list.map((r) => `${r.id}:${r.label}:${r.fragments.map((f) => `${f.from}-${f.to}`).join(',')}`);

/**
 * Runs `walks` random walks of 30 steps over `text` with six random spans; after every step the
 * view's span elements must equal those of a view drawn afresh, and the spans read incrementally
 * those read afresh.
 */
function randomWalks(text: string, walks: number, seed: number): void {
  const rnd = random(seed);
  const length = text.length;
  for (let walk = 0; walk < walks; walk++) {
    const spans = Array.from({ length: 6 }, (_, k) => {
      const start = rnd(length - 2);
      return { id: `s${k}`, label: LABEL_NAMES[rnd(3)]!, start, end: Math.min(start + 1 + rnd(8), length) };
    });
    let state = EditorState.create({
      doc: docFromText(text, spans),
      plugins: [spanPlugin(labels, DEFAULT_LINK_TYPES), spanHighlightPlugin(), history()],
    });
    const view = new EditorView(document.createElement('div'), { state });
    const steps: string[] = [];
    for (let step = 0; step < 30; step++) {
      const size = state.doc.content.size;
      const a = 1 + rnd(size - 1);
      const b = 1 + rnd(size - 1);
      const from = Math.min(a, b);
      const to = Math.max(a, b);
      const op = rnd(13);
      let next: EditorState;
      try {
        next = state.apply(state.tr.setSelection(TextSelection.create(state.doc, from, to)));
      } catch {
        continue; // not a text position
      }
      const run = (command: Command) => {
        command(next, (tr) => (next = next.apply(tr)));
      };
      const ids = readDocument(state.doc).spans.map((s) => s.id);
      const anyId = () => ids[rnd(ids.length)]!;
      if (op === 0) run(tagSelection(LABEL_NAMES[rnd(3)]!));
      else if (op === 1 && ids.length) {
        run(selectSpan(anyId(), { textSelection: false }));
        next = next.apply(next.tr.setSelection(TextSelection.create(next.doc, from, to)));
        run(addFragment());
      } else if (op === 2) next = next.apply(next.tr.insertText('X', from, to));
      else if (op === 3) next = next.apply(next.tr.delete(from, to));
      else if (op === 4) run(splitBlock);
      else if (op === 5) {
        next = state.apply(state.tr.setSelection(TextSelection.create(state.doc, from)));
        run(joinBackward);
      } else if (op === 6) run(undo);
      else if (op === 7 && ids.length) {
        next = state;
        run(selectSpan(anyId()));
        run(moveEdge(rnd(2) ? 'start' : 'end', rnd(2) ? 1 : -1));
      } else if (op === 8) run(redo);
      else if (op === 9 && ids.length) {
        next = state;
        run(relabelSpan(anyId(), 'pledge'));
      } else if (op === 10 && ids.length) {
        // Selecting (or letting go of) a span changes no text.
        next = state;
        run(selectSpan(rnd(4) ? anyId() : null, { textSelection: rnd(2) === 0 }));
      } else if (op === 11 && ids.length > 1) {
        next = state;
        run(linkSpans(anyId(), anyId()));
        run(selectSpan(anyId(), { textSelection: false }));
      } else if (op === 12 && ids.length > 1) {
        // Choosing a link's target: candidates highlighted, Tab moves on, maybe Enter links.
        next = state;
        run(selectSpan(anyId(), { textSelection: false }));
        run(startLinking());
        run(cycleLinkTarget(1));
        if (rnd(2)) run(confirmLink());
      }
      steps.push(`${op}@${from}-${to}`);
      state = next;
      view.updateState(state);
      const where = `walk ${walk}: ${steps.join(' ')}`;
      const fresh = collectSpansAfresh(state.doc);
      expect(plain(spanRanges(state.doc)), where).toEqual(plain(fresh.list));
      expect(brokenFragments(state.doc).map((f) => `${f.from}-${f.to}`), where).toEqual(fresh.broken.map((f) => `${f.from}-${f.to}`));
      // Looking a span up by id (through the documents it was derived from) finds the listed span itself.
      const listed = spanRanges(state.doc);
      for (const s of listed) expect(findSpan(state.doc, s.id), where).toBe(s);
      for (const id of ['s0', 's1', 's2', 's3', 's4', 's5', 'never']) {
        if (!listed.some((s) => s.id === id)) expect(findSpan(state.doc, id), where).toBeUndefined();
      }
      const drawn = spanState(state);
      // The lanes kept from one document to the next are those of a fresh drawing.
      const drawnSpans = drawn.spans.toArray();
      const drawnLanes = drawn.spans.lanes();
      expect(plain(drawnSpans), where).toEqual(plain(fresh.list));
      expect(drawnLanes, where).toEqual(assignLanes(fresh.list));
      const shown = dumpDom(view);
      expect(shown, where).toBe(dumpFresh(state));
      // Every span has elements, with its own classes.
      const classOf = new Map(drawnSpans.map((s, i) => [s.id, spanClassName(s, drawnLanes[i]!, drawn.labels)]));
      expect(new Set(Array.from(view.dom.querySelectorAll(`[${SPAN_MARK_ATTR}]`), (el) => el.getAttribute(SPAN_ID_ATTR))), where).toEqual(new Set(classOf.keys()));
      for (const el of view.dom.querySelectorAll(`[${SPAN_MARK_ATTR}]`)) expect(el.className, where).toBe(classOf.get(el.getAttribute(SPAN_ID_ATTR)!));
      const highlighted = highlightClasses(state.doc, drawn.selectedId, drawn.linking);
      expect(new Map(drawn.highlighted), where).toEqual(highlighted);
      expect(dumpHighlights(drawn.highlights, state.doc), where).toBe(dumpHighlights(buildHighlights(state.doc, highlighted, drawn.labels), state.doc));
    }
    view.destroy();
  }
}

describe('span elements, their classes, and incrementally read spans', () => {
  it('equal a fresh drawing after every step of 300 random walks', () => {
    randomWalks('abcdefghij\nklmnopqrst\nuvwxyzABCD', Number(process.env.WALKS ?? 300), Number(process.env.WALK_SEED ?? 777));
  });

  it('equal a fresh read in a document of many paragraphs, where only the changed ones are re-read', () => {
    const text = Array.from({ length: 24 }, (_, i) => `第${i}段abcdefgh`).join('\n');
    randomWalks(text, Number(process.env.WALKS ?? 150), Number(process.env.WALK_SEED ?? 778));
  });
});
