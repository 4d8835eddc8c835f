/**
 * Reads spans out of a document. A span is every piece of text carrying a span mark with its id;
 * it starts at the lowest such position and ends at the highest, even across paragraphs.
 */
import type { Mark, Node } from 'prosemirror-model';
import { spanAttrs, spanType } from './schema';

/** A span as the editor sees it: ProseMirror positions, `from` < `to`. */
export interface SpanRange {
  id: string;
  label: string;
  from: number;
  to: number;
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
  const open = new Map<string, SpanPiece>();
  let offset = 0;
  for (let i = 0; i < paragraph.childCount; i++) {
    const child = paragraph.child(i);
    const end = offset + child.nodeSize;
    for (const mark of child.marks) {
      if (mark.type !== spanType) continue;
      const id = spanAttrs(mark).id;
      const last = open.get(id);
      if (last && last.to === offset && last.mark.eq(mark)) {
        last.to = end;
      } else {
        const piece = { from: offset, to: end, mark };
        found.push(piece);
        open.set(id, piece);
      }
    }
    offset = end;
  }
  pieces = found;
  pieceCache.set(paragraph, pieces);
  return pieces;
}

interface DocSpans {
  list: readonly SpanRange[];
  byId: ReadonlyMap<string, SpanRange>;
  /** Spans whose marked text has a gap (text inside their range that does not carry the mark). */
  broken: readonly SpanRange[];
}

const docCache = new WeakMap<Node, DocSpans>();

/** Orders spans by start, then end, then id. */
export function compareSpans(a: SpanRange, b: SpanRange): number {
  return a.from - b.from || a.to - b.to || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function collect(doc: Node): DocSpans {
  interface Acc {
    range: SpanRange;
    firstPara: number;
    lastPara: number;
    marked: number;
  }
  const acc = new Map<string, Acc>();
  let pos = 0;
  for (let p = 0; p < doc.childCount; p++) {
    const para = doc.child(p);
    const start = pos + 1;
    for (const piece of paragraphPieces(para)) {
      const { id, label } = spanAttrs(piece.mark);
      const from = start + piece.from;
      const to = start + piece.to;
      const a = acc.get(id);
      if (!a) {
        acc.set(id, { range: { id, label, from, to, mark: piece.mark }, firstPara: p, lastPara: p, marked: to - from });
      } else {
        // Ids are unique per span; a second label under one id would be a bug elsewhere, the first wins.
        a.range.to = to;
        a.lastPara = p;
        a.marked += to - from;
      }
    }
    pos += para.nodeSize;
  }
  const list: SpanRange[] = [];
  const broken: SpanRange[] = [];
  const byId = new Map<string, SpanRange>();
  for (const a of acc.values()) {
    list.push(a.range);
    byId.set(a.range.id, a.range);
    // Each paragraph boundary inside the range is two positions of no text.
    const textInRange = a.range.to - a.range.from - 2 * (a.lastPara - a.firstPara);
    if (a.marked < textInRange) broken.push(a.range);
  }
  list.sort(compareSpans);
  return { list, byId, broken };
}

function docSpans(doc: Node): DocSpans {
  let spans = docCache.get(doc);
  if (!spans) {
    spans = collect(doc);
    docCache.set(doc, spans);
  }
  return spans;
}

/** Every span of the document, sorted by start, end, id (cached per document). */
export function spanRanges(doc: Node): readonly SpanRange[] {
  return docSpans(doc).list;
}

/** The span with this id, or undefined. */
export function findSpan(doc: Node, id: string): SpanRange | undefined {
  return docSpans(doc).byId.get(id);
}

/** Spans whose text has a gap (e.g. text pasted into their middle). */
export function brokenSpans(doc: Node): readonly SpanRange[] {
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

/** The spans covering `pos` (from <= pos <= to), shortest first. */
export function spansAt(doc: Node, pos: number): SpanRange[] {
  return spanRanges(doc)
    .filter((s) => s.from <= pos && pos <= s.to)
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
