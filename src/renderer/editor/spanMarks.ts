/**
 * Reads spans out of a document. A span is every piece of text carrying a span mark with its id;
 * it starts at the lowest such position and ends at the highest, even across paragraphs.
 */
import type { Mark, Node } from 'prosemirror-model';
import { changedParagraphs, positionIndex } from './positions';
import { spanAttrs, spanType } from './schema';
import { shifted, SpanSeq } from './spanSeq';

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

/**
 * The spans of one document: a sequence that an edit derives from the previous document's
 * (spanSeq.ts), so a key typed touches the spans of its paragraph and no others; the fragments with
 * gaps; and the spans reaching over a paragraph boundary (few), which decide whether an edit's
 * paragraphs can be re-read on their own.
 */
class DocSpans {
  private longList: readonly SpanRange[] | null;
  constructor(
    readonly seq: SpanSeq,
    readonly broken: readonly BrokenFragment[],
    long: readonly SpanRange[] | null,
    /** The document, to find the long spans of spans given without them (seedSpans). */
    private readonly doc: Node | null = null,
  ) {
    this.longList = long;
  }

  /** Every span, as one array (made when first asked). */
  get list(): readonly SpanRange[] {
    return this.seq.toArray();
  }

  /** The spans whose text is in more than one paragraph, sorted. */
  get long(): readonly SpanRange[] {
    if (!this.longList) {
      const index = positionIndex(this.doc!);
      this.longList = this.seq.toArray().filter((s) => index.paragraphIndexAt(s.from) !== index.paragraphIndexAt(s.to));
    }
    return this.longList;
  }

  get(id: string): SpanRange | undefined {
    return this.seq.get(id);
  }

  has(id: string): boolean {
    return this.seq.indexOfId(id) >= 0;
  }
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
  const long: SpanRange[] = [];
  for (const a of acc.values()) {
    const frags = [...a.frags.values()];
    let firstPara = Infinity;
    let lastPara = -1;
    for (const f of frags) {
      firstPara = Math.min(firstPara, f.firstPara);
      lastPara = Math.max(lastPara, f.lastPara);
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
    if (firstPara !== lastPara) long.push(range);
  }
  list.sort(compareSpans);
  long.sort(compareSpans);
  return new DocSpans(SpanSeq.of(list), broken, long);
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
  const changed = changedParagraphs(prevDoc, doc);
  if (!changed) return prev; // the very same paragraphs: the same spans
  const { first, endBefore: endA, endAfter: endB } = changed;
  if (endA - first + (endB - first) > MAX_CHANGED_PARAGRAPHS) return null;
  const a = prevDoc.content;
  const b = doc.content;
  let start = 0;
  for (let p = 0; p < first; p++) start += a.child(p).nodeSize;
  let oldEnd = start;
  for (let p = first; p < endA; p++) oldEnd += a.child(p).nodeSize;
  let newEnd = start;
  for (let p = first; p < endB; p++) newEnd += b.child(p).nodeSize;
  const delta = newEnd - oldEnd;
  // A span reaching from the changed paragraphs into others: its pieces outside them are not re-read.
  for (const s of prev.long) {
    if (s.from >= oldEnd) break;
    if (s.to > start && (s.from < start || s.to > oldEnd)) return null;
  }
  const region = collectRange(doc, first, endB, start);
  // Every other span lies in one paragraph: those starting in the changed paragraphs are re-read there.
  const lo = prev.seq.firstFrom(start);
  const hi = prev.seq.firstFrom(oldEnd);
  const regionSpans = region.seq.toArray();
  if (regionSpans.length) {
    const dropped = new Set<string>();
    for (let i = lo; i < hi; i++) dropped.add(prev.seq.at(i).id);
    // A span marked in the changed paragraphs and also outside them (its id twice): read it all afresh.
    for (const s of regionSpans) if (!dropped.has(s.id) && prev.has(s.id)) return null;
  }
  const long: SpanRange[] = [];
  for (const s of prev.long) {
    if (s.to <= start) long.push(s);
    else if (s.from >= oldEnd) long.push(delta === 0 ? s : shifted(s, delta));
  }
  long.push(...region.long);
  long.sort(compareSpans);
  const broken: BrokenFragment[] = [];
  for (const f of prev.broken) {
    if (f.to <= start) broken.push(f);
    else if (f.from >= oldEnd) broken.push({ from: f.from + delta, to: f.to + delta, mark: f.mark });
  }
  broken.push(...region.broken);
  return new DocSpans(prev.seq.derive(lo, hi, regionSpans, delta), broken, long);
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
  const spans = new DocSpans(SpanSeq.of(list), [], null, doc);
  docCache.set(doc, spans);
  // The first change after opening derives its spans from these.
  lastRead = { doc, spans };
}

/** The spans of the document as a sequence (spanSeq.ts), not made into one array. */
export function spanSeqOf(doc: Node): SpanSeq {
  return docSpans(doc).seq;
}

/** Every span of the document, sorted by start, end, id (cached per document). */
export function spanRanges(doc: Node): readonly SpanRange[] {
  return docSpans(doc).list;
}

/**
 * The spans of `doc` with from <= end and to >= start, in text order, found without a walk over
 * every span: a span in one paragraph that reaches `start` starts in `start`'s paragraph, and the
 * few spans over several paragraphs are kept apart.
 */
export function spansTouching(doc: Node, start: number, end: number): SpanRange[] {
  const spans = docSpans(doc);
  const seq = spans.seq;
  const index = positionIndex(doc);
  const out: SpanRange[] = [];
  const seen = new Set<string>();
  for (const s of spans.long) {
    if (s.from > end) break;
    if (s.to >= start) {
      out.push(spans.get(s.id)!);
      seen.add(s.id);
    }
  }
  for (let i = seq.firstFrom(index.paragraphStart(index.paragraphIndexAt(start))); i < seq.length && seq.fromAt(i) <= end; i++) {
    const s = seq.at(i);
    if (s.to >= start && !seen.has(s.id)) out.push(s);
  }
  return out.sort(compareSpans);
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
export function collectSpansAfresh(doc: Node): { list: readonly SpanRange[]; broken: readonly BrokenFragment[]; long: readonly SpanRange[] } {
  const fresh = collect(doc);
  return { list: fresh.list, broken: fresh.broken, long: fresh.long };
}
