/**
 * After an edit, the spans whose class lists must be rewritten are exactly those, in both the old
 * and the new document, whose lane or being in pieces changed. changedClasses finds them by
 * matching the two sorted span lists at both ends and looking up only those between by id; here
 * it is checked against the definition (every id of both lists looked up) on random edits.
 */
import { describe, expect, it } from 'vitest';
import { assignLanes } from '../../../src/renderer/editor/lanes';
import { changedClasses, type DrawnSpans, spanClassName } from '../../../src/renderer/editor/spanClasses';
import { compareSpans, type SpanRange } from '../../../src/renderer/editor/spanMarks';
import { SpanSeq } from '../../../src/renderer/editor/spanSeq';
import { Rng } from '../../reliability/rng';
import { LABELS } from './helpers';

const span = (id: string, from: number, to: number, pieces = 1): SpanRange => {
  const fragments = pieces === 1 ? [{ from, to }] : [{ from, to: from + 1 }, { from: to - 1, to }];
  return { id, label: 'quote', from, to, fragments, mark: null as never };
};

const drawn = (spans: SpanRange[]): DrawnSpans => {
  spans.sort(compareSpans);
  return { spans: SpanSeq.of(spans), labels: LABELS };
};

/** The definition: spans of both lists whose class list differs (lanes assigned afresh). */
function expected(prev: DrawnSpans, next: DrawnSpans): Set<string> {
  const classes = (d: DrawnSpans) => {
    const spans = d.spans.toArray();
    const lanes = assignLanes(spans);
    return new Map(spans.map((s, i) => [s.id, spanClassName(s, lanes[i]!, d.labels)]));
  };
  const before = classes(prev);
  const out = new Set<string>();
  for (const [id, cls] of classes(next)) {
    const was = before.get(id);
    if (was !== undefined && was !== cls) out.add(id);
  }
  return out;
}

/** One random edit of a list of spans over text of `size` positions: what typing, tagging and undo do. */
function edit(rng: Rng, spans: readonly SpanRange[], size: number, fresh: () => string): SpanRange[] {
  const out = [...spans];
  const at = rng.int(size);
  switch (rng.int(5)) {
    case 0: // tag: one span more
      out.push(span(fresh(), at, at + 1 + rng.int(12), rng.chance(0.2) ? 2 : 1));
      break;
    case 1: // untag, or undo a tag
      if (out.length) out.splice(rng.int(out.length), 1);
      break;
    case 2: {
      // typing: the spans after the caret move; one around it grows
      const delta = rng.range(-3, 3);
      return out.map((s) => (s.from >= at ? span(s.id, s.from + delta, s.to + delta, s.fragments.length) : s.to > at && delta > 0 ? span(s.id, s.from, s.to + delta, s.fragments.length) : s));
    }
    case 3: {
      // a span's bounds or pieces change (a fragment added, a boundary dragged)
      if (!out.length) break;
      const k = rng.int(out.length);
      const s = out[k]!;
      out[k] = span(s.id, Math.max(0, s.from + rng.range(-20, 20)), s.to + rng.range(0, 20), rng.chance(0.5) ? 2 : 1);
      break;
    }
    default: // several at once (paste, undo of many steps)
      for (let n = rng.range(2, 6); n > 0; n--) {
        if (rng.chance(0.5) && out.length) out.splice(rng.int(out.length), 1);
        else out.push(span(fresh(), rng.int(size), rng.int(size) + 20));
      }
  }
  return out.map((s) => (s.to > s.from ? s : span(s.id, s.from, s.from + 1)));
}

describe('changedClasses', () => {
  it('finds exactly the spans whose lane or pieces changed, over 2,000 random edits', () => {
    const rng = new Rng(Number(process.env.WALK_SEED ?? 41));
    let n = 0;
    const fresh = () => `s${n++}`;
    for (let walk = 0; walk < 100; walk++) {
      const size = 50 + rng.int(400);
      let prev = drawn(Array.from({ length: rng.int(60) }, () => span(fresh(), rng.int(size), 0)).map((s) => span(s.id, s.from, s.from + 1 + rng.int(15))));
      for (let step = 0; step < 20; step++) {
        const next = drawn(edit(rng, prev.spans.toArray(), size, fresh));
        const got = changedClasses(prev, next);
        expect(got === 'all' ? got : [...got].sort(), `walk ${walk} step ${step}`).toEqual([...expected(prev, next)].sort());
        prev = next;
      }
    }
  });

  it('says all when the label list changed, and nothing for the same lists', () => {
    const a = drawn([span('a', 0, 4), span('b', 2, 6)]);
    expect(changedClasses(a, { ...a, labels: [...LABELS] })).toBe('all');
    expect(changedClasses(a, a)).toEqual(new Set());
  });
});
