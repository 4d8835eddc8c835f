/**
 * Every rule about text units, in one place (after CodeMirror's `@codemirror/state` char.ts): code
 * points, UTF-16 units, UTF-8 bytes and grapheme clusters, and the conversions between them.
 * Loupe stores offsets as Unicode code points; exports may ask for UTF-16 code units (JavaScript,
 * Java, .NET) or UTF-8 bytes (Rust, Go, byte-level tools); a span edge moves by grapheme cluster
 * (what a reader sees as one character: 👍🏽, 🇨🇳, 👨‍👩‍👧, e + U+0301), so it never splits one.
 * A lone surrogate counts as one code point and one UTF-16 unit, and as the 3 bytes of U+FFFD, which
 * is what a UTF-8 writer emits for it. Uses only ECMAScript (Intl.Segmenter), no DOM and no Node.
 */
import type { OffsetUnit } from './types';

/** Whether UTF-16 unit `c` is the first half of a surrogate pair. */
export const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/** Whether UTF-16 unit `c` is the second half of a surrogate pair. */
export const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/** Whether a surrogate pair starts at UTF-16 index `i`. */
export function surrogatePairAt(text: string, i: number): boolean {
  return isHighSurrogate(text.charCodeAt(i)) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1));
}

/** Whether `text` holds half of a character: a surrogate not in a pair (UTF-8 cannot carry one; it becomes U+FFFD). */
export const hasLoneSurrogate = (text: string): boolean => /\p{Cs}/u.test(text);

/** UTF-8 length of the code point starting at UTF-16 index `i` (a lone surrogate becomes U+FFFD). */
function utf8Width(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  return surrogatePairAt(text, i) ? 4 : 3;
}

/** Number of Unicode code points in `text` (what `Array.from(text).length` gives, without the array). */
export function codePointLength(text: string): number {
  if (!ANY_SURROGATE.test(text)) return text.length;
  let n = 0;
  for (let i = 0; i < text.length; i++, n++) if (surrogatePairAt(text, i)) i++;
  return n;
}

/** Number of code points in the first `units` UTF-16 units of `text` (a pair cut at `units` counts once). */
export function codePointsBefore(text: string, units: number): number {
  return codePointLength(units >= text.length ? text : text.slice(0, units));
}

/** The UTF-16 offset of code-point offset `cp` in `text` (the text's length when `cp` is past its end). */
export function utf16Offset(text: string, cp: number): number {
  let units = 0;
  for (let n = 0; n < cp && units < text.length; n++) units += surrogatePairAt(text, units) ? 2 : 1;
  return units;
}

/** Number of UTF-8 bytes of `text` (what `new TextEncoder().encode(text).length` gives, without the bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const width = utf8Width(text, i);
    bytes += width;
    if (width === 4) i++;
  }
  return bytes;
}

/** The first `n` code points of `text` (all of it when it is shorter). */
export function codePointPrefix(text: string, n: number): string {
  return text.slice(0, utf16Offset(text, n));
}

/** The first code point of `text` as a string ('' for an empty text). */
export function firstCodePoint(text: string): string {
  return text.slice(0, surrogatePairAt(text, 0) ? 2 : 1);
}

/** The last code point of `text` as a string ('' for an empty text). */
export function lastCodePoint(text: string): string {
  const n = text.length;
  return n > 1 && surrogatePairAt(text, n - 2) ? text.slice(-2) : text.slice(-1);
}

/**
 * Code-point order of two strings, which is SQLite's BINARY order of their UTF-8. JavaScript's `<`
 * compares UTF-16 units and differs only in putting astral characters (surrogates) before
 * U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

// Grapheme clusters: one segmenter for the whole app (building one loads ICU's break rules).
let segmenter: Intl.Segmenter | null = null;
const graphemeSegmenter = (): Intl.Segmenter => (segmenter ??= new Intl.Segmenter('und', { granularity: 'grapheme' }));

/** The grapheme clusters of `text`, each with its UTF-16 index (Intl.Segmenter's extended clusters). */
export function graphemeClusters(text: string): Intl.Segments {
  return graphemeSegmenter().segment(text);
}

/** Whether `text` is exactly one grapheme cluster (𠮷, 👍🏽 and e + U+0301 count as one). */
export function isOneGrapheme(text: string): boolean {
  const it = graphemeClusters(text)[Symbol.iterator]();
  return !it.next().done && it.next().done === true;
}

/**
 * The grapheme-cluster boundaries of one text, segmented once: for a caller that asks about many
 * places of the same text (each question is then cheap, not a fresh pass over the text).
 */
export class ClusterBreaks {
  private readonly segments: Intl.Segments;

  constructor(private readonly text: string) {
    this.segments = graphemeClusters(text);
  }

  /** Whether UTF-16 offset `pos` is a cluster boundary (0 and the text's length are). */
  isBoundary(pos: number): boolean {
    if (pos <= 0 || pos >= this.text.length) return pos === 0 || pos === this.text.length;
    return this.segments.containing(pos)!.index === pos;
  }

  /**
   * The next cluster boundary after (`forward`) or before UTF-16 offset `pos`; from inside a cluster,
   * that cluster's end or start. The text's ends stay where they are.
   */
  next(pos: number, forward: boolean): number {
    if (forward) {
      if (pos >= this.text.length) return this.text.length;
      const cluster = this.segments.containing(Math.max(0, pos))!;
      return cluster.index + cluster.segment.length;
    }
    if (pos <= 0) return 0;
    return this.segments.containing(Math.min(pos, this.text.length) - 1)!.index;
  }
}

/** The grapheme-cluster boundary after (`forward`) or before UTF-16 offset `pos` (CodeMirror's name). */
export function findClusterBreak(text: string, pos: number, forward: boolean): number {
  return new ClusterBreaks(text).next(pos, forward);
}

/**
 * `text` cut to at most `max` UTF-16 units at a grapheme-cluster boundary, with … when cut: for titles
 * and messages that quote a piece of text. Never splits a surrogate pair, 👍🏽 or e + U+0301.
 */
export function shortened(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, findClusterBreak(text, max + 1, false))}…`;
}

/** Number of entries of a sorted array that are strictly below `value` (a binary search). */
export function countBelow(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkOffset(offset: number, max: number, unit: string): void {
  if (!Number.isInteger(offset) || offset < 0 || offset > max) {
    throw new RangeError(`${unit} offset ${offset} is outside the text (0..${max})`);
  }
}

/**
 * Converts offsets of one text between code points and UTF-16 / UTF-8 offsets.
 * Built in O(n); each query is O(log n). UTF-16 uses a sparse list of astral characters (rare in
 * news text); UTF-8 uses a dense prefix table, built on first use, since nearly every Chinese
 * character is multi-byte.
 */
export class OffsetIndex {
  /** Length of the text in code points. */
  readonly length: number;
  /** Code-point index of each astral (surrogate-pair) character, ascending. */
  private readonly astralCp: Uint32Array;
  /** UTF-16 index of each astral character, ascending (astralCp[k] + k). */
  private readonly astralUtf16: Uint32Array;
  /** UTF-8 offset of every code-point boundary (length + 1 entries); built lazily. */
  private utf8Prefix: Uint32Array | null = null;

  constructor(private readonly text: string) {
    const astral: number[] = [];
    let cp = 0;
    // Most texts have no astral character: one regex scan instead of a loop over every unit.
    if (ANY_SURROGATE.test(text)) {
      for (let i = 0; i < text.length; i++, cp++) {
        if (surrogatePairAt(text, i)) {
          astral.push(cp);
          i++;
        }
      }
    } else cp = text.length;
    this.length = cp;
    this.astralCp = Uint32Array.from(astral);
    this.astralUtf16 = Uint32Array.from(astral, (c, k) => c + k);
  }

  /** Length of the text in the given unit. */
  lengthIn(unit: OffsetUnit): number {
    return this.fromCodePoint(this.length, unit);
  }

  /** The offset in `unit` of code-point offset `cp`; throws RangeError when `cp` is outside the text. */
  fromCodePoint(cp: number, unit: OffsetUnit): number {
    checkOffset(cp, this.length, 'code-point');
    switch (unit) {
      case 'codepoint':
        return cp;
      case 'utf16':
        return cp + countBelow(this.astralCp, cp);
      case 'utf8':
        return this.utf8Table()[cp]!;
    }
  }

  /**
   * The code-point offset of `offset` counted in `unit`; throws RangeError when it is outside the text
   * or falls inside a character (between the halves of a surrogate pair, inside a UTF-8 sequence).
   */
  toCodePoint(offset: number, unit: OffsetUnit): number {
    switch (unit) {
      case 'codepoint':
        checkOffset(offset, this.length, 'code-point');
        return offset;
      case 'utf16': {
        checkOffset(offset, this.text.length, 'UTF-16');
        const before = countBelow(this.astralUtf16, offset);
        if (before > 0 && this.astralUtf16[before - 1] === offset - 1) {
          throw new RangeError(`UTF-16 offset ${offset} falls inside a surrogate pair`);
        }
        return offset - before;
      }
      case 'utf8': {
        const table = this.utf8Table();
        checkOffset(offset, table[this.length]!, 'UTF-8');
        const cp = countBelow(table, offset);
        if (table[cp] !== offset) throw new RangeError(`UTF-8 offset ${offset} falls inside a multi-byte character`);
        return cp;
      }
    }
  }

  /**
   * The code-point offset of UTF-16 offset `units`, rounded down when it falls inside a surrogate pair
   * (never throws: for a place a caret or a click gives, which is already inside the text).
   */
  floorCodePoint(units: number): number {
    const clamped = Math.max(0, Math.min(units, this.text.length));
    return clamped - countBelow(this.astralUtf16, clamped);
  }

  /** The text between two code-point offsets; throws RangeError unless 0 <= start <= end <= length. */
  slice(start: number, end: number): string {
    if (end < start) throw new RangeError(`slice end ${end} is before its start ${start}`);
    return this.text.slice(this.fromCodePoint(start, 'utf16'), this.fromCodePoint(end, 'utf16'));
  }

  private utf8Table(): Uint32Array {
    if (this.utf8Prefix) return this.utf8Prefix;
    const table = new Uint32Array(this.length + 1);
    let bytes = 0;
    let cp = 0;
    for (let i = 0; i < this.text.length; i++) {
      table[cp++] = bytes;
      const width = utf8Width(this.text, i);
      bytes += width;
      if (width === 4) i++;
    }
    table[cp] = bytes;
    this.utf8Prefix = table;
    return table;
  }
}

/** The text between two code-point offsets; throws RangeError unless 0 <= start <= end <= length. */
export function sliceCodePoints(text: string, start: number, end: number): string {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid code-point range ${start}..${end}`);
  }
  let i = 0;
  let cp = 0;
  let from = -1;
  for (;;) {
    if (cp === start) from = i;
    if (cp === end) return text.slice(from, i);
    if (i >= text.length) break;
    i += surrogatePairAt(text, i) ? 2 : 1;
    cp++;
  }
  throw new RangeError(`code-point range ${start}..${end} is outside the text (0..${cp})`);
}
