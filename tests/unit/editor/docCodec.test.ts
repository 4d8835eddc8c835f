import fs from 'node:fs';
import { readBasic } from './helpers';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SpanInput } from '../../../src/shared/types';
import { cpToPos, docFromText, posToCp } from '../../../src/renderer/editor/docCodec';
import { brokenFragments, collectSpansAfresh, spanRanges } from '../../../src/renderer/editor/spanMarks';
import { CORPUS_FIXTURES } from '../../fixturePaths';

const corpus = CORPUS_FIXTURES;

function readCorpus(name: string): string {
  return fs.readFileSync(path.join(corpus, name), 'utf8').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\n$/, '');
}

/** Code-point offset of the first occurrence of `needle` (after `from`, in code points). */
function cpIndexOf(text: string, needle: string, from = 0): number {
  const cps = [...text];
  const unit = text.indexOf(needle, cps.slice(0, from).join('').length);
  if (unit < 0) throw new Error(`not found: ${needle}`);
  return [...text.slice(0, unit)].length;
}

function spanOver(text: string, id: string, label: string, first: string, last = first): SpanInput {
  const start = cpIndexOf(text, first);
  const end = cpIndexOf(text, last, start) + [...last].length;
  return { id, label, start, end };
}

const sortSpans = (spans: SpanInput[]): SpanInput[] =>
  [...spans].sort((a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const cpSlice = (text: string, s: SpanInput): string => [...text].slice(s.start, s.end).join('');

describe('docFromText / readDocument', () => {
  const tricky = readCorpus('tricky-offsets.txt');

  it('round-trips astral characters, emoji sequences, and spans across paragraphs, overlapping and nested', () => {
    const spans: SpanInput[] = [
      spanOver(tricky, 'astral', 'slogan', '𠮷'),
      spanOver(tricky, 'thumb', 'quote', '👍🏽'),
      spanOver(tricky, 'family', 'official', '👨‍👩‍👧'),
      spanOver(tricky, 'flag', 'official', '🇨🇳'),
      // Crosses two paragraphs and the empty line between them.
      spanOver(tricky, 'cross', 'quote', '我们会坚持', '臺北報導'),
      // Overlaps 'cross' without nesting.
      spanOver(tricky, 'overlap', 'pledge', '品质', '市長表示'),
      // Same label nested twice inside 'cross'.
      spanOver(tricky, 'outer-q', 'quote', '我们会', '品质👍🏽'),
      spanOver(tricky, 'inner-q', 'quote', '坚持'),
      spanOver(tricky, 'last', 'quote', '最后一段没有换行符。'),
    ];
    const doc = docFromText(tricky, spans);
    expect(readBasic(doc)).toEqual({ text: tricky, spans: sortSpans(spans) });
    // The editor shows the same text under each span as the stored offsets say.
    const byId = new Map(spanRanges(doc).map((r) => [r.id, r]));
    for (const s of spans) expect(doc.textBetween(byId.get(s.id)!.from, byId.get(s.id)!.to, '\n')).toBe(cpSlice(tricky, s));
    expect(cpSlice(tricky, spans[2]!)).toBe('👨‍👩‍👧');
    expect(doc.childCount).toBe(tricky.split('\n').length);
  });

  it('round-trips a real article with a span on every quotation', () => {
    const text = readCorpus('jinzhong-two-sessions.txt');
    const spans: SpanInput[] = [];
    for (const m of text.matchAll(/“[^”]*”/g)) {
      const start = [...text.slice(0, m.index)].length;
      spans.push({ id: `q${spans.length}`, label: 'quote', start, end: start + [...m[0]].length });
    }
    expect(spans.length).toBeGreaterThan(3);
    expect(readBasic(docFromText(text, spans))).toEqual({ text, spans: sortSpans(spans) });
  });

  it('turns empty text into one empty paragraph', () => {
    const doc = docFromText('', []);
    expect(doc.childCount).toBe(1);
    expect(doc.child(0).content.size).toBe(0);
    expect(readBasic(doc)).toEqual({ text: '', spans: [] });
  });

  it('keeps empty paragraphs, also inside a span', () => {
    const text = '甲乙\n\n\n丙丁';
    const spans = [{ id: 's', label: 'quote', start: 1, end: 6 }];
    const doc = docFromText(text, spans);
    expect(doc.childCount).toBe(4);
    expect(readBasic(doc)).toEqual({ text, spans });
  });

  it('drops the newlines at a span edge, and a span with no text', () => {
    const text = '甲乙\n丙丁\n\n戊';
    const { spans } = readBasic(
      docFromText(text, [
        { id: 'edges', label: 'quote', start: 2, end: 6 },
        { id: 'newlines-only', label: 'quote', start: 5, end: 7 },
      ]),
    );
    expect(spans).toEqual([{ id: 'edges', label: 'quote', start: 3, end: 5 }]);
  });

  it('rejects offsets outside the text and duplicate ids', () => {
    expect(() => docFromText('ab', [{ id: 'x', label: 'q', start: 1, end: 3 }])).toThrow(RangeError);
    expect(() => docFromText('𠮷', [{ id: 'x', label: 'q', start: 0, end: 2 }])).toThrow(RangeError);
    expect(() => docFromText('ab', [{ id: 'x', label: 'q', start: 1, end: 1 }])).toThrow(RangeError);
    expect(() =>
      docFromText('ab', [
        { id: 'x', label: 'q', start: 0, end: 1 },
        { id: 'x', label: 'q', start: 1, end: 2 },
      ]),
    ).toThrow(/twice/);
  });

  it('round-trips random texts and spans', () => {
    const char = fc.constantFrom('a', '中', '文', '𠮷', '👍', '\u200d', '\n', ' ', 'é', '🇨');
    const input = fc
      .array(char, { maxLength: 60 })
      .map((cs) => cs.join(''))
      .chain((text) => {
        // A span is its marked text, so a stored span starts and ends on a character other than "\n".
        const chars = [...text].flatMap((c, i) => (c === '\n' ? [] : [i]));
        type Raw = { s: number; e: number; label: string };
        if (!chars.length) return fc.tuple(fc.constant(text), fc.constant<Raw[]>([]));
        const last = chars.length - 1;
        const span = fc
          .record({ a: fc.nat(last), b: fc.nat(last), label: fc.constantFrom('quote', 'pledge') })
          .map(({ a, b, label }): Raw => ({ s: chars[Math.min(a, b)]!, e: chars[Math.max(a, b)]! + 1, label }));
        return fc.tuple(fc.constant(text), fc.array(span, { maxLength: 8 }));
      });
    fc.assert(
      fc.property(input, ([text, raw]) => {
        const spans = raw.map((r, i) => ({ id: `s${i}`, label: r.label, start: r.s, end: r.e }));
        expect(readBasic(docFromText(text, spans))).toEqual({ text, spans: sortSpans(spans) });
      }),
      { numRuns: 300 },
    );
  });
});

describe('the spans of a document built from text', () => {
  /** A span as compared here: everything, the mark by its attributes. */
  const plain = (list: readonly { id: string; label: string; from: number; to: number; fragments: readonly { from: number; to: number }[]; mark: { attrs: object } }[]) =>
    list.map((s) => ({ id: s.id, label: s.label, from: s.from, to: s.to, fragments: s.fragments.map((f) => [f.from, f.to]), mark: s.mark.attrs }));

  it('are those read out of its marks: fragments overlapping, touching, across and at paragraph ends, of "\\n"s only', () => {
    const char = fc.constantFrom('a', '中', '𠮷', '\n', '\n', ' ');
    const input = fc
      .array(char, { minLength: 1, maxLength: 40 })
      .map((cs) => cs.join(''))
      .chain((text) => {
        const length = [...text].length;
        const range = fc.tuple(fc.nat(length), fc.nat(length)).filter(([a, b]) => a !== b).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]);
        const span = fc.record({ label: fc.constantFrom('quote', 'pledge'), frags: fc.array(range, { minLength: 1, maxLength: 3 }) });
        return fc.tuple(fc.constant(text), fc.array(span, { maxLength: 8 }));
      });
    fc.assert(
      fc.property(input, ([text, raw]) => {
        const spans: SpanInput[] = raw.map((r, i) => {
          const fragments = r.frags;
          return { id: `s${i}`, label: r.label, start: Math.min(...fragments.map((f) => f[0])), end: Math.max(...fragments.map((f) => f[1])), fragments };
        });
        const doc = docFromText(text, spans);
        const fresh = collectSpansAfresh(doc);
        expect(plain(spanRanges(doc))).toEqual(plain(fresh.list));
        expect(brokenFragments(doc).map((f) => [f.from, f.to])).toEqual(fresh.broken.map((f) => [f.from, f.to]));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('cpToPos / posToCp', () => {
  it('agree with the text at every code point', () => {
    const text = readCorpus('tricky-offsets.txt');
    const doc = docFromText(text, []);
    const cps = [...text];
    for (let cp = 0; cp <= cps.length; cp++) {
      const pos = cpToPos(doc, cp);
      expect(posToCp(doc, pos)).toBe(cp);
      // The text before the position is the text before the offset.
      expect(doc.textBetween(0, pos, '\n')).toBe(cps.slice(0, cp).join(''));
    }
  });

  it('maps the two tokens between paragraphs to the one "\\n"', () => {
    const doc = docFromText('𠮷a\nb', []);
    // <p>𠮷a</p><p>b</p>: content of the first paragraph is positions 1..4, the second starts at 6.
    expect(cpToPos(doc, 2)).toBe(4);
    expect(cpToPos(doc, 3)).toBe(6);
    expect(posToCp(doc, 5)).toBe(2);
    expect(posToCp(doc, 0)).toBe(0);
    expect(posToCp(doc, doc.content.size)).toBe(4);
    expect(cpToPos(doc, 99)).toBe(7);
  });
});
