/**
 * The editor's attribution model: attribute values and notes, links, fragments, edge moves, the
 * quotation key and find — all as document steps, so Undo takes each back with the text.
 */
import { history, redo, undo } from 'prosemirror-history';
import type { Node } from 'prosemirror-model';
import { type Command, EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LABELS, DEFAULT_LINK_TYPES } from '../../../src/shared/labels';
import {
  addFragment,
  cancelLinking,
  confirmLink,
  cycleLinkTarget,
  linkingChoice,
  linkSpans,
  linksOf,
  moveEdge,
  relabelSpan,
  removeLink,
  removeSpan,
  selectQuoted,
  selectSpan,
  setSpanAttr,
  setSpanNote,
  spanInfo,
  startLinking,
  tagSelection,
} from '../../../src/renderer/editor/commands';
import { docFromText, readDocument } from '../../../src/renderer/editor/docCodec';
import { countMatches, findNext } from '../../../src/renderer/editor/find';
import { spanPlugin, spanState } from '../../../src/renderer/editor/spanPlugin';
import { quotedRange, stepChar, stepPunct } from '../../../src/renderer/editor/textMotion';
import { doc, p, run, sp } from './helpers';

const labels = DEFAULT_LABELS.map((l) => ({ ...l }));

/** A state over `d` (or a text), with the default schema, selecting a..b when given. */
function stateOf(d: Node, a?: number, b?: number): EditorState {
  return EditorState.create({
    doc: d,
    selection: a === undefined ? undefined : TextSelection.create(d, a, b ?? a),
    plugins: [spanPlugin(labels, DEFAULT_LINK_TYPES), history()],
  });
}

const select = (state: EditorState, a: number, b: number) => state.apply(state.tr.setSelection(TextSelection.create(state.doc, a, b)));
const apply = (state: EditorState, command: Command) => run(state, command);

/** The position of the `n`-th occurrence of `needle` in the text of `d` (first paragraph match). */
function posOf(d: Node, needle: string, n = 0): { from: number; to: number } {
  let found: { from: number; to: number } | null = null;
  let seen = 0;
  d.forEach((para, offset) => {
    const text = para.textContent;
    for (let i = text.indexOf(needle); i >= 0 && !found; i = text.indexOf(needle, i + 1)) {
      if (seen++ === n) found = { from: offset + 1 + i, to: offset + 1 + i + needle.length };
    }
  });
  if (!found) throw new Error(`${needle} not found`);
  return found;
}

const ARTICLE = '“政府工作报告有三个特点。”市政协副主席、寿阳县委书记赵宏钟表示,寿阳县将以市两会为契机。';

describe('attribute values and notes', () => {
  it('a new span gets its label’s defaults; values and notes change undoably', () => {
    const d = docFromText(ARTICLE, []);
    const pledge = posOf(d, '寿阳县将以市两会为契机');
    let state = apply(stateOf(d, pledge.from, pledge.to), tagSelection('pledge', 'p1'));
    expect(spanInfo(state, 'p1').attrs).toEqual({ measurable: false });
    state = apply(state, setSpanAttr('p1', 'target_year', 2025));
    state = apply(state, setSpanNote('p1', '见第二段'));
    expect(readDocument(state.doc).spans[0]).toMatchObject({ attrs: { measurable: false, target_year: 2025 }, note: '见第二段' });
    state = apply(state, undo);
    expect(readDocument(state.doc).spans[0]!.note).toBe('');
    state = apply(state, undo);
    expect(readDocument(state.doc).spans[0]!.attrs).toEqual({ measurable: false });
    state = apply(state, setSpanAttr('p1', 'measurable', null));
    expect(readDocument(state.doc).spans[0]!.attrs).toEqual({});
  });

  it('relabelling keeps the values the new label admits and takes its defaults for the rest', () => {
    const d = docFromText(ARTICLE, [{ id: 'q', label: 'quote', start: 1, end: 12, attrs: { kind: 'direct' }, note: 'n' }]);
    let state = apply(stateOf(d), relabelSpan('q', 'pledge'));
    expect(readDocument(state.doc).spans[0]).toMatchObject({ label: 'pledge', attrs: { measurable: false }, note: 'n' });
    state = apply(state, undo);
    expect(readDocument(state.doc).spans[0]).toMatchObject({ label: 'quote', attrs: { kind: 'direct' } });
  });
});

describe('links', () => {
  const spans = [
    { id: 'q', label: 'quote', start: 1, end: 13 },
    { id: 'o', label: 'official', start: 14, end: 30 },
  ];

  it('L then Enter links a quote to the nearest official; a second identical link is refused', () => {
    let state = apply(stateOf(docFromText(ARTICLE, spans)), selectSpan('q'));
    state = apply(state, startLinking());
    const choice = linkingChoice(state)!;
    expect([choice.from.id, choice.to.id, choice.type.name]).toEqual(['q', 'o', 'speaker']);
    state = apply(state, confirmLink());
    expect(readDocument(state.doc).links).toEqual([{ id: expect.any(String), type: 'speaker', from: 'q', to: 'o' }]);
    expect(spanState(state).linking).toBeNull();
    expect(linkSpans('q', 'o')(state)).toBe(false);
    // Not every pair fits a link type: an official cannot be a speaker's source.
    expect(linkSpans('o', 'q')(state)).toBe(false);
  });

  it('cycles through candidates, nearest first, and Esc cancels without a link', () => {
    const text = '赵宏钟说“好”,张英杰和许利伟点头。';
    const d = docFromText(text, [
      { id: 'q', label: 'quote', start: 5, end: 6 },
      { id: 'a', label: 'official', start: 0, end: 3 },
      { id: 'b', label: 'official', start: 8, end: 11 },
      { id: 'c', label: 'official', start: 12, end: 15 },
    ]);
    let state = apply(apply(stateOf(d), selectSpan('q')), startLinking());
    expect(spanState(state).linking!.candidates).toEqual(['b', 'a', 'c']);
    state = apply(state, cycleLinkTarget(1));
    expect(linkingChoice(state)!.to.id).toBe('a');
    state = apply(state, cycleLinkTarget(-1));
    state = apply(state, cycleLinkTarget(-1));
    expect(linkingChoice(state)!.to.id).toBe('c');
    state = apply(state, cancelLinking());
    expect(readDocument(state.doc).links).toEqual([]);
    expect(spanState(state).selectedId).toBe('q');
  });

  it('a link whose end is deleted goes with it, and Undo brings both back', () => {
    let state = apply(stateOf(docFromText(ARTICLE, spans)), linkSpans('q', 'o'));
    expect(linksOf(state.doc, 'q')).toHaveLength(1);
    state = apply(state, removeSpan('o'));
    expect(readDocument(state.doc).links).toEqual([]);
    expect(linksOf(state.doc, 'q')).toEqual([]);
    state = apply(state, undo);
    expect(readDocument(state.doc).links).toHaveLength(1);
    // Deleting the official's text (not just its span) works alike.
    const o = posOf(state.doc, '市政协副主席、寿阳县委书记赵宏钟');
    state = state.apply(state.tr.delete(o.from, o.to));
    expect(readDocument(state.doc).links).toEqual([]);
    state = apply(state, undo);
    expect(readDocument(state.doc).links).toHaveLength(1);
  });

  it('removing a link and relabelling an end out of its type are undoable', () => {
    let state = apply(stateOf(docFromText(ARTICLE, spans)), linkSpans('q', 'o'));
    const [link] = readDocument(state.doc).links;
    state = apply(state, removeLink(link!.id));
    expect(readDocument(state.doc).links).toEqual([]);
    state = apply(state, undo);
    expect(readDocument(state.doc).links).toEqual([link]);
    // A quote relabelled to slogan can no longer be a speaker's source: the link goes, and comes back.
    state = apply(state, relabelSpan('q', 'slogan'));
    expect(readDocument(state.doc).links).toEqual([]);
    state = apply(state, undo);
    expect(readDocument(state.doc).links).toEqual([link]);
    state = apply(state, redo);
    expect(readDocument(state.doc).links).toEqual([]);
  });

  it('loads links from the stored document and keeps only those whose ends exist', () => {
    const links = [
      { id: 'l1', type: 'speaker', from: 'q', to: 'o' },
      { id: 'l2', type: 'speaker', from: 'q', to: 'gone' },
    ];
    expect(readDocument(docFromText(ARTICLE, spans, links)).links).toEqual([links[0]]);
  });
});

describe('fragments', () => {
  const text = '“河道干不干净,群众看得最清楚。”县委书记周振华说,“今年我们要把问题找准。”';

  it('Alt+hotkey adds the selection to the span selected last; one span, several fragments, undoable', () => {
    const d = docFromText(text, []);
    const a = posOf(d, '河道干不干净,群众看得最清楚。');
    const b = posOf(d, '今年我们要把问题找准。');
    let state = apply(stateOf(d, a.from, a.to), tagSelection('quote', 'q'));
    state = select(state, b.from, b.to);
    expect(spanState(state).selectedId).toBeNull();
    expect(addFragment('official')(state)).toBe(false); // the last span is a quote
    state = apply(state, addFragment('quote'));
    const [span] = readDocument(state.doc).spans;
    expect(span).toMatchObject({ id: 'q', start: 1, end: 38, fragments: [[1, 16], [27, 38]] });
    expect(spanState(state).selectedId).toBe('q');
    state = apply(state, undo);
    expect(readDocument(state.doc).spans[0]!.fragments).toEqual([[1, 16]]);
  });

  it('adding text that is already in one of the fragments changes nothing', () => {
    const d = docFromText(text, [{ id: 'q', label: 'quote', start: 1, end: 37, fragments: [[1, 16], [27, 37]] }]);
    let state = apply(stateOf(d), selectSpan('q'));
    const inside = posOf(state.doc, '今年');
    state = select(state, inside.from, inside.to);
    expect(addFragment('quote')(state)).toBe(false);
  });

  it('round-trip through the stored form, relabel and removal act on every fragment', () => {
    const d = docFromText(text, [{ id: 'q', label: 'quote', start: 1, end: 37, fragments: [[1, 16], [27, 37]] }]);
    expect(readDocument(d).spans[0]!.fragments).toEqual([[1, 16], [27, 37]]);
    let state = apply(stateOf(d), relabelSpan('q', 'slogan'));
    expect(readDocument(state.doc).spans[0]).toMatchObject({ label: 'slogan', fragments: [[1, 16], [27, 37]] });
    state = apply(state, removeSpan('q'));
    expect(readDocument(state.doc).spans).toEqual([]);
  });

  it('fragments that come to touch (the text between them deleted) become one', () => {
    const d = docFromText(text, [{ id: 'q', label: 'quote', start: 1, end: 37, fragments: [[1, 16], [27, 37]] }]);
    let state = stateOf(d);
    const gap = posOf(state.doc, '”县委书记周振华说,“');
    state = state.apply(state.tr.delete(gap.from, gap.to));
    expect(readDocument(state.doc).spans[0]!.fragments).toEqual([[1, 26]]);
  });

  it('text pasted into a fragment joins that fragment, not the gap between fragments', () => {
    const d = docFromText(text, [{ id: 'q', label: 'quote', start: 1, end: 37, fragments: [[1, 16], [27, 37]] }]);
    let state = stateOf(d);
    const at = posOf(state.doc, '群众').from;
    state = state.apply(state.tr.insertText('X', at, at).removeMark(at, at + 1));
    expect(readDocument(state.doc).spans[0]!.fragments).toEqual([[1, 17], [28, 38]]);
  });
});

describe('edges, quotations and find', () => {
  it('moves a span’s edges by a character (a surrogate pair is one) and to punctuation', () => {
    const text = '我们说𠮷祥如意,是口号。';
    const d = docFromText(text, [{ id: 's', label: 'slogan', start: 3, end: 6 }]); // 𠮷祥如
    let state = apply(stateOf(d), selectSpan('s'));
    const textOf = (s: EditorState) => {
      const [span] = readDocument(s.doc).spans;
      return [...text].slice(span!.start, span!.end).join('');
    };
    state = apply(state, moveEdge('end', 1));
    expect(textOf(state)).toBe('𠮷祥如意');
    state = apply(state, moveEdge('start', 1)); // shrink: 𠮷 is one character
    expect(textOf(state)).toBe('祥如意');
    state = apply(state, moveEdge('start', -1, 'punct')); // to the paragraph start
    expect(textOf(state)).toBe('我们说𠮷祥如意');
    state = apply(state, moveEdge('end', 1, 'punct')); // after the comma
    expect(textOf(state)).toBe('我们说𠮷祥如意,');
    // never empty
    const tiny = apply(stateOf(docFromText('一二', [{ id: 't', label: 'slogan', start: 0, end: 1 }])), selectSpan('t'));
    expect(moveEdge('end', -1)(tiny)).toBe(false);
    expect(moveEdge('start', 1)(tiny)).toBe(false);
  });

  it('grows an edge past an empty paragraph onto the text beyond it', () => {
    const d = docFromText('ab\n\ncd', [{ id: 's', label: 'slogan', start: 4, end: 6 }]);
    let state = apply(stateOf(d), selectSpan('s'));
    state = apply(state, moveEdge('start', -1));
    expect(readDocument(state.doc).spans[0]).toMatchObject({ start: 1, end: 6 });
  });

  it('stepChar crosses paragraphs onto a character; stepPunct stops around punctuation', () => {
    const d = doc(p('ab'), p('c,d'));
    expect(stepChar(d, 5, -1)).toBe(2); // from the start of "c,d" back onto "b"
    expect(stepChar(d, 3, 1)).toBe(6); // from the end of "ab" on over "c"
    expect(stepChar(d, 1, -1)).toBeNull();
    expect(stepPunct(d, 5, 1)).toBe(6); // right before ","
    expect(stepPunct(d, 6, 1)).toBe(7); // right after it
  });

  it('Q selects what is inside the quotation marks around the selection, then the next pair out', () => {
    const text = '他说:“我们要‘撸袖实干’,「合力攻坚」。”又说"ok"';
    const d = docFromText(text, []);
    const inner = posOf(d, '撸袖');
    let state = apply(stateOf(d, inner.from), selectQuoted());
    const selected = (s: EditorState) => s.doc.textBetween(s.selection.from, s.selection.to);
    expect(selected(state)).toBe('撸袖实干');
    state = apply(state, selectQuoted());
    expect(selected(state)).toBe('我们要‘撸袖实干’,「合力攻坚」。');
    expect(selectQuoted()(state)).toBe(false); // no pair further out
    const corner = posOf(d, '合力');
    expect(selected(apply(stateOf(d, corner.from, corner.to), selectQuoted()))).toBe('合力攻坚');
    const straight = posOf(d, 'ok');
    expect(selected(apply(stateOf(d, straight.from + 1), selectQuoted()))).toBe('ok');
    expect(quotedRange(d, 1, 1)).toBeNull(); // before any quotation
  });

  it('find selects the next match, wrapping around; ASCII case is folded', () => {
    const d = doc(p('Loupe 标注'), p('loupe 和 LOUPE'));
    expect(countMatches(d, 'loupe')).toBe(3);
    const first = findNext(d, 'loupe', 0)!;
    expect(d.textBetween(first.from, first.to)).toBe('Loupe');
    const second = findNext(d, 'loupe', first.from + 1)!;
    expect(second.from).toBeGreaterThan(first.from);
    const wrapped = findNext(d, 'loupe', d.content.size)!;
    expect(wrapped).toEqual(first);
    expect(findNext(d, '没有', 0)).toBeNull();
  });

  it('an existing builder document with spans keeps working without attributes', () => {
    const state = stateOf(doc(p(sp('x', 'quote')('一二'), '三')));
    expect(readDocument(state.doc).spans[0]).toMatchObject({ id: 'x', attrs: {}, note: '', fragments: [[0, 2]] });
  });
});
