import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ClusterBreaks,
  codePointLength,
  codePointPrefix,
  codePointsBefore,
  compareCodePoints,
  findClusterBreak,
  firstCodePoint,
  hasLoneSurrogate,
  isOneGrapheme,
  lastCodePoint,
  OffsetIndex,
  shortened,
  sliceCodePoints,
  utf16Offset,
  utf8Length,
} from '../../src/shared/offsets';
import { CORPUS_FIXTURES } from '../fixturePaths';

const corpusDir = CORPUS_FIXTURES;

/** The tricky sample as the importer hands it to the store: no BOM, LF line ends. */
function trickyText(): string {
  return fs.readFileSync(path.join(corpusDir, 'tricky-offsets.txt'), 'utf8').replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
}

/** Code-point offset of the n-th occurrence of `needle`, computed without the module under test. */
function cpOf(text: string, needle: string, occurrence = 0): number {
  let at = -1;
  for (let k = 0; k <= occurrence; k++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" #${occurrence} not in the text`);
  }
  return Array.from(text.slice(0, at)).length;
}

describe('OffsetIndex on the tricky sample', () => {
  const text = trickyText();
  const idx = new OffsetIndex(text);
  const bytes = Buffer.from(text, 'utf8');
  const points = Array.from(text);

  it('counts code points like Array.from', () => {
    expect(text.startsWith('吉野家')).toBe(true);
    expect(text.includes('\r')).toBe(false);
    expect(codePointLength(text)).toBe(points.length);
    expect(idx.length).toBe(points.length);
    expect(idx.lengthIn('utf16')).toBe(text.length);
    expect(idx.lengthIn('utf8')).toBe(bytes.length);
  });

  it('round-trips every code-point boundary through utf16 and utf8', () => {
    let utf16 = 0;
    let utf8 = 0;
    for (let cp = 0; cp <= points.length; cp++) {
      expect(idx.fromCodePoint(cp, 'utf16')).toBe(utf16);
      expect(idx.fromCodePoint(cp, 'utf8')).toBe(utf8);
      expect(idx.fromCodePoint(cp, 'codepoint')).toBe(cp);
      expect(idx.toCodePoint(utf16, 'utf16')).toBe(cp);
      expect(idx.toCodePoint(utf8, 'utf8')).toBe(cp);
      const ch = points[cp];
      if (ch !== undefined) {
        utf16 += ch.length;
        utf8 += Buffer.byteLength(ch, 'utf8');
      }
    }
  });

  it('puts 𠮷 at the known offsets: 2 UTF-16 units, 4 UTF-8 bytes', () => {
    // 吉野家的“ = 5 code points, 5 UTF-16 units, 4×3 + 3 = 15 bytes.
    expect(idx.fromCodePoint(5, 'utf16')).toBe(5);
    expect(idx.fromCodePoint(5, 'utf8')).toBe(15);
    expect(idx.fromCodePoint(6, 'utf16')).toBe(7);
    expect(idx.fromCodePoint(6, 'utf8')).toBe(19);
    expect(idx.slice(5, 6)).toBe('𠮷');
    expect(bytes.subarray(15, 19).toString('utf8')).toBe('𠮷');
    // The second 𠮷 comes after one astral character: UTF-16 is one ahead of code points.
    const second = cpOf(text, '𠮷', 1);
    expect(second).toBe(14);
    expect(idx.fromCodePoint(second, 'utf16')).toBe(text.indexOf('𠮷', 7));
    expect(idx.fromCodePoint(second + 1, 'utf16') - idx.fromCodePoint(second, 'utf16')).toBe(2);
    expect(idx.fromCodePoint(second + 1, 'utf8') - idx.fromCodePoint(second, 'utf8')).toBe(4);
  });

  it('measures the ZWJ family, the flag and the combining accent', () => {
    const family = '👨\u200d👩\u200d👧';
    const at = cpOf(text, family);
    expect(sliceCodePoints(text, at, at + 5)).toBe(family);
    expect(idx.slice(at, at + 5)).toBe(family);
    expect(idx.fromCodePoint(at + 5, 'utf16') - idx.fromCodePoint(at, 'utf16')).toBe(8);
    expect(idx.fromCodePoint(at + 5, 'utf8') - idx.fromCodePoint(at, 'utf8')).toBe(18);
    expect(idx.fromCodePoint(at, 'utf16')).toBe(text.indexOf(family));
    expect(idx.fromCodePoint(at, 'utf8')).toBe(bytes.indexOf(Buffer.from(family)));

    const flag = cpOf(text, '🇨🇳');
    expect(idx.slice(flag, flag + 2)).toBe('🇨🇳');
    expect(idx.fromCodePoint(flag + 2, 'utf8') - idx.fromCodePoint(flag, 'utf8')).toBe(8);

    const cafe = cpOf(text, 'Cafe\u0301');
    expect(idx.slice(cafe, cafe + 5)).toBe('Cafe\u0301');
    expect(idx.fromCodePoint(cafe + 5, 'utf16') - idx.fromCodePoint(cafe, 'utf16')).toBe(5);
    expect(idx.fromCodePoint(cafe + 5, 'utf8') - idx.fromCodePoint(cafe, 'utf8')).toBe(6);
  });

  it('refuses offsets inside a surrogate pair or a UTF-8 sequence, and exactly those', () => {
    expect(() => idx.toCodePoint(6, 'utf16')).toThrow(RangeError);
    for (const b of [16, 17, 18]) expect(() => idx.toCodePoint(b, 'utf8')).toThrow(RangeError);
    for (let u = 0; u <= text.length; u++) {
      const inside = u > 0 && u < text.length && /[\uD800-\uDBFF]/.test(text[u - 1]!) && /[\uDC00-\uDFFF]/.test(text[u]!);
      if (inside) expect(() => idx.toCodePoint(u, 'utf16'), `utf16 ${u}`).toThrow(/surrogate pair/);
      else expect(idx.toCodePoint(u, 'utf16')).toBe(Array.from(text.slice(0, u)).length);
    }
    for (let b = 0; b <= bytes.length; b++) {
      const inside = b < bytes.length && (bytes[b]! & 0xc0) === 0x80;
      if (inside) expect(() => idx.toCodePoint(b, 'utf8'), `utf8 ${b}`).toThrow(/multi-byte/);
      else expect(idx.toCodePoint(b, 'utf8')).toBe(Array.from(bytes.subarray(0, b).toString('utf8')).length);
    }
  });

  it('refuses offsets outside the text', () => {
    for (const unit of ['codepoint', 'utf16', 'utf8'] as const) {
      expect(() => idx.fromCodePoint(-1, unit)).toThrow(RangeError);
      expect(() => idx.fromCodePoint(points.length + 1, unit)).toThrow(RangeError);
      expect(() => idx.fromCodePoint(1.5, unit)).toThrow(RangeError);
      expect(() => idx.toCodePoint(-1, unit)).toThrow(RangeError);
      expect(() => idx.toCodePoint(idx.lengthIn(unit) + 1, unit)).toThrow(RangeError);
    }
    expect(() => sliceCodePoints(text, 0, points.length + 1)).toThrow(RangeError);
    expect(() => sliceCodePoints(text, 3, 2)).toThrow(RangeError);
    expect(() => idx.slice(3, 2)).toThrow(RangeError);
  });
});

describe('lone surrogates', () => {
  it('count as one code point, one UTF-16 unit and the 3 bytes of U+FFFD a UTF-8 writer emits', () => {
    const text = 'a\uD800b\uDC00𠮷';
    const idx = new OffsetIndex(text);
    expect(codePointLength(text)).toBe(Array.from(text).length);
    expect(idx.length).toBe(5);
    expect(idx.lengthIn('utf16')).toBe(text.length);
    expect(idx.lengthIn('utf8')).toBe(Buffer.byteLength(text, 'utf8'));
    expect(idx.toCodePoint(2, 'utf16')).toBe(2);
    expect(sliceCodePoints(text, 1, 4)).toBe('\uD800b\uDC00');
  });
});

/** Strings rich in astral, combining and multi-byte characters, always well-formed. */
const richText = fc
  .array(
    fc.oneof(
      fc.constantFrom('𠮷', '👍🏽', '👨\u200d👩\u200d👧', 'e\u0301', '中', '\n', 'a', 'é', '🇨🇳'),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** A text with two code-point offsets a <= b in it. */
const textAndRange = richText.chain((text) => {
  const n = Array.from(text).length;
  return fc
    .tuple(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: n }))
    .map(([x, y]) => ({ text, a: Math.min(x, y), b: Math.max(x, y) }));
});

describe('OffsetIndex properties', () => {
  it('round-trips random code-point offsets through every unit', () => {
    fc.assert(
      fc.property(textAndRange, ({ text, a, b }) => {
        const idx = new OffsetIndex(text);
        expect(idx.length).toBe(codePointLength(text));
        for (const unit of ['codepoint', 'utf16', 'utf8'] as const) {
          expect(idx.toCodePoint(idx.fromCodePoint(a, unit), unit)).toBe(a);
          expect(idx.toCodePoint(idx.fromCodePoint(b, unit), unit)).toBe(b);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('slices in utf16 and utf8 agree with code-point slicing', () => {
    fc.assert(
      fc.property(textAndRange, ({ text, a, b }) => {
        const idx = new OffsetIndex(text);
        const expected = Array.from(text).slice(a, b).join('');
        expect(sliceCodePoints(text, a, b)).toBe(expected);
        expect(idx.slice(a, b)).toBe(expected);
        expect(text.slice(idx.fromCodePoint(a, 'utf16'), idx.fromCodePoint(b, 'utf16'))).toBe(expected);
        const bytes = Buffer.from(text, 'utf8');
        expect(bytes.subarray(idx.fromCodePoint(a, 'utf8'), idx.fromCodePoint(b, 'utf8')).toString('utf8')).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('OffsetIndex at scale', () => {
  it('answers 20,000 span lookups on a 1,000,000-character text quickly', () => {
    const unit = '中文𠮷abc👍🏽\n';
    const text = unit.repeat(Math.ceil(1_000_000 / Array.from(unit).length));
    const started = performance.now();
    const idx = new OffsetIndex(text);
    let sum = 0;
    for (let k = 0; k < 20_000; k++) {
      const cp = Math.floor((k * 49.99) % idx.length);
      sum += idx.fromCodePoint(cp, 'utf16') + idx.fromCodePoint(cp, 'utf8');
      sum += idx.toCodePoint(idx.fromCodePoint(cp, 'utf8'), 'utf8');
    }
    const elapsed = performance.now() - started;
    expect(sum).toBeGreaterThan(0);
    expect(idx.fromCodePoint(idx.length, 'utf8')).toBe(Buffer.byteLength(text));
    // An O(n)-per-query implementation needs minutes here; the indexed one needs well under a second.
    expect(elapsed).toBeLessThan(3000);
  });
});

/** Any string, lone surrogates included (what a broken file or a fuzzer can hand over). */
const anyText = fc.oneof(richText, fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((c) => String.fromCharCode(c)), maxLength: 12 }));

describe('the text-unit helpers agree with the platform', () => {
  it('count code points, UTF-8 bytes and prefixes as Array.from and TextEncoder do', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(anyText, fc.nat(40), (text, n) => {
        const points = Array.from(text);
        expect(codePointLength(text)).toBe(points.length);
        expect(utf8Length(text)).toBe(encoder.encode(text).length);
        expect(codePointPrefix(text, n)).toBe(points.slice(0, n).join(''));
        expect(utf16Offset(text, n)).toBe(points.slice(0, n).join('').length);
        const units = Math.min(n, text.length);
        expect(codePointsBefore(text, units)).toBe(Array.from(text.slice(0, units)).length);
        expect(firstCodePoint(text)).toBe(points[0] ?? '');
        expect(lastCodePoint(text)).toBe(points[points.length - 1] ?? '');
        expect(hasLoneSurrogate(text)).toBe(Buffer.from(text, 'utf8').toString('utf8') !== text); // UTF-8 cannot carry it
      }),
      { numRuns: 500 },
    );
  });

  it('order strings by code point, as SQLite orders their UTF-8', () => {
    const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    fc.assert(
      fc.property(richText, richText, (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(byCodePoint(a, b));
      }),
      { numRuns: 500 },
    );
    // JavaScript's < puts 𠮷 (U+20BB7) before U+FF01; code-point order puts it after.
    expect('𠮷' < '\uff01').toBe(true);
    expect(compareCodePoints('𠮷', '\uff01')).toBeGreaterThan(0);
  });

  it('floorCodePoint rounds a UTF-16 offset inside a pair down to the pair’s start', () => {
    const idx = new OffsetIndex('a𠮷b');
    expect([0, 1, 2, 3, 4].map((u) => idx.floorCodePoint(u))).toEqual([0, 1, 1, 2, 3]);
    expect(new OffsetIndex('plain').floorCodePoint(3)).toBe(3);
  });
});

describe('grapheme clusters', () => {
  const clusters = ['👍🏽', '🇨🇳', '👨\u200d👩\u200d👧', 'e\u0301', '𠮷', '中', '#\ufe0f\u20e3', 'a'];

  it('a cluster is one grapheme; two side by side are not', () => {
    for (const c of clusters) expect(isOneGrapheme(c), c).toBe(true);
    expect(isOneGrapheme('')).toBe(false);
    expect(isOneGrapheme('ab')).toBe(false);
    expect(isOneGrapheme('👍🏽👍🏽')).toBe(false);
  });

  it('findClusterBreak steps over whole clusters, and from inside one to its edge', () => {
    const text = clusters.join('');
    const starts: number[] = [];
    for (let at = 0; at < text.length; at = findClusterBreak(text, at, true)) starts.push(at);
    expect(starts.map((a, i) => text.slice(a, starts[i + 1] ?? text.length))).toEqual(clusters);
    const back: number[] = [];
    for (let at = text.length; at > 0; at = findClusterBreak(text, at, false)) back.push(at);
    expect(back.reverse()).toEqual([...starts.slice(1), text.length]);
    // From inside 👍🏽 (after 👍, U+1F44D, 2 units): forward to its end, back to its start.
    expect(findClusterBreak(text, 2, true)).toBe(4);
    expect(findClusterBreak(text, 2, false)).toBe(0);
    expect(findClusterBreak(text, 0, false)).toBe(0);
    expect(findClusterBreak(text, text.length, true)).toBe(text.length);
  });

  it('ClusterBreaks.isBoundary says exactly where Intl.Segmenter puts a break', () => {
    fc.assert(
      fc.property(richText, (text) => {
        const expected = new Set([text.length]);
        for (const { index } of new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(text)) expected.add(index);
        const breaks = new ClusterBreaks(text);
        for (let u = 0; u <= text.length; u++) expect(breaks.isBoundary(u), `${JSON.stringify(text)} at ${u}`).toBe(expected.has(u));
      }),
      { numRuns: 300 },
    );
  });
});

describe('shortened', () => {
  it('cuts at a grapheme boundary, never inside a surrogate pair or a cluster, and marks the cut', () => {
    expect(shortened('abc', 3)).toBe('abc');
    expect(shortened('abcd', 3)).toBe('abc…');
    // 𠮷 is two UTF-16 units: cutting at 3 would split it
    expect(shortened('ab𠮷cd', 3)).toBe('ab…');
    expect(shortened('ab𠮷cd', 4)).toBe('ab𠮷…');
    // 👍🏽 is four units, one grapheme
    expect(shortened('x👍🏽y', 3)).toBe('x…');
    expect(shortened('e\u0301e\u0301', 3)).toBe('e\u0301…');
    for (let max = 0; max < 12; max++) expect(hasLoneSurrogate(shortened('𠮷👍🏽🇨🇳𠮷', max))).toBe(false);
  });
});
