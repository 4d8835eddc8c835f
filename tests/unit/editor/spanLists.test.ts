/**
 * The span list's data at the size of a long report: excerpts read in one pass equal those read
 * span by span, and the list draws only the rows in view.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { docFromText } from '../../../src/renderer/editor/docCodec';
import { spanExcerpts, spanRanges } from '../../../src/renderer/editor/spanMarks';
import { SPAN_ROW_HEIGHT, visibleRows } from '../../../src/renderer/components/SpanPanel';

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

describe('visibleRows', () => {
  it('covers the rows in view with a margin, and never more than the list', () => {
    const rows = (count: number, top: number, height: number) => visibleRows(count, top, height);
    const view = rows(20_000, 100 * SPAN_ROW_HEIGHT, 20 * SPAN_ROW_HEIGHT);
    expect(view.first).toBeLessThanOrEqual(100);
    expect(view.last).toBeGreaterThanOrEqual(120);
    expect(view.last - view.first).toBeLessThan(60); // tens of rows, not twenty thousand
    expect(rows(5, 0, 800)).toEqual({ first: 0, last: 5 });
    expect(rows(0, 0, 800)).toEqual({ first: 0, last: 0 });
    const past = rows(10, 10_000, 800); // scrolled past the end (the list just shrank)
    expect(past.first).toBeLessThanOrEqual(past.last);
    expect(past.last).toBe(10);
  });
});
