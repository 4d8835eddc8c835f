// @vitest-environment happy-dom
/**
 * Tagging, relabelling, typing or selecting in a long document rewrites only the elements of the
 * spans it changed: the work grows with what changed, not with the twenty thousand spans of a
 * report. And each span is drawn by its marks' own elements: no wrapper per span and run of text.
 */
import { history } from 'prosemirror-history';
import { EditorState, TextSelection, type Transaction } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LINK_TYPES } from '../../../src/shared/labels';
import type { Link, SpanInput } from '../../../src/shared/types';
import { relabelSpan, selectSpan, setSchema, tagSelection } from '../../../src/renderer/editor/commands';
import { docFromText } from '../../../src/renderer/editor/docCodec';
import { assignLanes } from '../../../src/renderer/editor/lanes';
import { SPAN_ID_ATTR, SPAN_MARK_ATTR } from '../../../src/renderer/editor/schema';
import { spanClassName } from '../../../src/renderer/editor/spanClasses';
import { docChanges } from '../../../src/renderer/editor/saveChanges';
import { type SpanList, SpanListStore } from '../../../src/renderer/editor/spanList';
import { collectSpansAfresh, spanRanges } from '../../../src/renderer/editor/spanMarks';
import { HIGHLIGHT_CLASS, spanHighlightPlugin, spanPlugin, spanState } from '../../../src/renderer/editor/spanPlugin';
import { LABELS } from './helpers';

const PARAGRAPHS = 300;
const PER_PARAGRAPH = 10;
const LINE = '一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒';

/** 300 paragraphs of 40 characters, each with ten nested and overlapping spans; one link. */
function longState(): EditorState {
  const text = Array.from({ length: PARAGRAPHS }, () => LINE).join('\n');
  const spans: SpanInput[] = [];
  for (let p = 0; p < PARAGRAPHS; p++) {
    const at = p * (LINE.length + 1);
    for (let k = 0; k < PER_PARAGRAPH; k++) {
      spans.push({ id: `s${p}-${k}`, label: LABELS[k % 3]!.name, start: at + k * 3, end: at + k * 3 + 2 + (k % 4) * 2 });
    }
  }
  const links: Link[] = [{ id: 'l1', type: DEFAULT_LINK_TYPES[0]!.name, from: 's150-1', to: 's150-4' }];
  return EditorState.create({
    doc: docFromText(text, spans, links),
    plugins: [spanPlugin(LABELS, DEFAULT_LINK_TYPES), spanHighlightPlugin(), history()],
  });
}

let view: EditorView | undefined;
afterEach(() => {
  view?.destroy();
  view = undefined;
});

function open(): EditorView {
  view = new EditorView(document.createElement('div'), {
    state: longState(),
    dispatchTransaction: (tr: Transaction) => view!.updateState(view!.state.apply(tr)),
  });
  return view;
}

/** Runs `f` and counts the span elements created, and those whose classes were rewritten. */
function elementWork(v: EditorView, f: () => void): { created: number; rewritten: number } {
  const before = new Set(v.dom.querySelectorAll(`[${SPAN_MARK_ATTR}]`));
  const observer = new MutationObserver(() => undefined);
  observer.observe(v.dom, { subtree: true, attributes: true, attributeFilter: ['class'] });
  f();
  const records = observer.takeRecords();
  observer.disconnect();
  const after = [...v.dom.querySelectorAll(`[${SPAN_MARK_ATTR}]`)];
  return {
    created: after.filter((el) => !before.has(el)).length,
    rewritten: new Set(records.map((r) => r.target).filter((t) => before.has(t as Element))).size,
  };
}

/** Every span element has the classes of its span, as the spans read afresh call for. */
function expectAsDrawn(v: EditorView): void {
  const spans = collectSpansAfresh(v.state.doc).list;
  const lanes = assignLanes(spans);
  const want = new Map(spans.map((s, i) => [s.id, spanClassName(s, lanes[i]!, LABELS)]));
  for (const el of v.dom.querySelectorAll(`[${SPAN_MARK_ATTR}]`)) expect(el.className).toBe(want.get(el.getAttribute(SPAN_ID_ATTR)!));
}

const middle = (state: EditorState, offset: number): number => {
  let pos = 0;
  for (let p = 0; p < PARAGRAPHS / 2; p++) pos += state.doc.child(p).nodeSize;
  return pos + 1 + offset;
};

describe('in a document of 3,000 spans', () => {
  it('draws each span as its marks’ own elements, a few per span, and nothing else', () => {
    const v = open();
    const elements = v.dom.querySelectorAll('*').length;
    // One per paragraph, and for each span one per run of text between overlaps: here 1.6 per span
    // (span decorations added a wrapper per span and text node on top).
    expect(elements - PARAGRAPHS).toBeLessThanOrEqual(PARAGRAPHS * PER_PARAGRAPH * 2);
    expect(v.dom.querySelectorAll(`span:not([${SPAN_MARK_ATTR}])`)).toHaveLength(0);
    expectAsDrawn(v);
  });

  it('selecting a span rewrites no span element and draws a highlight for it and its linked span', () => {
    const v = open();
    const spans = spanState(v.state).spans;
    const work = elementWork(v, () => selectSpan('s150-1')(v.state, v.dispatch));
    expect(spanState(v.state).spans).toBe(spans);
    expect(work).toEqual({ created: 0, rewritten: 0 });
    const highlighted = () => [...new Set(Array.from(v.dom.querySelectorAll(`.${HIGHLIGHT_CLASS}`), (el) => el.getAttribute(SPAN_ID_ATTR)))].sort();
    expect(highlighted()).toEqual(['s150-1', 's150-4']);
    const other = elementWork(v, () => selectSpan('s10-3')(v.state, v.dispatch));
    expect(other).toEqual({ created: 0, rewritten: 0 });
    expect(highlighted()).toEqual(['s10-3']);
  });

  it('tagging draws the new span and touches the spans of its paragraph at most', () => {
    const v = open();
    v.dispatch(v.state.tr.setSelection(TextSelection.create(v.state.doc, middle(v.state, 2), middle(v.state, 20))));
    const work = elementWork(v, () => tagSelection('quote', 'new')(v.state, v.dispatch));
    expect(spanRanges(v.state.doc).some((s) => s.id === 'new')).toBe(true);
    // ProseMirror redraws the changed paragraph's elements; the lanes changed there are rewritten.
    expect(work.created + work.rewritten).toBeLessThanOrEqual(3 * PER_PARAGRAPH);
    expectAsDrawn(v);
  });

  it('relabelling or typing touches the spans of one paragraph at most', () => {
    const v = open();
    const relabelled = elementWork(v, () => relabelSpan('s150-2', 'official')(v.state, v.dispatch));
    expect(relabelled.created + relabelled.rewritten).toBeLessThanOrEqual(2 * PER_PARAGRAPH);
    expectAsDrawn(v);
    const typed = elementWork(v, () => v.dispatch(v.state.tr.insertText('字', middle(v.state, 4))));
    expect(typed.created + typed.rewritten).toBeLessThanOrEqual(2 * PER_PARAGRAPH);
    expectAsDrawn(v);
  });

  it('typing makes no span object after the caret: the view, the save and the span list read only the paragraph typed in', () => {
    const v = open();
    const store = new SpanListStore();
    let listsRead = 0;
    // As the editor publishes it: the spans become one array only when somebody reads them.
    const lazyList = (doc: typeof v.state.doc): SpanList => ({
      doc,
      get spans() {
        listsRead++;
        return spanRanges(doc);
      },
    });
    const first = lazyList(v.state.doc);
    store.set(first);
    store.drawing(first);
    let made = 0;
    const saved = new Set<string>();
    const at = middle(v.state, 4);
    for (let k = 0; k < 40; k++) {
      const before = v.state.doc;
      v.dispatch(v.state.tr.insertText('字', at + k));
      const diff = docChanges(before, v.state.doc);
      expect(diff.edit).toEqual({ at: expect.any(Number), remove: 0, insert: '字' });
      diff.upsert.forEach((s) => saved.add(s.id));
      expect(store.set(lazyList(v.state.doc))).toBe(false); // no new rows: no React commit due
      made = Math.max(made, spanState(v.state).spans.spansMade);
    }
    // 1,490 spans follow the caret; a keystroke makes objects for a paragraph's worth at most.
    expect(made).toBeLessThanOrEqual(2 * PER_PARAGRAPH);
    expect(listsRead).toBe(0);
    // The save is the text splice (which moves the spans in SQLite as it moved them here), and at
    // most spans of the paragraph typed in and its neighbours.
    expect([...saved].every((id) => /^s1(49|50|51)-/.test(id))).toBe(true);
    // And the spans, read when asked, are those read afresh, drawn with the right classes.
    expect(spanState(v.state).spans.toArray()).toEqual(collectSpansAfresh(v.state.doc).list);
    expectAsDrawn(v);
  });

  it('a new label list rewrites the classes of every span element, for their new colours', () => {
    const v = open();
    const labels = [LABELS[2]!, LABELS[0]!, LABELS[1]!];
    setSchema(labels, DEFAULT_LINK_TYPES)(v.state, v.dispatch);
    const spans = collectSpansAfresh(v.state.doc).list;
    const lanes = assignLanes(spans);
    const want = new Map(spans.map((s, i) => [s.id, spanClassName(s, lanes[i]!, labels)]));
    for (const el of v.dom.querySelectorAll(`[${SPAN_MARK_ATTR}]`)) expect(el.className).toBe(want.get(el.getAttribute(SPAN_ID_ATTR)!));
  });
});
