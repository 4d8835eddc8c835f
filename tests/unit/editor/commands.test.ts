import { redo, undo } from 'prosemirror-history';
import { TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import {
  applyLabel,
  relabelSpan,
  removeSpan,
  selectNextSpan,
  selectSpan,
  tagSelection,
} from '../../../src/renderer/editor/commands';
import { getSelectedSpanId } from '../../../src/renderer/editor/spanPlugin';
import { doc, edit, p, run, sp, spanTexts, stateOf, readBasic } from './helpers';

describe('tagSelection', () => {
  it('tags the selected text with a new, selected span', () => {
    let state = stateOf(doc(p('他说<a>我们会坚持<b>品质')));
    state = run(state, tagSelection('quote'));
    const { spans } = readBasic(state.doc);
    expect(spanTexts(state)).toEqual([{ label: 'quote', text: '我们会坚持' }]);
    expect(spans[0]!.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(getSelectedSpanId(state)).toBe(spans[0]!.id);
  });

  it('uses a given id, and tags across paragraphs as one span', () => {
    let state = stateOf(doc(p('持<a>久'), p('战<b>略')));
    state = run(state, tagSelection('slogan', 'fixed-id'));
    expect(readBasic(state.doc).spans).toEqual([{ id: 'fixed-id', label: 'slogan', start: 1, end: 4 }]);
    expect(spanTexts(state)).toEqual([{ label: 'slogan', text: '久\n战' }]);
  });

  it('refuses an empty selection or one without text', () => {
    expect(tagSelection('quote')(stateOf(doc(p('ab<a>c'))))).toBe(false);
    expect(tagSelection('quote')(stateOf(doc(p('ab<a>'), p(), p('<b>c'))))).toBe(false);
  });

  it('keeps two overlapping spans with the same label', () => {
    let state = stateOf(doc(p('<a>一二三<b>四五')));
    state = run(state, tagSelection('quote', 'one'));
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 3, 6)));
    state = run(state, tagSelection('quote', 'two'));
    expect(spanTexts(state)).toEqual([
      { label: 'quote', text: '一二三' },
      { label: 'quote', text: '三四五' },
    ]);
  });

  it('relabels instead when the selection is exactly the selected span', () => {
    let state = stateOf(doc(p('<a>一二三<b>四五')));
    state = run(state, tagSelection('quote', 'one'));
    state = run(state, tagSelection('pledge'));
    expect(readBasic(state.doc).spans).toEqual([{ id: 'one', label: 'pledge', start: 0, end: 3 }]);
  });

  it('selects an identical span rather than stacking a duplicate', () => {
    let state = stateOf(doc(p(sp('x', 'quote')('<a>一二<b>'), '三')));
    state = run(state, tagSelection('quote'));
    expect(readBasic(state.doc).spans.map((s) => s.id)).toEqual(['x']);
    expect(getSelectedSpanId(state)).toBe('x');
    // A different label over the same text is a second span.
    state = run(state, selectSpan(null));
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 1, 3)));
    state = run(state, tagSelection('official', 'y'));
    expect(spanTexts(state)).toEqual([
      { label: 'quote', text: '一二' },
      { label: 'official', text: '一二' },
    ]);
  });
});

describe('removeSpan / relabelSpan', () => {
  const twoSpans = () => doc(p('前', sp('a', 'quote')('一', sp('b', 'quote')('二三'), '四')), p(sp('a', 'quote')('五'), '六'));

  it('removes one span and leaves the text and the other span', () => {
    const state = run(stateOf(twoSpans()), removeSpan('a'));
    expect(readBasic(state.doc)).toEqual({
      text: '前一二三四\n五六',
      spans: [{ id: 'b', label: 'quote', start: 2, end: 4 }],
    });
    expect(removeSpan('a')(state)).toBe(false);
  });

  it('relabels every piece of a span across paragraphs, keeping its id', () => {
    const state = run(stateOf(twoSpans()), relabelSpan('a', 'pledge'));
    expect(readBasic(state.doc).spans).toEqual([
      { id: 'a', label: 'pledge', start: 1, end: 7 },
      { id: 'b', label: 'quote', start: 2, end: 4 },
    ]);
    expect(relabelSpan('nope', 'quote')(state)).toBe(false);
  });

  it('undoes a relabel back to the old label, and a tag back to nothing', () => {
    let state = run(stateOf(twoSpans()), relabelSpan('b', 'official'));
    state = run(state, undo);
    expect(readBasic(state.doc).spans.find((s) => s.id === 'b')!.label).toBe('quote');

    let tagged = stateOf(doc(p('一<a>二三<b>')));
    tagged = run(tagged, tagSelection('quote'));
    expect(readBasic(tagged.doc).spans).toHaveLength(1);
    tagged = run(tagged, undo);
    expect(readBasic(tagged.doc).spans).toEqual([]);
    tagged = run(tagged, redo);
    expect(spanTexts(tagged)).toEqual([{ label: 'quote', text: '二三' }]);
  });
});

describe('undo of span commands', () => {
  it('takes back one command at a time, even in quick succession', () => {
    let state = stateOf(doc(p('<a>一二<b>三四')));
    state = run(state, tagSelection('quote', 'first'));
    state = run(state, relabelSpan('first', 'pledge'));
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 3, 5)));
    state = run(state, tagSelection('quote', 'second'));
    state = run(state, undo);
    expect(readBasic(state.doc).spans).toEqual([{ id: 'first', label: 'pledge', start: 0, end: 2 }]);
    state = run(state, undo);
    expect(readBasic(state.doc).spans).toEqual([{ id: 'first', label: 'quote', start: 0, end: 2 }]);
    state = run(state, undo);
    expect(readBasic(state.doc).spans).toEqual([]);
  });
});

describe('applyLabel', () => {
  it('relabels the selected span when nothing is selected as text', () => {
    let state = stateOf(doc(p(sp('x', 'quote')('一二'), '<a>三')));
    expect(applyLabel('pledge')(state)).toBe(false);
    state = run(state, selectSpan('x', { textSelection: false }));
    state = run(state, applyLabel('pledge'));
    expect(readBasic(state.doc).spans[0]!.label).toBe('pledge');
  });
});

describe('selectSpan / selectNextSpan', () => {
  const three = () => doc(p('<a>零', sp('a', 'quote')('一'), sp('b', 'quote')('二'), '三'), p(sp('c', 'pledge')('四')));

  it('selects a span and its text; clearing collapses that text selection', () => {
    let state = run(stateOf(three()), selectSpan('b'));
    expect(getSelectedSpanId(state)).toBe('b');
    expect(state.doc.textBetween(state.selection.from, state.selection.to)).toBe('二');
    state = run(state, selectSpan(null));
    expect(getSelectedSpanId(state)).toBeNull();
    expect(state.selection.empty).toBe(true);
    expect(selectSpan('missing')(state)).toBe(false);
    expect(selectSpan(null)(state)).toBe(false);
  });

  it('walks spans in text order, across paragraphs, without wrapping', () => {
    let state = stateOf(three());
    const seen: (string | null)[] = [];
    while (selectNextSpan(1)(state)) {
      state = run(state, selectNextSpan(1));
      seen.push(getSelectedSpanId(state));
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    state = run(state, selectNextSpan(-1));
    expect(getSelectedSpanId(state)).toBe('b');
  });

  it('lets go of the selected span when text outside it is selected', () => {
    let state = run(stateOf(three()), selectSpan('a'));
    state = edit(state, (tr) => tr.setSelection(TextSelection.create(state.doc, 1, 4)));
    expect(getSelectedSpanId(state)).toBeNull();
  });
});
