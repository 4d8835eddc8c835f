import fc from 'fast-check';
import { history, undo } from 'prosemirror-history';
import { type Command, EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { relabelSpan, removeSpan, selectSpan, setSchema, tagSelection } from '../../../src/renderer/editor/commands';
import { docFromText } from '../../../src/renderer/editor/docCodec';
import { assignLanes, MAX_LANE } from '../../../src/renderer/editor/lanes';
import { labelStyleRules } from '../../../src/renderer/editor/labelStyles';
import { spanRanges } from '../../../src/renderer/editor/spanMarks';
import {
  getSelectedSpanId,
  type HighlightSpec,
  spanClass,
  spanClassName,
  spanPlugin,
  spanPluginKey,
} from '../../../src/renderer/editor/spanPlugin';
import { doc, LABELS, p, run, sp, stateOf } from './helpers';

/**
 * How a state draws its spans: id, range and class list of each span's elements (with the
 * highlight's classes, as the user sees them). The elements themselves: view.test.ts, spanDrawing.test.ts.
 */
function decorations(state: EditorState) {
  const { spans: seq, labels, highlights } = spanPluginKey.getState(state)!;
  const spans = seq.toArray();
  const lanes = seq.lanes();
  const highlight = (id: string, from: number, to: number) =>
    highlights
      .find(from, to, (spec: HighlightSpec) => spec.spanId === id)
      .filter((d) => d.from === from && d.to === to)
      .flatMap((d) => (d.spec as HighlightSpec).highlight.split(' '));
  return spans
    .flatMap((s, i) => s.fragments.map((f) => ({ id: s.id, from: f.from, to: f.to, classes: [...spanClassName(s, lanes[i]!, labels).split(' '), ...highlight(s.id, f.from, f.to)] })))
    .sort((a, b) => a.from - b.from || a.to - b.to || a.id.localeCompare(b.id));
}

const classesOf = (state: EditorState, id: string) => decorations(state).find((d) => d.id === id)!.classes;
const laneOf = (state: EditorState, id: string) =>
  Number(classesOf(state, id).find((c) => c.startsWith('lp-lane-'))!.slice('lp-lane-'.length));

describe('span classes', () => {
  it('put overlapping spans, even with the same label, in different lanes', () => {
    const state = stateOf(
      doc(p(sp('a', 'quote')('一二', sp('b', 'quote')('三')), sp('b', 'quote')('四'), '五', sp('c', 'quote')('六'))),
    );
    expect(laneOf(state, 'a')).not.toBe(laneOf(state, 'b'));
    // 'c' overlaps neither, so it takes the lowest lane again.
    expect(laneOf(state, 'c')).toBe(0);
    expect(classesOf(state, 'a')).toEqual(expect.arrayContaining(['lp-span', 'lp-label-0']));
  });

  it('mark the selected span, and only it', () => {
    let state = stateOf(doc(p(sp('a', 'quote')('一'), sp('b', 'pledge')('二'))));
    state = run(state, selectSpan('b'));
    expect(classesOf(state, 'b')).toContain('lp-selected');
    expect(classesOf(state, 'a')).not.toContain('lp-selected');
    expect(classesOf(state, 'b')).toContain('lp-label-2');
    // Removing the selected span clears the selection.
    state = run(state, removeSpan('b'));
    expect(getSelectedSpanId(state)).toBeNull();
    expect(decorations(state).map((d) => d.id)).toEqual(['a']);
  });

  it('follow relabels and label list changes', () => {
    let state = stateOf(doc(p(sp('a', 'quote')('一'))));
    state = run(state, relabelSpan('a', 'official'));
    expect(classesOf(state, 'a')).toContain('lp-label-1');
    state = run(state, setSchema([{ name: 'official', color: '#000000' }], []));
    expect(classesOf(state, 'a')).toContain('lp-label-0');
    state = run(state, setSchema([], []));
    expect(classesOf(state, 'a').some((c) => c.startsWith('lp-label-'))).toBe(false);
  });

  it('after any edit, tag, relabel, removal or (de)selection are the ones the spans call for', () => {
    const text = '一二三四五六七八九十\n甲乙丙丁\n\n子丑寅卯辰巳';
    const spans = [
      { id: 'a', label: 'quote', start: 0, end: 5 },
      { id: 'b', label: 'quote', start: 2, end: 14 },
      { id: 'c', label: 'pledge', start: 3, end: 4 },
      { id: 'd', label: 'official', start: 12, end: 20 },
      { id: 'e', label: 'quote', start: 5, end: 6 },
    ];
    const labelIndex = new Map(LABELS.map((l, i) => [l.name, i]));
    /** What the classes must be: one set per span, lane by start order, label colour, selection. */
    const expected = (state: EditorState) => {
      const ranges = spanRanges(state.doc);
      const lanes = assignLanes(ranges);
      const selected = getSelectedSpanId(state);
      return ranges.map((r, i) => ({
        id: r.id,
        from: r.from,
        to: r.to,
        classes: [...spanClass(lanes[i]!, labelIndex.get(r.label) ?? -1).split(' '), ...(r.id === selected ? ['lp-selected'] : [])],
      }));
    };
    const kinds = ['type', 'delete', 'split', 'tag', 'relabel', 'remove', 'select', 'deselect', 'undo'] as const;
    const step = fc.record({ kind: fc.constantFrom(...kinds), a: fc.nat(200), b: fc.nat(6) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 14 }), (steps) => {
        let state = EditorState.create({ doc: docFromText(text, spans), plugins: [spanPlugin(LABELS), history()] });
        let n = 0;
        for (const e of steps) {
          const size = state.doc.content.size;
          const from = 1 + (e.a % (size - 1));
          const to = Math.min(from + e.b, size - 1);
          const ids = spanRanges(state.doc).map((r) => r.id);
          const someId = ids[e.a % Math.max(ids.length, 1)];
          const label = LABELS[e.b % LABELS.length]!.name;
          const apply = (command: Command) => command(state, (tr) => (state = state.apply(tr)));
          const textAt = state.doc.resolve(from).parent.inlineContent;
          if (e.kind === 'type' && textAt) apply((s, d) => (d?.(s.tr.setSelection(TextSelection.create(s.doc, from)).insertText('字')), true));
          else if (e.kind === 'split' && textAt) apply((s, d) => (d?.(s.tr.split(from)), true));
          else if (e.kind === 'delete' && textAt) apply((s, d) => (d?.(s.tr.delete(from, to)), true));
          else if (e.kind === 'tag' && textAt && state.doc.resolve(to).parent.inlineContent) {
            state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, from, to)));
            apply(tagSelection(label, `t${n++}`));
          } else if (e.kind === 'relabel' && someId) apply(relabelSpan(someId, label));
          else if (e.kind === 'remove' && someId) apply(removeSpan(someId));
          else if (e.kind === 'select' && someId) apply(selectSpan(someId, { textSelection: e.b % 2 === 0 }));
          else if (e.kind === 'deselect') apply(selectSpan(null));
          else if (e.kind === 'undo') apply(undo);
          expect(decorations(state)).toEqual(expected(state));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('assignLanes', () => {
  it('gives the lowest free lane in start order and caps at MAX_LANE', () => {
    const nested = Array.from({ length: 8 }, (_, i) => ({ from: i, to: 100 - i }));
    expect(assignLanes(nested)).toEqual([0, 1, 2, 3, 4, MAX_LANE, MAX_LANE, MAX_LANE]);
    // Touching ranges share a lane; a freed lower lane is reused.
    expect(assignLanes([{ from: 0, to: 5 }, { from: 1, to: 3 }, { from: 3, to: 9 }, { from: 5, to: 6 }])).toEqual([0, 1, 1, 0]);
  });
});

describe('labelStyleRules', () => {
  it('gives each label index its colour and refuses anything but a hex colour', () => {
    expect(labelStyleRules([{ color: '#d9480f' }, { color: 'red;} body{display:none' }])).toEqual([
      '.lp-label-0 { --lc: #d9480f; }',
      '.lp-label-1 { --lc: #868e96; }',
    ]);
  });
});
