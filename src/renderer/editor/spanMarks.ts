/**
 * Reads spans out of a document. A span is every piece of text carrying a span mark with its id;
 * it starts at the lowest such position and ends at the highest, even across paragraphs.
 */
import type { Mark, Node } from 'prosemirror-model';
import { changedParagraphs, positionIndex } from './positions';
import { spanAttrs, spanType } from './schema';

/** A piece of a span, in positions. */
export interface PosRange {
  from: number;
  to: number;
}

/** A span as the editor sees it: ProseMirror positions, `from` < `to`. */
export interface SpanRange {
  id: string;
  label: string;
  from: number;
  to: number;
  /** The span's fragments, sorted; one covering from..to for a contiguous span. */
  fragments: readonly PosRange[];
  mark: Mark;
}

/** A run of text (positions) carrying one span mark. */
export interface SpanPiece {
  from: number;
  to: number;
  mark: Mark;
}

// Pieces of one paragraph, relative to its content start. Cached per paragraph node: after an edit
// only the changed paragraphs are rescanned.
const pieceCache = new WeakMap<Node, readonly SpanPiece[]>();

function paragraphPieces(paragraph: Node): readonly SpanPiece[] {
  let pieces = pieceCache.get(paragraph);
  if (pieces) return pieces;
  const found: SpanPiece[] = [];
  const open = new Map<Mark, SpanPiece>();
  let offset = 0;
  for (let i = 0; i < paragraph.childCount; i++) {
    const child = paragraph.child(i);
    const end = offset + child.nodeSize;
    for (const mark of child.marks) {
      if (mark.type !== spanType) continue;
      // Marks are interned per attrs only by value; look the open piece up by equality.
      let last: SpanPiece | undefined;
      for (const [m, piece] of open) {
        if (piece.to === offset && m.eq(mark)) {
          last = piece;
          break;
        }
      }
      if (last) {
        last.to = end;
      } else {
        const piece = { from: offset, to: end, mark };
        found.push(piece);
        open.set(mark, piece);
      }
    }
    for (const [m, piece] of open) if (piece.to !== end) open.delete(m);
    offset = end;
  }
  pieces = found;
  pieceCache.set(paragraph, pieces);
  return pieces;
}

/** A fragment whose marked text has a gap (text inside its range that does not carry its mark). */
export interface BrokenFragment {
  from: number;
  to: number;
  mark: Mark;
}

/** How a document's spans were derived from an earlier document's (collectFrom), to look ids up through. */
interface Derivation {
  base: DocSpans;
  /** The spans read in the changed paragraphs. */
  region: DocSpans;
  /** Ids of the base's spans that lay wholly in the changed paragraphs (re-read, or gone). */
  dropped: ReadonlySet<string>;
  /** Where the changed paragraphs start (the base's spans ending by then are kept as they were). */
  start: number;
  /** How far the spans after them moved. */
  delta: number;
}

/** Lookups through more derivations than this build the document's own index instead. */
const MAX_DERIVATION_DEPTH = 8;

/**
 * The spans of one document. A lookup by id goes through the earlier document's spans when these
 * were derived from them (typing, tagging), so no index of 20,000 ids is built per key; a document
 * read afresh, or derived too many times over, builds its own index when first asked.
 */
class DocSpans {
  private index: Map<string, SpanRange> | null;
  private derived: Derivation | null;
  /** How many derivations a lookup may go through. */
  readonly depth: number;
  constructor(
    readonly list: readonly SpanRange[],
    readonly broken: readonly BrokenFragment[],
    index: Map<string, SpanRange> | null = null,
    derived: Derivation | null = null,
  ) {
    this.index = index;
    this.derived = derived && !index && derived.base.depth < MAX_DERIVATION_DEPTH ? derived : null;
    this.depth = this.derived ? this.derived.base.depth + 1 : 0;
  }

  get(id: string): SpanRange | undefined {
    const d = this.derived;
    if (d) {
      const inRegion = d.region.get(id);
      if (inRegion || d.dropped.has(id)) return inRegion;
      const s = d.base.get(id);
      if (!s || d.delta === 0 || s.to <= d.start) return s;
      // A span after the change: this list holds it shifted; find that object.
      return this.list[indexOfSpan(this.list, { from: s.from + d.delta, to: s.to + d.delta, id })];
    }
    if (!this.index) {
      this.index = new Map();
      for (const s of this.list) this.index.set(s.id, s);
    }
    return this.index.get(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }
}

/** The index of the span `s` (its id, where it starts and ends) in `list`, sorted by compareSpans; or -1. */
export function indexOfSpan(list: readonly SpanRange[], s: SpanOrder): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareSpans(list[mid]!, s) < 0) lo = mid + 1;
    else hi = mid;
  }
  return list[lo]?.id === s.id ? lo : -1;
}

const docCache = new WeakMap<Node, DocSpans>();

/** What orders spans. */
type SpanOrder = Pick<SpanRange, 'from' | 'to' | 'id'>;

/** Orders spans by start, then end, then id. */
export function compareSpans(a: SpanOrder, b: SpanOrder): number {
  return a.from - b.from || a.to - b.to || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Sorts ranges and merges those that overlap or touch. */
export function mergeRanges(ranges: readonly PosRange[]): PosRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
  const out: PosRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else out.push({ from: r.from, to: r.to });
  }
  return out;
}

/** The spans of every paragraph of `doc`. */
function collect(doc: Node): DocSpans {
  return collectRange(doc, 0, doc.childCount, 0);
}

/** The spans whose marks lie in paragraphs [first, end) of `doc`, the first starting at position `pos`. */
function collectRange(doc: Node, first: number, end: number, startPos: number): DocSpans {
  interface Frag {
    from: number;
    to: number;
    firstPara: number;
    lastPara: number;
    marked: number;
    mark: Mark;
  }
  interface Acc {
    id: string;
    label: string;
    mark: Mark;
    frags: Map<number, Frag>;
  }
  const acc = new Map<string, Acc>();
  let pos = startPos;
  for (let p = first; p < end; p++) {
    const para = doc.child(p);
    const start = pos + 1;
    for (const piece of paragraphPieces(para)) {
      const { id, label, frag } = spanAttrs(piece.mark);
      const from = start + piece.from;
      const to = start + piece.to;
      let a = acc.get(id);
      if (!a) {
        // Ids are unique per span; a second label under one id would be a bug elsewhere, the first wins.
        a = { id, label, mark: piece.mark, frags: new Map() };
        acc.set(id, a);
      }
      const f = a.frags.get(frag);
      if (!f) a.frags.set(frag, { from, to, firstPara: p, lastPara: p, marked: to - from, mark: piece.mark });
      else {
        f.to = to;
        f.lastPara = p;
        f.marked += to - from;
      }
    }
    pos += para.nodeSize;
  }
  const list: SpanRange[] = [];
  const broken: BrokenFragment[] = [];
  const byId = new Map<string, SpanRange>();
  for (const a of acc.values()) {
    const frags = [...a.frags.values()];
    for (const f of frags) {
      // Each paragraph boundary inside the range is two positions of no text.
      const textInRange = f.to - f.from - 2 * (f.lastPara - f.firstPara);
      if (f.marked < textInRange) broken.push({ from: f.from, to: f.to, mark: f.mark });
    }
    const fragments = frags.length === 1 ? [{ from: frags[0]!.from, to: frags[0]!.to }] : mergeRanges(frags);
    const range: SpanRange = {
      id: a.id,
      label: a.label,
      from: fragments[0]!.from,
      to: fragments[fragments.length - 1]!.to,
      fragments,
      mark: a.mark,
    };
    list.push(range);
    byId.set(a.id, range);
  }
  list.sort(compareSpans);
  return new DocSpans(list, broken, byId);
}

/** Most changes touch a paragraph or two: beyond this many, the spans are collected afresh. */
const MAX_CHANGED_PARAGRAPHS = 16;

/**
 * The spans of `doc`, derived from those of `prev` when only a few paragraphs differ (typing): the
 * spans before them are kept, those after are shifted, and only the changed paragraphs are read.
 * Null when a span reaches from a changed paragraph into an unchanged one, or much changed: then
 * everything is collected afresh. Typing in a long report must not cost a walk over every span.
 */
function collectFrom(prevDoc: Node, prev: DocSpans, doc: Node): DocSpans | null {
  const a = prevDoc.content;
  const b = doc.content;
  const changed = changedParagraphs(prevDoc, doc);
  if (!changed) return prev; // the very same paragraphs: the same spans
  const { first, endBefore: endA, endAfter: endB } = changed;
  if (endA - first + (endB - first) > MAX_CHANGED_PARAGRAPHS) return null;
  let start = 0;
  for (let p = 0; p < first; p++) start += a.child(p).nodeSize;
  let oldEnd = start;
  for (let p = first; p < endA; p++) oldEnd += a.child(p).nodeSize;
  let newEnd = start;
  for (let p = first; p < endB; p++) newEnd += b.child(p).nodeSize;
  const delta = newEnd - oldEnd;
  const region = collectRange(doc, first, endB, start);
  const list: SpanRange[] = [];
  const after: SpanRange[] = [];
  // The spans that lay wholly in the changed paragraphs: re-read there, they are not kept.
  const dropped = new Set<string>();
  for (const s of prev.list) {
    if (s.to <= start) list.push(s);
    else if (s.from >= oldEnd) after.push(delta === 0 ? s : shifted(s, delta));
    // A span touching the changed paragraphs that also lies outside them: its pieces there are not re-read.
    else if (s.from < start || s.to > oldEnd) return null;
    else dropped.add(s.id);
  }
  // A span marked in the changed paragraphs and also outside them (its id twice): read it all afresh.
  // Typing re-reads the spans it dropped; only an id new to the region is looked up among the rest.
  for (const s of region.list) if (!dropped.has(s.id) && prev.has(s.id)) return null;
  for (const s of region.list) list.push(s);
  for (const s of after) list.push(s);
  const broken: BrokenFragment[] = [];
  for (const f of prev.broken) {
    if (f.to <= start) broken.push(f);
    else if (f.from >= oldEnd) broken.push({ from: f.from + delta, to: f.to + delta, mark: f.mark });
  }
  broken.push(...region.broken);
  return new DocSpans(list, broken, null, { base: prev, region, dropped, start, delta });
}

function shifted(s: SpanRange, delta: number): SpanRange {
  return {
    id: s.id,
    label: s.label,
    from: s.from + delta,
    to: s.to + delta,
    fragments: s.fragments.map((f) => ({ from: f.from + delta, to: f.to + delta })),
    mark: s.mark,
  };
}

/** The document whose spans were read last, to derive the next document's spans from. */
let lastRead: { doc: Node; spans: DocSpans } | null = null;

function docSpans(doc: Node): DocSpans {
  let spans = docCache.get(doc);
  if (!spans) {
    spans = (lastRead && collectFrom(lastRead.doc, lastRead.spans, doc)) || collect(doc);
    docCache.set(doc, spans);
    // Only a document read afresh becomes the base: autosave looking up the document it saved last
    // must not make the next keystroke's document derive from that older one.
    lastRead = { doc, spans };
  }
  return spans;
}

/**
 * Gives a document just built (docFromText) its spans, sorted here, so that they need not be read
 * back out of its marks; the document must have no broken fragments.
 */
export function seedSpans(doc: Node, list: SpanRange[]): void {
  if (docCache.has(doc)) return;
  list.sort(compareSpans);
  const spans = new DocSpans(list, []);
  docCache.set(doc, spans);
  // The first change after opening derives its spans from these.
  lastRead = { doc, spans };
}

/** Every span of the document, sorted by start, end, id (cached per document). */
export function spanRanges(doc: Node): readonly SpanRange[] {
  return docSpans(doc).list;
}

/** The span with this id, or undefined. */
export function findSpan(doc: Node, id: string): SpanRange | undefined {
  return docSpans(doc).get(id);
}

/** Fragments whose text has a gap (e.g. text pasted into their middle). */
export function brokenFragments(doc: Node): readonly BrokenFragment[] {
  return docSpans(doc).broken;
}

/** The runs of text carrying the span `id`, in document order, adjacent runs merged. */
export function spanPieces(doc: Node, id: string): SpanPiece[] {
  const range = findSpan(doc, id);
  if (!range) return [];
  const pieces: SpanPiece[] = [];
  doc.nodesBetween(range.from, range.to, (node, pos) => {
    if (!node.isText) return true;
    for (const mark of node.marks) {
      if (mark.type !== spanType || spanAttrs(mark).id !== id) continue;
      const last = pieces[pieces.length - 1];
      if (last && last.to === pos && last.mark.eq(mark)) last.to = pos + node.nodeSize;
      else pieces.push({ from: pos, to: pos + node.nodeSize, mark });
    }
    return false;
  });
  return pieces;
}

/** The spans with a fragment covering `pos` (from <= pos <= to), shortest first. */
export function spansAt(doc: Node, pos: number): SpanRange[] {
  return spanRanges(doc)
    .filter((s) => s.from <= pos && pos <= s.to && s.fragments.some((f) => f.from <= pos && pos <= f.to))
    .sort((a, b) => a.to - a.from - (b.to - b.from) || compareSpans(a, b));
}

/** The span marks that every character between `from` and `to` carries (none for an empty range). */
export function spanMarksCovering(doc: Node, from: number, to: number): readonly Mark[] {
  let common: readonly Mark[] | null = null;
  doc.nodesBetween(from, to, (node) => {
    if (!node.isText) return true;
    const marks = node.marks.filter((m) => m.type === spanType);
    common = common === null ? marks : common.filter((m) => marks.some((n) => n.eq(m)));
    return false;
  });
  return common ?? [];
}

/**
 * The text of each span's fragments (joined by `joiner`), cut to `max` UTF-16 units with "…", each
 * read from its own paragraph (found in the document's cached position index): `doc.textBetween`
 * walks the document from its start, which for thousands of spans costs paragraphs x spans.
 */
export function spanExcerpts(doc: Node, spans: readonly SpanRange[], max: number, joiner = ' … '): string[] {
  const index = positionIndex(doc);
  const textOf = (from: number, to: number, limit: number): string => {
    const p = index.paragraphIndexAt(from);
    const start = index.paragraphStart(p);
    const para = doc.child(p);
    if (to <= start + para.content.size) return para.textBetween(from - start, Math.min(to, from + limit) - start);
    return doc.textBetween(from, to, '\n');
  };
  return spans.map((s) => {
    let text = '';
    for (const f of s.fragments) {
      if (text) text += joiner;
      text += textOf(f.from, f.to, max + 1 - text.length);
      if (text.length > max) break;
    }
    return text.length > max ? `${text.slice(0, max)}…` : text;
  });
}

/** The spans and broken fragments of `doc` read afresh, bypassing every cache (for tests). */
export function collectSpansAfresh(doc: Node): { list: readonly SpanRange[]; broken: readonly BrokenFragment[] } {
  return collect(doc);
}
