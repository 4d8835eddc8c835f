import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codePointLength, OffsetIndex, sliceCodePoints } from '../../src/shared/offsets';
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
