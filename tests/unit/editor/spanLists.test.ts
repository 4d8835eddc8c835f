/**
 * The span list's data at the size of a long report: excerpts read in one pass equal those read
 * span by span; the long lists draw the rows in view plus the focused and selected ones, and the
 * keyboard moves between rows within the list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { docFromText } from '../../../src/renderer/editor/docCodec';
import { spanExcerpts, spanRanges } from '../../../src/renderer/editor/spanMarks';
import { rowAfterKey, rowsToDraw } from '../../../src/renderer/components/useVirtualRows';

describe('spanExcerpts', () => {
  it('equals each span read with textBetween, fragments joined, cut with …', () => {
    const para = fc.array(fc.constantFrom('县', '委', 'a', '𠮷', '。', ' '), { minLength: 1, maxLength: 20 }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        fc.array(para, { minLength: 1, maxLength: 6 }).chain((ps) => {
          const text = ps.join('\n');
          const n = Array.from(text).length;
          const span = fc
            .uniqueArray(fc.integer({ min: 0, max: n }), { minLength: 2, maxLength: 4 })
            .map((pts) => [...pts].sort((a, b) => a - b));
          return fc.tuple(fc.constant(text), fc.array(span, { maxLength: 6 }), fc.integer({ min: 1, max: 12 }));
        }),
        ([text, points, max]) => {
          const spans = points.map((p, i) => {
            const fragments: [number, number][] = p.length === 4 && p[1]! < p[2]! ? [[p[0]!, p[1]!], [p[2]!, p[3]!]] : [[p[0]!, p[p.length - 1]!]];
            return { id: `s${i}`, label: 'quote', start: fragments[0]![0], end: fragments[fragments.length - 1]![1], fragments };
          });
          const doc = docFromText(text, spans);
          const ranges = spanRanges(doc);
          const naive = ranges.map((s) => {
            const whole = s.fragments.map((f) => doc.textBetween(f.from, f.to, '\n')).join(' … ');
            return whole.length > max ? `${whole.slice(0, max)}…` : whole;
          });
          expect(spanExcerpts(doc, ranges, max)).toEqual(naive);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('rowsToDraw', () => {
  it('draws the rows in view with their margin, plus the focused and selected rows, in order', () => {
    const range = { startIndex: 100, endIndex: 120, overscan: 12, count: 20_000 };
    const rows = rowsToDraw(range, []);
    expect(rows[0]).toBe(88);
    expect(rows.at(-1)).toBe(132);
    expect(rows.length).toBeLessThan(60); // tens of rows, not twenty thousand
    // A row the keyboard or the selection is on stays drawn far from the view, once, in order.
    const pinned = rowsToDraw(range, [19_999, 5, 110, -1]);
    expect(pinned[0]).toBe(5);
    expect(pinned.at(-1)).toBe(19_999);
    expect(new Set(pinned).size).toBe(pinned.length);
    expect(pinned).toEqual([...pinned].sort((a, b) => a - b));
    expect(pinned).toHaveLength(rows.length + 2);
    // A pinned index the list no longer has (it just got shorter) is not drawn.
    expect(rowsToDraw({ startIndex: 0, endIndex: 4, overscan: 12, count: 5 }, [7])).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('rowAfterKey', () => {
  it('moves by one, by a page, to either end, and never out of the list', () => {
    expect(rowAfterKey('ArrowDown', 3, 10, 4)).toBe(4);
    expect(rowAfterKey('ArrowUp', 3, 10, 4)).toBe(2);
    expect(rowAfterKey('ArrowUp', 0, 10, 4)).toBe(0);
    expect(rowAfterKey('ArrowDown', 9, 10, 4)).toBe(9);
    expect(rowAfterKey('PageDown', 8, 10, 4)).toBe(9);
    expect(rowAfterKey('PageUp', 5, 10, 4)).toBe(1);
    expect(rowAfterKey('Home', 5, 10, 4)).toBe(0);
    expect(rowAfterKey('End', 5, 10_000, 4)).toBe(9_999);
    expect(rowAfterKey('j', 5, 10, 4)).toBeNull(); // J/K are the editor's (next span), not the list's
    expect(rowAfterKey('End', 0, 0, 4)).toBeNull();
  });
});
