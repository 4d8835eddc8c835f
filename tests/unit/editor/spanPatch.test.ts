/**
 * Tagging, relabelling, typing or selecting in a long document redraws only the decorations of the
 * spans it changed: the work grows with what changed, not with the twenty thousand spans of a report.
 */
import { history } from 'prosemirror-history';
import { EditorState, TextSelection } from 'prosemirror-state';
import { Decoration } from 'prosemirror-view';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LINK_TYPES } from '../../../src/shared/labels';
import type { Link, SpanInput } from '../../../src/shared/types';
import { relabelSpan, selectSpan, tagSelection } from '../../../src/renderer/editor/commands';
import { docFromText } from '../../../src/renderer/editor/docCodec';
import { assignLanes } from '../../../src/renderer/editor/lanes';
import { buildDecorations, type SpanDecorationSpec } from '../../../src/renderer/editor/spanDecorations';
import { spanRanges } from '../../../src/renderer/editor/spanMarks';
import { spanPlugin, spanState } from '../../../src/renderer/editor/spanPlugin';
import { LABELS, run } from './helpers';

const PARAGRAPHS = 300;
const PER_PARAGRAPH = 10;

/** 300 paragraphs of 40 characters, each with ten nested and overlapping spans; one link. */
function longState(): EditorState {
  const line = '一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒';
  const text = Array.from({ length: PARAGRAPHS }, () => line).join('\n');
  const spans: SpanInput[] = [];
  for (let p = 0; p < PARAGRAPHS; p++) {
    const at = p * (line.length + 1);
    for (let k = 0; k < PER_PARAGRAPH; k++) {
      spans.push({ id: `s${p}-${k}`, label: LABELS[k % 3]!.name, start: at + k * 3, end: at + k * 3 + 2 + (k % 4) * 2 });
    }
  }
  const links: Link[] = [{ id: 'l1', type: DEFAULT_LINK_TYPES[0]!.name, from: 's150-1', to: 's150-4' }];
  return EditorState.create({ doc: docFromText(text, spans, links), plugins: [spanPlugin(LABELS, DEFAULT_LINK_TYPES), history()] });
}

/** Runs `f` and counts the decorations it created. */
function decorationsMadeBy<T>(f: () => T): { result: T; made: number } {
  const inline = vi.spyOn(Decoration, 'inline');
  try {
    const result = f();
    return { result, made: inline.mock.calls.length };
  } finally {
    inline.mockRestore();
  }
}

/** The span decorations as a comparable list. */
const dump = (state: EditorState) =>
  spanState(state)
    .decorations.find()
    .map((d) => `${d.from}-${d.to}:${(d.spec as SpanDecorationSpec).className}`)
    .sort();

function expectAsBuilt(state: EditorState): void {
  const drawn = spanState(state);
  expect(drawn.lanes).toEqual(assignLanes(spanRanges(state.doc)));
  expect(dump(state)).toEqual(
    buildDecorations(state.doc, drawn)
      .find()
      .map((d) => `${d.from}-${d.to}:${(d.spec as SpanDecorationSpec).className}`)
      .sort(),
  );
}

afterEach(() => vi.restoreAllMocks());

describe('in a document of 3,000 spans', () => {
  const middle = (state: EditorState, offset: number): number => {
    let pos = 0;
    for (let p = 0; p < PARAGRAPHS / 2; p++) pos += state.doc.child(p).nodeSize;
    return pos + 1 + offset;
  };

  it('selecting a span keeps the span decorations and draws a highlight for it and its linked span', () => {
    const state = longState();
    const { result: selected, made } = decorationsMadeBy(() => run(state, selectSpan('s150-1')));
    expect(spanState(selected).decorations).toBe(spanState(state).decorations);
    expect(made).toBe(2);
    const highlights = spanState(selected).highlights.find();
    expect(highlights.map((d) => d.spec as { spanId: string; highlight: string }).map((s) => `${s.spanId}:${s.highlight}`).sort()).toEqual([
      's150-1:lp-selected',
      's150-4:lp-linked',
    ]);
    const { result: other } = decorationsMadeBy(() => run(selected, selectSpan('s10-3')));
    expect(spanState(other).decorations).toBe(spanState(state).decorations);
    expect(spanState(other).highlights.find().map((d) => (d.spec as { spanId: string }).spanId)).toEqual(['s10-3']);
  });

  it('tagging draws the new span and the few spans whose lane it changed, nothing else', () => {
    let state = longState();
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, middle(state, 2), middle(state, 20))));
    const { result: tagged, made } = decorationsMadeBy(() => run(state, tagSelection('quote', 'new')));
    expect(spanRanges(tagged.doc).some((s) => s.id === 'new')).toBe(true);
    // The new span, its highlight (it is selected), and the spans of its paragraph pushed to another lane.
    expect(made).toBeLessThanOrEqual(2 + PER_PARAGRAPH);
    expectAsBuilt(tagged);
  });

  it('relabelling or typing redraws the spans of one paragraph at most', () => {
    const state = longState();
    const { result: relabelled, made } = decorationsMadeBy(() => run(state, relabelSpan('s150-2', 'official')));
    expect(made).toBe(1);
    expectAsBuilt(relabelled);
    const typed = decorationsMadeBy(() => relabelled.apply(relabelled.tr.insertText('字', middle(relabelled, 4))));
    expect(typed.made).toBeLessThanOrEqual(PER_PARAGRAPH);
    expectAsBuilt(typed.result);
  });
});
