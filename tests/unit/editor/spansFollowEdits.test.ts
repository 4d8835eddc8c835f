import { redo, undo } from 'prosemirror-history';
import { Fragment, Slice } from 'prosemirror-model';
import { TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema, spanMark } from '../../../src/renderer/editor/schema';
import { stripSpanMarks } from '../../../src/renderer/editor/spanPlugin';
import { doc, edit, p, run, sp, spanTexts, stateOf, readBasic } from './helpers';

const q = sp('s1', 'quote');

describe('spans follow text edits', () => {
  it('move when text is inserted before them, and grow when it is inserted inside', () => {
    const d = doc(p('<a>前', q('一<b>二'), '<c>后'));
    let state = stateOf(d);
    state = edit(state, (tr) => tr.insertText('新', d.tag.a!));
    expect(readBasic(state.doc).spans).toEqual([{ id: 's1', label: 'quote', start: 2, end: 4 }]);
    state = edit(state, (tr) => tr.insertText('中', d.tag.b! + 1));
    expect(spanTexts(state)).toEqual([{ label: 'quote', text: '一中二' }]);
  });

  it('do not grow when text is typed right after or right before them', () => {
    const d = doc(p('前<a>', q('一二'), '<b>后'));
    let state = stateOf(d);
    // Typing goes through the cursor's marks, as in the view.
    state = edit(state, (tr) => tr.setSelection(TextSelection.create(tr.doc, d.tag.b!)).insertText('尾'));
    state = edit(state, (tr) => tr.setSelection(TextSelection.create(tr.doc, d.tag.a!)).insertText('头'));
    expect(readBasic(state.doc).text).toBe('前头一二尾后');
    expect(spanTexts(state)).toEqual([{ label: 'quote', text: '一二' }]);
  });

  it('join with a paragraph break (the page-break case)', () => {
    const d = doc(p('他说：', q('持久<a>')), p(q('<b>战'), '。'));
    expect(spanTexts(stateOf(d))).toEqual([{ label: 'quote', text: '持久\n战' }]);
    // Delete the break: the two paragraphs become one.
    const state = edit(stateOf(d), (tr) => tr.delete(d.tag.a!, d.tag.b!));
    expect(readBasic(state.doc)).toEqual({
      text: '他说：持久战。',
      spans: [{ id: 's1', label: 'quote', start: 3, end: 6 }],
    });
    expect(state.doc.childCount).toBe(1);
  });

  it('keep the remaining words when a caption paragraph inside them is deleted', () => {
    const d = doc(p('市长表示：', q('明年将推动')), '<c>', p(q('图为会议现场。')), '<d>', p(q('三项改革'), '。'));
    const state = edit(stateOf(d), (tr) => tr.delete(d.tag.c!, d.tag.d!));
    expect(readBasic(state.doc).text).toBe('市长表示：明年将推动\n三项改革。');
    expect(spanTexts(state)).toEqual([{ label: 'quote', text: '明年将推动\n三项改革' }]);
  });

  it('vanish with their text, and come back with the same id on undo', () => {
    const d = doc(p('前', '<a>', q('持久战'), '<b>', '后'));
    let state = edit(stateOf(d), (tr) => tr.delete(d.tag.a!, d.tag.b!));
    expect(readBasic(state.doc)).toEqual({ text: '前后', spans: [] });
    state = run(state, undo);
    expect(readBasic(state.doc)).toEqual({
      text: '前持久战后',
      spans: [{ id: 's1', label: 'quote', start: 1, end: 4 }],
    });
    state = run(state, redo);
    expect(readBasic(state.doc)).toEqual({ text: '前后', spans: [] });
  });

  it('close over text pasted into their middle, in the same undo step', () => {
    const d = doc(p(q('一<a>二'), '三'));
    const pasted = new Slice(Fragment.from(schema.text('插入')), 0, 0);
    let state = edit(stateOf(d), (tr) => tr.replace(d.tag.a!, d.tag.a!, pasted));
    expect(spanTexts(state)).toEqual([{ label: 'quote', text: '一插入二' }]);
    // The mark covers the pasted text, not just the span's start and end.
    expect(state.doc.rangeHasMark(d.tag.a!, d.tag.a! + 2, spanMark('s1', 'quote'))).toBe(true);
    state = run(state, undo);
    expect(readBasic(state.doc)).toEqual({ text: '一二三', spans: [{ id: 's1', label: 'quote', start: 0, end: 2 }] });
  });
});

describe('pasted content', () => {
  it('loses its span marks, so no span id is duplicated', () => {
    const copied = doc(p(sp('s1', 'quote')('持久'), '战'), p(sp('s2', 'pledge')('改革')));
    const slice = stripSpanMarks(copied.slice(1, copied.content.size - 1));
    let hasSpan = false;
    slice.content.descendants((node) => {
      if (node.marks.length) hasSpan = true;
    });
    expect(hasSpan).toBe(false);
    expect(slice.content.textBetween(0, slice.content.size, '\n')).toBe('持久战\n改革');
    expect(slice.openStart).toBe(1);
  });
});

describe('text typed over a selection', () => {
  const typeOver = (state: ReturnType<typeof stateOf>, from: number, to: number, text: string) =>
    state.applyTransaction(state.tr.setSelection(TextSelection.create(state.doc, from, to)).insertText(text)).state;

  it('stays in the span when the selection lay inside it, even at its end (a typo fix in a name)', () => {
    const o = sp('o1', 'official');
    const d = doc(p('介休市委书记', o('任光<a>耀<b>'), '表示'));
    const state = typeOver(stateOf(d), d.tag.a!, d.tag.b!, '曜');
    expect(readBasic(state.doc).text).toBe('介休市委书记任光曜表示');
    expect(spanTexts(state)).toEqual([{ label: 'official', text: '任光曜' }]);
    // One undo step gives back the old character, still tagged.
    const undone = (() => {
      let s = state;
      undo(s, (tr) => (s = s.apply(tr)));
      return s;
    })();
    expect(spanTexts(undone)).toEqual([{ label: 'official', text: '任光耀' }]);
  });

  it('does not join a span when the selection reached outside it', () => {
    const o = sp('o1', 'official');
    const d = doc(p('介休', o('任光<a>耀'), '表<b>示'));
    const state = typeOver(stateOf(d), d.tag.a!, d.tag.b!, '曜说');
    expect(spanTexts(state)).toEqual([{ label: 'official', text: '任光' }]);
  });
});
