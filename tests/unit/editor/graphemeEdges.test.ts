/**
 * Span edges move by what a reader sees as one character, a grapheme cluster: `]` never leaves a span
 * holding 👍 without its skin tone, half a flag, part of a ZWJ family or an e without its accent.
 * CoNLL cuts tokens by the same clusters, so a moved edge always falls between two tokens.
 */
import { EditorState, TextSelection } from 'prosemirror-state';
import { history } from 'prosemirror-history';
import { describe, expect, it } from 'vitest';
import { moveEdge, selectSpan } from '../../../src/renderer/editor/commands';
import { docFromText, readDocument } from '../../../src/renderer/editor/docCodec';
import { spanPlugin } from '../../../src/renderer/editor/spanPlugin';
import { stepChar } from '../../../src/renderer/editor/textMotion';
import { tokenizeSentences } from '../../../src/main/formats/tokenize';
import { LABELS, run } from './helpers';

const THUMB = '👍🏽'; // U+1F44D U+1F3FD: two code points, one character
const FLAG = '🇨🇳'; // two regional indicators
const FAMILY = '👨\u200d👩\u200d👧'; // five code points joined by ZWJ
const E_ACUTE = 'e\u0301'; // e + combining acute accent

/** A state over `text` with the span `s` (code points start..end) selected. */
function withSpan(text: string, start: number, end: number): EditorState {
  const d = docFromText(text, [{ id: 's', label: 'quote', start, end }]);
  const state = EditorState.create({ doc: d, plugins: [spanPlugin(LABELS), history()] });
  return run(state, selectSpan('s'));
}

/** The stored offsets and the text under the span, as an export shows them. */
function spanOf(state: EditorState): { start: number; end: number; text: string } {
  const { text, spans } = readDocument(state.doc);
  const { start, end } = spans[0]!;
  return { start, end, text: [...text].slice(start, end).join('') };
}

/** Whether both ends of the span fall between CoNLL tokens (never inside one). */
function onTokenEdges(state: EditorState): boolean {
  const { text, spans } = readDocument(state.doc);
  const { start, end } = spans[0]!;
  const edges = new Set([0, [...text].length]);
  for (const sentence of tokenizeSentences(text)) {
    for (const t of sentence) {
      edges.add(t.start);
      edges.add(t.end);
    }
  }
  return edges.has(start) && edges.has(end);
}

describe('span edges step over whole grapheme clusters', () => {
  it.each([
    ['an emoji with a skin tone', THUMB],
    ['a flag', FLAG],
    ['a ZWJ family', FAMILY],
    ['a letter with a combining accent', E_ACUTE],
  ])('] takes in %s whole, Shift+] gives it back whole, and [ does the same at the start', (_, cluster) => {
    const text = `点赞${cluster}了`;
    const size = [...cluster].length;
    let state = withSpan(text, 1, 2); // 赞
    state = run(state, moveEdge('end', 1));
    expect(spanOf(state)).toEqual({ start: 1, end: 2 + size, text: `赞${cluster}` });
    expect(onTokenEdges(state)).toBe(true);
    state = run(state, moveEdge('end', -1));
    expect(spanOf(state).text).toBe('赞');

    let tail = withSpan(text, 2 + size, 3 + size); // 了
    tail = run(tail, moveEdge('start', -1));
    expect(spanOf(tail)).toEqual({ start: 2, end: 3 + size, text: `${cluster}了` });
    expect(onTokenEdges(tail)).toBe(true);
    tail = run(tail, moveEdge('start', 1));
    expect(spanOf(tail).text).toBe('了');
  });

  it('an edge left inside a cluster by another tool moves out to that cluster’s edge', () => {
    // Stored by an import: the span holds 👍 without its skin tone.
    let state = withSpan(`x${THUMB}y`, 1, 2);
    state = run(state, moveEdge('end', 1));
    expect(spanOf(state).text).toBe(THUMB);
    state = run(state, moveEdge('end', 1));
    expect(spanOf(state).text).toBe(`${THUMB}y`);
  });

  it('a text selection’s edges move by clusters too', () => {
    const d = docFromText(`a${FAMILY}b`, []);
    const state = EditorState.create({ doc: d, selection: TextSelection.create(d, 1, 2), plugins: [spanPlugin(LABELS), history()] });
    const grown = run(state, moveEdge('end', 1));
    expect(grown.doc.textBetween(grown.selection.from, grown.selection.to)).toBe(`a${FAMILY}`);
  });

  it('stepChar goes cluster by cluster across a paragraph and over the paragraph break', () => {
    const d = docFromText(`${THUMB}${FLAG}${E_ACUTE}\n${FAMILY}`, []);
    const stops: string[] = [];
    for (let pos: number | null = 1; pos !== null; pos = stepChar(d, pos, 1)) {
      const next = stepChar(d, pos, 1);
      if (next !== null) stops.push(d.textBetween(pos, next));
    }
    expect(stops).toEqual([THUMB, FLAG, E_ACUTE, FAMILY]);
    const back: string[] = [];
    for (let pos: number | null = d.content.size - 1; pos !== null; pos = stepChar(d, pos, -1)) {
      const prev = stepChar(d, pos, -1);
      if (prev !== null) back.push(d.textBetween(prev, pos));
    }
    expect(back).toEqual([FAMILY, E_ACUTE, FLAG, THUMB]);
  });

  it('Alt+] stops after a punctuation mark with an emoji presentation (‼️, #️⃣), never inside it', () => {
    for (const mark of ['‼\ufe0f', '#\ufe0f\u20e3']) {
      let state = withSpan(`好${mark}好`, 0, 1);
      state = run(state, moveEdge('end', 1, 'punct'));
      expect(spanOf(state).text).toBe(`好${mark}`);
      expect(onTokenEdges(state)).toBe(true);
    }
  });
});
