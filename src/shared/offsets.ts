/**
 * Offset maths. Loupe stores offsets as Unicode code points; exports may ask for UTF-16 code units
 * (JavaScript, Java, .NET) or UTF-8 bytes (Rust, Go, byte-level tools). A lone surrogate counts as one
 * code point and one UTF-16 unit, and as the 3 bytes of U+FFFD, which is what a UTF-8 writer emits for it.
 */
import type { OffsetUnit } from './types';

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** Whether a surrogate pair starts at UTF-16 index `i`. */
function pairAt(text: string, i: number): boolean {
  return isHighSurrogate(text.charCodeAt(i)) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1));
}

/** UTF-8 length of the code point starting at UTF-16 index `i` (a lone surrogate becomes U+FFFD). */
function utf8Width(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  return pairAt(text, i) ? 4 : 3;
}

/** Number of Unicode code points in `text` (what `Array.from(text).length` gives, without the array). */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++, n++) if (pairAt(text, i)) i++;
  return n;
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
    for (let i = 0; i < text.length; i++, cp++) {
      if (pairAt(text, i)) {
        astral.push(cp);
        i++;
      }
    }
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
    i += pairAt(text, i) ? 2 : 1;
    cp++;
  }
  throw new RangeError(`code-point range ${start}..${end} is outside the text (0..${cp})`);
}
