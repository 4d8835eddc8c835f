/**
 * The span sequence that typing derives from the previous document's (spanSeq.ts), checked against
 * a plain model: a text of paragraphs, each holding spans of its own, edited one paragraph at a
 * time (its spans re-read, the paragraph longer or shorter). After every edit the sequence must
 * list the model's spans at their positions, with the lanes of a fresh assignment, find every span
 * by id (as the very object it lists) and no removed one, and answer which spans' classes and
 * whether the list's rows changed exactly as a comparison of whole lists does, also across several
 * edits at once, across compactions, and beyond the chain of derivations it keeps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { assignLanes } from '../../../src/renderer/editor/lanes';
import { changedClasses, type DrawnSpans, spanClassName } from '../../../src/renderer/editor/spanClasses';
import { sameRows, sameSeqRows } from '../../../src/renderer/editor/spanList';
import { compareSpans, type SpanRange } from '../../../src/renderer/editor/spanMarks';
import { MAX_DERIVATION_CHAIN, setMaxSegments, SpanSeq } from '../../../src/renderer/editor/spanSeq';
import { Rng } from '../../reliability/rng';
import { LABELS } from './helpers';

/** A span inside one paragraph, relative to the paragraph's content start. */
interface LocalSpan {
  id: string;
  label: string;
  from: number;
  to: number;
  pieces: number;
}

interface Para {
  size: number;
  spans: LocalSpan[];
}

/** The model's spans at absolute positions (each paragraph is its size plus two tokens), sorted. */
function absolute(paras: readonly Para[]): SpanRange[] {
  const out: SpanRange[] = [];
  let pos = 0;
  for (const p of paras) {
    for (const s of p.spans) out.push(rangeOf(s, pos + 1));
    pos += p.size + 2;
  }
  return out.sort(compareSpans);
}

function rangeOf(s: LocalSpan, base: number): SpanRange {
  const from = base + s.from;
  const to = base + s.to;
  const fragments = s.pieces === 1 ? [{ from, to }] : [{ from, to: from + 1 }, { from: to - 1, to }];
  return { id: s.id, label: s.label, from, to, fragments, mark: null as never };
}

const plain = (spans: readonly SpanRange[]) => spans.map((s) => `${s.id}:${s.label}:${s.from}-${s.to}/${s.fragments.map((f) => `${f.from}-${f.to}`).join(',')}`);

/** The definition: spans in both whose class list differs, lanes assigned afresh. */
function expectedChanged(prev: readonly SpanRange[], next: readonly SpanRange[]): string[] {
  const classes = (spans: readonly SpanRange[]) => {
    const lanes = assignLanes(spans);
    return new Map(spans.map((s, i) => [s.id, spanClassName(s, lanes[i]!, LABELS)]));
  };
  const before = classes(prev);
  return [...classes(next)].filter(([id, cls]) => before.has(id) && before.get(id) !== cls).map(([id]) => id).sort();
}

const drawn = (spans: SpanSeq): DrawnSpans => ({ spans, labels: LABELS });

let restore: number | null = null;
afterEach(() => {
  if (restore !== null) setMaxSegments(restore);
  restore = null;
});

function walk(seed: number, steps: number): { derived: number; compacted: number } {
  const rng = new Rng(seed);
  let n = 0;
  const newSpan = (size: number): LocalSpan => {
    const from = rng.int(Math.max(1, size - 1));
    return { id: `s${n++}`, label: LABELS[rng.int(3)]!.name, from, to: Math.min(size, from + 1 + rng.int(6)), pieces: rng.chance(0.2) ? 2 : 1 };
  };
  let paras: Para[] = Array.from({ length: 3 + rng.int(12) }, () => {
    const size = 2 + rng.int(30);
    return { size, spans: Array.from({ length: rng.int(5) }, () => newSpan(size)) };
  });
  let seq = SpanSeq.of(absolute(paras));
  const history: { seq: SpanSeq; spans: SpanRange[] }[] = [{ seq, spans: absolute(paras) }];
  let derived = 0;
  let compacted = 0;
  for (let step = 0; step < steps; step++) {
    const p = rng.int(paras.length);
    const old = paras[p]!;
    // Typing or deleting in the paragraph: its size changes, spans move inside it, come and go.
    const size = Math.max(2, old.size + rng.range(-4, 6));
    const spans = old.spans
      .filter(() => !rng.chance(0.15))
      .map((s) => (rng.chance(0.3) ? { ...s, from: Math.min(s.from, size - 1), to: Math.min(size, s.to + rng.range(-1, 3)), pieces: rng.chance(0.2) ? 3 - s.pieces : s.pieces } : s))
      .map((s) => ({ ...s, from: Math.min(s.from, size - 1), to: Math.max(Math.min(s.to, size), Math.min(s.from, size - 1) + 1) }));
    if (rng.chance(0.3)) spans.push(newSpan(size));
    let start = 0;
    for (let k = 0; k < p; k++) start += paras[k]!.size + 2;
    const oldEnd = start + old.size + 2;
    const delta = size - old.size;
    const region = spans.map((s) => rangeOf(s, start + 1)).sort(compareSpans);
    const next = seq.derive(seq.firstFrom(start), seq.firstFrom(oldEnd), region, delta);
    paras = paras.map((q, k) => (k === p ? { size, spans } : q));
    const want = absolute(paras);
    const where = `seed ${seed} step ${step}`;
    derived++;
    if (next.segmentCount === 1 && seq.segmentCount > 1) compacted++;

    // Read lazily first (no array made), then as an array.
    for (let i = 0; i < want.length; i++) {
      expect(plain([next.at(i)]), where).toEqual(plain([want[i]!]));
      expect(next.fromAt(i), where).toBe(want[i]!.from);
    }
    const list = next.toArray();
    expect(plain(list), where).toEqual(plain(want));
    expect(next.lanes(), where).toEqual(assignLanes(want));
    for (let i = 0; i < list.length; i++) {
      expect(next.get(list[i]!.id), where).toBe(list[i]);
      expect(next.indexOf(list[i]!), where).toBe(i);
      expect(next.laneAt(i), where).toBe(next.lanes()[i]);
    }
    const pos = rng.int(want.length ? want[want.length - 1]!.to + 2 : 5);
    expect(next.firstFrom(pos), where).toBe(want.filter((s) => s.from < pos).length);
    const present = new Set(want.map((s) => s.id));
    for (let k = 0; k < n; k++) if (!present.has(`s${k}`)) expect(next.get(`s${k}`), where).toBeUndefined();

    // Classes and rows against the same questions asked of whole lists, over 1 to 40 edits back.
    const back = Math.min(history.length, 1 + (rng.chance(0.8) ? rng.int(3) : rng.int(MAX_DERIVATION_CHAIN + 8)));
    const then = history[history.length - back]!;
    const got = changedClasses(drawn(then.seq), drawn(next));
    expect(got === 'all' ? got : [...got].sort(), `${where}, ${back} back`).toEqual(expectedChanged(then.spans, want));
    const rows = sameSeqRows(then.seq, next);
    // Rows derived through edits that changed none compare equal; where an edit changed some and
    // another changed them back, the sequence may say "changed" (a redraw too many, never too few).
    if (sameRows(then.spans, want) === false) expect(rows, `${where}, ${back} back`).toBe(false);
    else if (back === 1 || !next.derivationsFrom(then.seq)) expect(rows, `${where}, ${back} back`).toBe(true);
    history.push({ seq: next, spans: want });
    seq = next;
  }
  return { derived, compacted };
}

describe('SpanSeq', () => {
  it('lists, finds and lanes the spans of a model edited paragraph by paragraph, over 100 walks', () => {
    for (let w = 0; w < 100; w++) walk(9000 + w, 60);
  });

  it('does the same when it compacts after a few segments, and the walks did compact', () => {
    restore = setMaxSegments(4);
    let compacted = 0;
    for (let w = 0; w < 60; w++) compacted += walk(9500 + w, 60).compacted;
    expect(compacted).toBeGreaterThan(50);
  });

  it('keeps its chain of derivations bounded: a sequence forgets parents MAX_DERIVATION_CHAIN back', () => {
    let seq = SpanSeq.of([]);
    const first = seq;
    for (let k = 0; k < MAX_DERIVATION_CHAIN + 5; k++) seq = seq.derive(0, 0, [], 0);
    expect(seq.derivationsFrom(first)).toBeNull();
    let depth = 0;
    for (let s: SpanSeq | undefined = seq; s?.derivation; s = s.derivation.parent) depth++;
    expect(depth).toBe(MAX_DERIVATION_CHAIN);
  });
});
