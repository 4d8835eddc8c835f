/**
 * A document's spans in text order, with their lanes, as a sequence that an edit derives from the
 * previous document's without touching the spans it did not reach. Typing in one paragraph keeps
 * the spans before it as they were, reads the paragraph's own spans afresh, and shifts those after
 * it only lazily: the new sequence shares the old one's arrays, each run with the distance it moved
 * (a segment). A span after the caret becomes an object with its new positions only when somebody
 * asks for it (`at`, `get`, `toArray`), and the same object each time.
 *
 * Lanes (lanes.ts) need no recomputing outside the changed paragraphs: an edit is derived only when
 * no span reaches from its paragraphs into others (spanMarks.ts checks), so at the start of the
 * changed paragraphs every lane is free, as it is again after them; the spans before keep their
 * lanes, the spans after keep theirs, and the changed paragraphs' spans are assigned afresh.
 *
 * Each derived sequence records what changed (`derivation`): the spans that were in the changed
 * paragraphs and those read there now. Whose classes changed (spanClasses.ts) and whether the span
 * list's rows changed (spanList.ts) are answered from that, not by comparing 20,000 spans.
 */
import { assignLanes } from './lanes';
import type { SpanRange } from './spanMarks';

/** What orders spans: start, then end, then id. */
type SpanOrder = Pick<SpanRange, 'from' | 'to' | 'id'>;

/** An array of spans that sequences share, with its lanes and its index by id, both built when first needed. */
class Source {
  private laneList: readonly number[] | null;
  private byId: Map<string, number> | null = null;
  constructor(
    readonly spans: readonly SpanRange[],
    lanes: readonly number[] | null = null,
  ) {
    this.laneList = lanes;
  }

  get lanes(): readonly number[] {
    return (this.laneList ??= assignLanes(this.spans));
  }

  indexOf(id: string): number | undefined {
    if (!this.byId) {
      this.byId = new Map();
      this.spans.forEach((s, i) => this.byId!.set(s.id, i));
    }
    return this.byId.get(id);
  }
}

/** Spans [lo, hi) of a source, moved by `delta` positions, at index `offset` of the sequence. */
interface Segment {
  src: Source;
  lo: number;
  hi: number;
  delta: number;
  offset: number;
}

/** How a sequence was derived from its parent: parent's spans [lo, hi) were replaced by this one's [lo, lo + count). */
export interface Derivation {
  parent: SpanSeq;
  lo: number;
  hi: number;
  count: number;
}

/** Beyond this many segments (paragraphs edited since the last compaction), a sequence is copied into one array. */
let maxSegments = 64;
/** How many derivations back changedClasses and the span list may look; older parents are let go. */
export const MAX_DERIVATION_CHAIN = 32;

/** For tests: compact after this many segments (to exercise compaction in small documents). Returns the old limit. */
export function setMaxSegments(n: number): number {
  const old = maxSegments;
  maxSegments = n;
  return old;
}

export class SpanSeq {
  readonly length: number;
  /** What changed from the parent sequence; null for spans read afresh, or when the parent was let go. */
  derivation: Derivation | null;
  private readonly segs: readonly Segment[];
  /** Shifted spans made so far, by index: the same object each time. */
  private readonly made = new Map<number, SpanRange>();
  private array: readonly SpanRange[] | null = null;
  private laneArray: readonly number[] | null = null;

  private constructor(segs: Segment[], derivation: Derivation | null) {
    this.segs = segs;
    const last = segs[segs.length - 1];
    this.length = last ? last.offset + last.hi - last.lo : 0;
    this.derivation = derivation;
  }

  /** Spans sorted by compareSpans; `lanes` when already known. */
  static of(spans: readonly SpanRange[], lanes: readonly number[] | null = null): SpanSeq {
    return new SpanSeq(spans.length ? [{ src: new Source(spans, lanes), lo: 0, hi: spans.length, delta: 0, offset: 0 }] : [], null);
  }

  /** How many moved spans this sequence has made objects for (for tests): none until somebody asks. */
  get spansMade(): number {
    return this.array ? this.length : this.made.size;
  }

  /** How many arrays this sequence is made of (for tests and the bench). */
  get segmentCount(): number {
    return this.segs.length;
  }

  /** The segment holding index i (0 <= i < length). */
  private segAt(i: number): Segment {
    const segs = this.segs;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.offset <= i) lo = mid;
      else hi = mid - 1;
    }
    return segs[lo]!;
  }

  /** The span at index i. */
  at(i: number): SpanRange {
    if (i < 0 || i >= this.length) throw new RangeError(`no span at ${i} of ${this.length}`);
    if (this.array) return this.array[i]!;
    const seg = this.segAt(i);
    const s = seg.src.spans[seg.lo + i - seg.offset]!;
    if (seg.delta === 0) return s;
    let made = this.made.get(i);
    if (!made) {
      made = shifted(s, seg.delta);
      this.made.set(i, made);
    }
    return made;
  }

  /** The lane of the span at index i. */
  laneAt(i: number): number {
    if (this.laneArray) return this.laneArray[i]!;
    const seg = this.segAt(i);
    return seg.src.lanes[seg.lo + i - seg.offset]!;
  }

  /** Where the span at i starts, without making its object. */
  fromAt(i: number): number {
    const seg = this.segAt(i);
    return seg.src.spans[seg.lo + i - seg.offset]!.from + seg.delta;
  }

  /** The first index whose span starts at or after `pos` (length when none does). */
  firstFrom(pos: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.fromAt(mid) < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The index of the span with this id, or -1. */
  indexOfId(id: string): number {
    const segs = this.segs;
    for (let k = 0; k < segs.length; k++) {
      const seg = segs[k]!;
      // Each source once: a source split around an edit has several segments.
      if (segs.findIndex((other) => other.src === seg.src) !== k) continue;
      const j = seg.src.indexOf(id);
      if (j === undefined) continue;
      // The source's span is in this sequence when a segment of that source covers it.
      for (const other of this.segs) if (other.src === seg.src && other.lo <= j && j < other.hi) return other.offset + j - other.lo;
    }
    return -1;
  }

  /** The span with this id, or undefined. */
  get(id: string): SpanRange | undefined {
    const i = this.indexOfId(id);
    return i < 0 ? undefined : this.at(i);
  }

  /** The index of the span `s` (its id, start and end), or -1. */
  indexOf(s: SpanOrder): number {
    const i = this.indexOfId(s.id);
    if (i < 0) return -1;
    const seg = this.segAt(i);
    const own = seg.src.spans[seg.lo + i - seg.offset]!;
    return own.from + seg.delta === s.from && own.to + seg.delta === s.to ? i : -1;
  }

  /** Every span, as one array (made once; the spans are the objects `at` gives). */
  toArray(): readonly SpanRange[] {
    if (!this.array) {
      const out = new Array<SpanRange>(this.length);
      for (const seg of this.segs) {
        for (let j = seg.lo; j < seg.hi; j++) {
          const i = seg.offset + j - seg.lo;
          out[i] = seg.delta === 0 ? seg.src.spans[j]! : (this.made.get(i) ?? shifted(seg.src.spans[j]!, seg.delta));
        }
      }
      this.array = out;
      this.made.clear();
    }
    return this.array;
  }

  /** Every span's lane, as one array parallel to toArray(). */
  lanes(): readonly number[] {
    if (!this.laneArray) {
      const out = new Array<number>(this.length);
      for (const seg of this.segs) {
        const lanes = seg.src.lanes;
        for (let j = seg.lo; j < seg.hi; j++) out[seg.offset + j - seg.lo] = lanes[j]!;
      }
      this.laneArray = out;
    }
    return this.laneArray;
  }

  /**
   * This sequence with spans [lo, hi) replaced by `region` (sorted; lanes assigned afresh) and the
   * spans from hi on moved by `delta`. The caller guarantees that no span before lo reaches past
   * the region's start and none from hi on starts before its end.
   */
  derive(lo: number, hi: number, region: readonly SpanRange[], delta: number): SpanSeq {
    const segs: Segment[] = [];
    const push = (src: Source, from: number, to: number, d: number) => {
      if (from >= to) return;
      const last = segs[segs.length - 1];
      const offset = last ? last.offset + last.hi - last.lo : 0;
      // A run continuing the previous one of the same source and shift joins it.
      if (last && last.src === src && last.hi === from && last.delta === d) last.hi = to;
      else segs.push({ src, lo: from, hi: to, delta: d, offset });
    };
    for (const seg of this.segs) {
      const start = seg.offset;
      const end = seg.offset + seg.hi - seg.lo;
      if (start < lo) push(seg.src, seg.lo, seg.lo + Math.min(end, lo) - start, seg.delta);
    }
    if (region.length) push(new Source(region), 0, region.length, 0);
    for (const seg of this.segs) {
      const start = seg.offset;
      const end = seg.offset + seg.hi - seg.lo;
      if (end > hi) push(seg.src, seg.lo + Math.max(start, hi) - start, seg.hi, seg.delta + delta);
    }
    const derivation: Derivation = { parent: this, lo, hi, count: region.length };
    const next = segs.length > maxSegments ? SpanSeq.compacted(segs, derivation) : new SpanSeq(segs, derivation);
    // Let go of the parent MAX_DERIVATION_CHAIN derivations back, so a long session keeps a bounded chain.
    let old: SpanSeq = next;
    for (let k = 0; k < MAX_DERIVATION_CHAIN && old.derivation; k++) old = old.derivation.parent;
    old.derivation = null;
    return next;
  }

  /** The segments' spans copied into one array (its shifted spans made now), with their lanes. */
  private static compacted(segs: Segment[], derivation: Derivation): SpanSeq {
    const loose = new SpanSeq(segs, null);
    const next = SpanSeq.of(loose.toArray(), loose.lanes());
    next.derivation = derivation;
    return next;
  }

  /**
   * The derivations leading from `older` to this sequence, oldest first; null when `older` is not
   * among this one's last MAX_DERIVATION_CHAIN parents.
   */
  derivationsFrom(older: SpanSeq): { seq: SpanSeq; derivation: Derivation }[] | null {
    if (this === older) return [];
    const derivation = this.derivation;
    if (!derivation) return null;
    const out: { seq: SpanSeq; derivation: Derivation }[] = [{ seq: this, derivation }];
    for (let d: Derivation = derivation; d.parent !== older; ) {
      const next = d.parent.derivation;
      if (!next || out.length >= MAX_DERIVATION_CHAIN) return null;
      out.push({ seq: d.parent, derivation: next });
      d = next;
    }
    return out.reverse();
  }
}

/** `s` moved by `delta` positions. */
export function shifted(s: SpanRange, delta: number): SpanRange {
  return {
    id: s.id,
    label: s.label,
    from: s.from + delta,
    to: s.to + delta,
    fragments: s.fragments.map((f) => ({ from: f.from + delta, to: f.to + delta })),
    mark: s.mark,
  };
}

export const EMPTY_SEQ = SpanSeq.of([]);
