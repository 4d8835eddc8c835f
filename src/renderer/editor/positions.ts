/**
 * The one place that converts between ProseMirror positions and Unicode code points (the text-unit
 * maths itself is shared/offsets). Loupe stores offsets as code points into the text (paragraphs joined by "\n"); ProseMirror counts
 * UTF-16 units plus one token for each paragraph's open and close. So the "\n" between two
 * paragraphs is two positions (close + open), and an astral character is two positions.
 */
import type { Node } from 'prosemirror-model';
import { OffsetIndex } from '../../shared/offsets';

interface ParagraphText {
  text: string;
  /** UTF-16 length, which is also the paragraph's content size. */
  size: number;
  /** Code points <-> UTF-16 units within the paragraph. */
  offsets: OffsetIndex;
}

// Paragraph nodes are shared between successive documents, so an edit rescans only what changed.
const paragraphCache = new WeakMap<Node, ParagraphText>();

function paragraphText(paragraph: Node): ParagraphText {
  let info = paragraphCache.get(paragraph);
  if (!info) {
    const text = paragraph.textContent;
    info = { text, size: text.length, offsets: new OffsetIndex(text) };
    paragraphCache.set(paragraph, info);
  }
  return info;
}

/** A paragraph's text, cached per node (autosave reads the whole document; only edited paragraphs are new nodes). */
export const textOfParagraph = (paragraph: Node): string => paragraphText(paragraph).text;

/** Last index i with values[i] <= x (0 when x is below every value). */
function lastAtOrBelow(values: Int32Array | Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (values[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Converts positions of one document to code points and back. Build it with `positionIndex(doc)`. */
export class PositionIndex {
  /** Position where each paragraph's content starts. */
  private readonly posStarts: Float64Array;
  /** Code-point offset where each paragraph starts in the text. */
  private readonly cpStarts: Float64Array;
  private readonly paragraphs: ParagraphText[];
  /** The text's length in code points. */
  readonly length: number;

  constructor(readonly doc: Node) {
    const n = doc.childCount;
    this.posStarts = new Float64Array(n);
    this.cpStarts = new Float64Array(n);
    this.paragraphs = new Array<ParagraphText>(n);
    let pos = 0;
    let cp = 0;
    for (let i = 0; i < n; i++) {
      const para = doc.child(i);
      const info = paragraphText(para);
      this.paragraphs[i] = info;
      this.posStarts[i] = pos + 1;
      this.cpStarts[i] = cp;
      pos += para.nodeSize;
      cp += info.offsets.length + 1;
    }
    this.length = n ? cp - 1 : 0;
  }

  /** The index of the paragraph holding (or, between paragraphs, ending before) `pos`. */
  paragraphIndexAt(pos: number): number {
    return lastAtOrBelow(this.posStarts, pos);
  }

  /** The position where paragraph `i`'s content starts. */
  paragraphStart(i: number): number {
    return this.posStarts[i]!;
  }

  /** Code-point offset of a position. A position between paragraphs maps to the "\n" before it. */
  posToCp(pos: number): number {
    if (this.paragraphs.length === 0 || pos <= 0) return 0;
    const i = lastAtOrBelow(this.posStarts, pos);
    const para = this.paragraphs[i]!;
    const start = this.posStarts[i]!;
    const cpStart = this.cpStarts[i]!;
    if (pos < start) return cpStart;
    if (pos >= start + para.size) return cpStart + para.offsets.length;
    // Inside a surrogate pair (a caret never rests there) rounds down.
    return cpStart + para.offsets.floorCodePoint(pos - start);
  }

  /** Position of a code-point offset. Right after a "\n" is the start of the next paragraph's content. */
  cpToPos(cp: number): number {
    if (this.paragraphs.length === 0) return 0;
    const clamped = Math.max(0, Math.min(cp, this.length));
    const i = lastAtOrBelow(this.cpStarts, clamped);
    const para = this.paragraphs[i]!;
    return this.posStarts[i]! + para.offsets.fromCodePoint(clamped - this.cpStarts[i]!, 'utf16');
  }
}

const indexCache = new WeakMap<Node, PositionIndex>();

/** The (cached) offset index of a document. */
export function positionIndex(doc: Node): PositionIndex {
  let index = indexCache.get(doc);
  if (!index) {
    index = new PositionIndex(doc);
    indexCache.set(doc, index);
  }
  return index;
}

/** The position of a code-point offset into the document's text. */
export function cpToPos(doc: Node, cp: number): number {
  return positionIndex(doc).cpToPos(cp);
}

/** The code-point offset into the document's text of a position. */
export function posToCp(doc: Node, pos: number): number {
  return positionIndex(doc).posToCp(pos);
}

/** The paragraphs [first, endBefore) of `before` that became [first, endAfter) of `after`; null when none changed. */
export interface ChangedParagraphs {
  first: number;
  endBefore: number;
  endAfter: number;
}

/** The run of paragraphs that differ between two documents, the rest being the very same nodes. */
export function changedParagraphs(before: Node, after: Node): ChangedParagraphs | null {
  const a = before.content;
  const b = after.content;
  if (a === b) return null;
  let first = 0;
  const common = Math.min(a.childCount, b.childCount);
  while (first < common && a.child(first) === b.child(first)) first++;
  let endBefore = a.childCount;
  let endAfter = b.childCount;
  while (endBefore > first && endAfter > first && a.child(endBefore - 1) === b.child(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return first === endBefore && first === endAfter ? null : { first, endBefore, endAfter };
}
