/**
 * No editor command makes a span an exact copy of another (same label, same fragments): the corpus
 * refuses such a save, so the user would be left with a change that cannot be saved. Tagging selects
 * the span already there; relabelling does the same; an edge move or an added fragment that would
 * make the copy does nothing. Deleting text may still make two spans alike: both stay.
 */
import { history } from 'prosemirror-history';
import { type Command, EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LABELS, DEFAULT_LINK_TYPES } from '../../../src/shared/labels';
import { addFragment, moveEdge, relabelSpan, selectSpan, tagSelection } from '../../../src/renderer/editor/commands';
import { docFromText, readDocument } from '../../../src/renderer/editor/docCodec';
import { spanPlugin, spanState } from '../../../src/renderer/editor/spanPlugin';
import { run } from './helpers';

const TEXT = '赵宏钟说：“我们会坚持。”他又说：“品质第一。”';
const labels = DEFAULT_LABELS.map((l) => ({ ...l }));

function stateOf(spans: Parameters<typeof docFromText>[1]): EditorState {
  return EditorState.create({ doc: docFromText(TEXT, spans), plugins: [spanPlugin(labels, DEFAULT_LINK_TYPES), history()] });
}
/** The spans as saved: id, label and fragments in code points. */
const saved = (state: EditorState) => readDocument(state.doc).spans.map((s) => [s.id, s.label, s.fragments]);
const apply = (state: EditorState, command: Command) => run(state, command);

describe('commands that would copy a span', () => {
  it('relabelling a span onto one with that label on the same text selects that one instead', () => {
    let state = stateOf([
      { id: 'q', label: 'quote', start: 6, end: 12 },
      { id: 'o', label: 'official', start: 6, end: 12 },
    ]);
    state = apply(state, selectSpan('o'));
    state = apply(state, relabelSpan('o', 'quote'));
    expect(saved(state)).toEqual([
      ['o', 'official', [[6, 12]]],
      ['q', 'quote', [[6, 12]]],
    ]);
    expect(spanState(state).selectedId).toBe('q');
    // Another label is free.
    state = apply(state, relabelSpan('o', 'pledge'));
    expect(saved(state)).toContainEqual(['o', 'pledge', [[6, 12]]]);
  });

  it('tagging a selection that reaches past the end of a span’s paragraph marks the same text: the span there is selected', () => {
    // 他说：“品质第一。” / 好 — the quote is the first paragraph's last six characters.
    let state = EditorState.create({
      doc: docFromText('他说：“品质第一。”\n好', [{ id: 'q', label: 'quote', start: 3, end: 10 }]),
      plugins: [spanPlugin(labels, DEFAULT_LINK_TYPES), history()],
    });
    // From the quote's start to the start of the next paragraph's text: only the quote's text carries a mark.
    const from = 1 + 3;
    const to = state.doc.child(0).nodeSize + 1;
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, from, to)));
    state = apply(state, tagSelection('quote'));
    expect(saved(state)).toEqual([['q', 'quote', [[3, 10]]]]);
    expect(spanState(state).selectedId).toBe('q');
  });

  it('an edge move that would make a copy does nothing; one that does not still moves', () => {
    let state = stateOf([
      { id: 'long', label: 'quote', start: 6, end: 12 },
      { id: 'short', label: 'quote', start: 6, end: 11 },
    ]);
    state = apply(state, selectSpan('short'));
    expect(moveEdge('end', 1)(state)).toBe(false);
    expect(saved(state)).toContainEqual(['short', 'quote', [[6, 11]]]);
    state = apply(state, moveEdge('end', -1));
    expect(saved(state)).toContainEqual(['short', 'quote', [[6, 10]]]);
  });

  it('adding a fragment that would make a copy of another span does nothing', () => {
    let state = stateOf([
      { id: 'two', label: 'quote', start: 6, end: 23, fragments: [[6, 12], [18, 23]] },
      { id: 'one', label: 'quote', start: 6, end: 12 },
    ]);
    state = apply(state, selectSpan('one'));
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 19, 24))); // 品质第一。 (positions are code points + 1 here)
    expect(readDocument(state.doc).text.slice(18, 23)).toBe('品质第一。');
    expect(addFragment('quote')(state)).toBe(false);
    expect(saved(state)).toContainEqual(['one', 'quote', [[6, 12]]]);
  });

  it('tagging text a span with that label covers selects that span (as before)', () => {
    let state = stateOf([{ id: 'q', label: 'quote', start: 6, end: 12 }]);
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 7, 13)));
    state = apply(state, tagSelection('quote'));
    expect(saved(state)).toEqual([['q', 'quote', [[6, 12]]]]);
  });

  it('deleting the text that told two spans apart keeps both', () => {
    let state = stateOf([
      { id: 'long', label: 'quote', start: 6, end: 12 },
      { id: 'short', label: 'quote', start: 6, end: 11 },
    ]);
    state = state.apply(state.tr.delete(12, 13)); // 。 — the one character only `long` had
    expect(saved(state)).toEqual([
      ['long', 'quote', [[6, 11]]],
      ['short', 'quote', [[6, 11]]],
    ]);
  });
});
