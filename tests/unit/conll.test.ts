import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectingContext, type ExportSource, type Exporter } from '../../src/main/formats/export';
import { conllExporter, conllExporterFor } from '../../src/main/formats/export/conll';
import { conllImporter } from '../../src/main/formats/import/conll';
import { registerImporter } from '../../src/main/formats/import';
import { importBatch } from '../../src/main/services/importer';
import { ImportError } from '../../src/main/formats/import/types';
import { tokenizeSentences } from '../../src/main/formats/tokenize';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import { DEFAULT_LABELS, DEFAULT_LINK_TYPES } from '../../src/shared/labels';
import type { LoupeDocument } from '../../src/shared/types';
import { makeDoc } from './docBuilder';
import { CORPUS_FIXTURES } from '../fixturePaths';

const corpusDir = CORPUS_FIXTURES;
const fixtures = path.resolve(__dirname, '../fixtures/conll');
const fixture = (name: string) => ({ name, data: new Uint8Array(fs.readFileSync(path.join(fixtures, name))) });
const utf8 = (name: string, text: string) => ({ name, data: new TextEncoder().encode(text) });
const graphemes = (s: string) => [...new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(s)].length;

/** The jinzhong article as Loupe stores it: one paragraph per non-blank line. */
const jinzhong = fs
  .readFileSync(path.join(corpusDir, 'jinzhong-two-sessions.txt'), 'utf8')
  .replace(/^\uFEFF/, '')
  .split(/\r?\n/)
  .map((l) => l.trim())
  .filter(Boolean)
  .join('\n');

function source(docs: LoupeDocument[]): ExportSource {
  return { labels: [...DEFAULT_LABELS], linkTypes: [...DEFAULT_LINK_TYPES], corpusName: 'test', documents: () => docs };
}

/** Runs an exporter; returns the file's text and the losses it reported. */
function run(docs: LoupeDocument[], exporter: Exporter = conllExporter): { out: string; losses: Map<string, number> } {
  const ctx = collectingContext('utf16');
  const out = [...exporter(source(docs), ctx)].join('');
  return { out, losses: ctx.losses };
}

/** The token lines of an export, as [token, tag] pairs. */
const tokenLines = (out: string): [string, string][] =>
  out
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('# '))
    .map((l) => {
      const cols = l.split('\t');
      expect(cols).toHaveLength(2);
      return [cols[0]!, cols[1]!];
    });

const spanTexts = (doc: LoupeDocument) => doc.spans.map((s) => [s.label, Array.from(doc.text).slice(s.start, s.end).join('')]);

describe('CoNLL export: tokens', () => {
  it('writes Chinese one character per token, losing no character of the article', () => {
    const { out } = run([makeDoc(1, '晋中', jinzhong, [])]);
    const tokens = tokenLines(out).map(([t]) => t);
    const han = tokens.filter((t) => /\p{Script=Han}/u.test(t));
    expect(han.length).toBeGreaterThan(1000);
    for (const t of han) expect(graphemes(t)).toBe(1);
    // Digits between hanzi stay whole numbers; whitespace is never a token.
    expect(tokens).toContain('69');
    expect(tokens.every((t) => !/\s/u.test(t))).toBe(true);
    expect(tokens.join('')).toBe(jinzhong.replace(/\s/gu, ''));
    // One sentence per paragraph.
    expect(out.split('\n\n').length - 1).toBe(jinzhong.split('\n').length);
  });

  it('cuts English at word boundaries, with punctuation split off', () => {
    const text = 'Mr. Smith said, "Don\'t sell the U.S. bonds (3.5% yield)!"';
    const { out } = run([makeDoc(1, 'en', text, [])]);
    expect(tokenLines(out).map(([t]) => t)).toEqual([
      'Mr', '.', 'Smith', 'said', ',', '"', "Don't", 'sell', 'the', 'U.S', '.', 'bonds', '(', '3.5', '%', 'yield', ')', '!', '"',
    ]);
  });

  it('keeps 𠮷, 👍🏽, 👨‍👩‍👧 and e + U+0301 as one token each', () => {
    const text = '𠮷野家 👍🏽 👨\u200d👩\u200d👧 Cafe\u0301 e\u0301';
    const tokens = tokenizeSentences(text)[0]!.map((t) => t.text);
    expect(tokens).toEqual(['𠮷', '野', '家', '👍🏽', '👨\u200d👩\u200d👧', 'Cafe\u0301', 'e\u0301']);
    // Offsets are code points: 𠮷 is one, 👍🏽 two.
    expect(tokenizeSentences(text)[0]!.slice(0, 4).map((t) => [t.start, t.end])).toEqual([[0, 1], [1, 2], [2, 3], [4, 6]]);
  });

  it('writes a header per document and is deterministic', () => {
    const docs = [makeDoc(3, 'First\ttitle', '一二。', [{ id: 'a', label: 'slogan', text: '一二' }]), makeDoc(9, 'Second', 'Two words', [])];
    const { out } = run(docs);
    expect(out).toBe(
      '# doc_id = 3\n# title = First title\n一\tB-slogan\n二\tI-slogan\n。\tO\n\n' + '# doc_id = 9\n# title = Second\nTwo\tO\nwords\tO\n\n',
    );
    expect(run(docs).out).toBe(out);
  });
});

describe('CoNLL export: what BIO cannot say', () => {
  const text = '晋中市委书记张英杰表示要办好两会';
  it('keeps the outermost of overlapping spans and reports how many were dropped', () => {
    const doc = makeDoc(1, 't', text, [
      { id: 'outer', label: 'official', text: '晋中市委书记张英杰' },
      { id: 'nested', label: 'slogan', text: '晋中市' },
      { id: 'crossing', label: 'quote', text: '张英杰表示' },
      // Same length, same start: the label earlier in the schema wins (quote before pledge).
      { id: 'tie-pledge', label: 'pledge', text: '办好两会' },
      { id: 'tie-quote', label: 'quote', text: '办好两会' },
    ]);
    const { out, losses } = run([doc]);
    expect(tokenLines(out).map(([, tag]) => tag)).toEqual([
      'B-official', 'I-official', 'I-official', 'I-official', 'I-official', 'I-official', 'I-official', 'I-official', 'I-official',
      'O', 'O', 'O', 'B-quote', 'I-quote', 'I-quote', 'I-quote',
    ]);
    expect(losses.get('spans overlapping a longer span dropped (outermost kept)')).toBe(3);
  });

  it('writes BIOES tags when asked', () => {
    const doc = makeDoc(1, 't', text, [
      { id: 'a', label: 'official', text: '张英杰' },
      { id: 'b', label: 'slogan', text: '两' },
    ]);
    const tags = tokenLines(run([doc], conllExporterFor('bioes')).out).map(([, tag]) => tag);
    expect(tags.slice(6, 9)).toEqual(['B-official', 'I-official', 'E-official']);
    expect(tags[14]).toBe('S-slogan');
  });

  it('widens spans to whole tokens, splits fragments and paragraphs, and counts links and attributes', () => {
    const doc = makeDoc(
      1,
      't',
      "Washington's mayor said \u201chello\u201d.\n第二段落",
      [
        { id: 'w', label: 'official', text: 'Washington', attrs: { role: 'mayor', name: 'X' } },
        { id: 'frag', label: 'quote', text: '\u201chello\u201d.', pieces: ['\u201chello', '.'], note: 'n' },
        { id: 'across', label: 'pledge', text: 'mayor said', after: 'mayor' },
        { id: 'para', label: 'slogan', text: '.\n第二' },
      ],
      { links: [{ id: 'l', type: 'speaker', from: 'frag', to: 'w' }] },
    );
    const { out, losses } = run([doc]);
    expect(tokenLines(out)).toEqual([
      ["Washington's", 'B-official'],
      ['mayor', 'B-pledge'],
      ['said', 'I-pledge'],
      ['\u201c', 'B-quote'],
      ['hello', 'I-quote'],
      ['\u201d', 'O'],
      ['.', 'B-slogan'],
      ['第', 'B-slogan'],
      ['二', 'I-slogan'],
      ['段', 'O'],
      ['落', 'O'],
    ]);
    // "." belongs to both the quote's second fragment (one token) and the slogan (three tokens across the
    // break, each part keeping that rank): the slogan is the outermost, so the fragment goes.
    expect(Object.fromEntries(losses)).toEqual({
      'spans overlapping a longer span dropped (outermost kept)': 1,
      'spans widened to whole tokens': 1,
      'fragmented spans written as separate spans': 1,
      'spans across paragraphs split at paragraph breaks': 1,
      'links not representable': 1,
      'attribute values not representable': 2,
      'span notes not representable': 1,
      // CoNLL holds tokens: the spaces between English words are not in the file.
      'document texts whose spaces, blank lines or invisible characters CoNLL cannot keep (it holds tokens)': 1,
      'document metadata (file name, source…)': 1,
    });
  });
});

describe('CoNLL round trip', () => {
  let dir: string;
  let store: CorpusStore;
  beforeEach(() => {
    registerImporter(conllImporter);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-conll-'));
    store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives back the Chinese text and spans exactly', () => {
    // Paragraphs with a space inside come back without it (CoNLL keeps no spacing), so they are left out.
    const text = jinzhong
      .split('\n')
      .filter((p) => !/\s/u.test(p))
      .join('\n');
    const docs = [
      makeDoc(1, '晋中两会', text, [
        { id: 'zyj', label: 'official', text: '市人大常委会副主任、榆次区委书记张英杰' },
        { id: 'slogan', label: 'slogan', text: '“服务太原、当好副核,发展晋中、振兴中部”' },
        { id: 'two', label: 'quote', text: '市两会', after: '刚刚闭幕' },
      ]),
      makeDoc(2, '第二篇', '吉野家的𠮷字👍🏽。\n第二段', [{ id: 'yoshi', label: 'slogan', text: '𠮷' }]),
    ];
    const { out } = run(docs);
    const report = importBatch(store, [utf8('zh.conll', out)]);
    expect(report.failed).toEqual([]);
    const back = [...store.documents()];
    expect(back.map((d) => [d.title, d.text])).toEqual(docs.map((d) => [d.title, d.text]));
    back.forEach((doc, i) => {
      expect(doc.spans.map((s) => [s.label, s.start, s.end])).toEqual(docs[i]!.spans.map((s) => [s.label, s.start, s.end]));
    });
    expect(spanTexts(back[1]!)).toEqual([['slogan', '𠮷']]);
  });

  it('gives back English span texts, with the text rebuilt from its tokens', () => {
    const text =
      'The U.S. Senate met on Tuesday, and Sen. John Smith (D-Calif.) said: "We won\'t wait." #budget\nIt\'s 3.5% of GDP, Smith\'s aide said.';
    const doc = makeDoc(1, 'Senate', text, [
      { id: 'senate', label: 'official', text: 'U.S. Senate' },
      { id: 'smith', label: 'official', text: 'John Smith (D-Calif.)' },
      { id: 'q', label: 'quote', text: '"We won\'t wait."' },
      { id: 'tag', label: 'slogan', text: '#budget' },
      { id: 'pct', label: 'pledge', text: '3.5% of GDP' },
    ]);
    const report = importBatch(store, [utf8('en.conll', run([doc]).out)]);
    expect(report.failed).toEqual([]);
    const [back] = [...store.documents()];
    expect(spanTexts(back!)).toEqual(spanTexts(doc));
    expect(back!.text).toBe(text);
  });
});

describe('CoNLL import', () => {
  const parse = (file: { name: string; data: Uint8Array }) => conllImporter.parse(file, { get: () => undefined });

  it('reads CoNLL-2003 (space-separated, -DOCSTART-, IOB1 tags in the last column)', () => {
    const parsed = parse(fixture('conll2003-iob1.conll'));
    expect(parsed.documents).toHaveLength(2);
    const [first, second] = parsed.documents.map((d) => ({ ...d, spans: d.spans.map((s) => [s.label, Array.from(d.text).slice(s.start, s.end).join('')]) }));
    expect(first!.text).toBe('EU rejects German call to boycott British lamb.\nPeter Blackburn');
    expect(first!.title).toBe('EU rejects German call to boycott British lamb.');
    expect(first!.spans).toEqual([['ORG', 'EU'], ['MISC', 'German'], ['MISC', 'British'], ['PER', 'Peter Blackburn']]);
    // IOB1 starts spans with I-: read leniently, and counted.
    expect(first!.meta.conllRepairs).toBe(4);
    expect(second!.text.split('\n')[0]).toBe('BRUSSELS 1996-08-22');
    expect(second!.spans[1]).toEqual(['ORG', 'European Commission']);
  });

  it('reads BIOES with word tokens in Chinese: no spaces, # title kept', () => {
    const [doc] = parse(fixture('chinese-words.bioes')).documents;
    expect(doc!.title).toBe('晋中两会');
    expect(doc!.text).toBe('晋中市召开“两会”。\n张英杰表示:“竞”字起笔。');
    expect(spanTexts(doc as unknown as LoupeDocument)).toEqual([
      ['official', '晋中市'],
      ['slogan', '两会'],
      ['official', '张英杰'],
      ['quote', '“竞”字起笔'],
    ]);
    expect(doc!.meta.conllRepairs).toBeUndefined();
  });

  it('joins a file tokenised by character without spaces: Latin letters and digits stay words', () => {
    // MSRA / People's Daily style: one character per line, space-separated, BIO tags.
    const docs = parse(fixture('char-per-token.bio')).documents;
    expect(docs).toHaveLength(1);
    const [doc] = docs;
    expect(doc!.text.split('\n')).toEqual([
      '据chinabyte报道，1989年IBM公司在北京设立了分公司。',
      '新华社上海3月5日电（记者王小明）5G手机销量增长12.5%，iPhone的份额为18%。',
      '张英杰说：“晋中市要在2025年前建成100个新站点。”',
    ]);
    expect(spanTexts(doc as unknown as LoupeDocument)).toEqual([
      ['ORG', 'chinabyte'],
      ['ORG', 'IBM公司'],
      ['LOC', '北京'],
      ['ORG', '新华社'],
      ['LOC', '上海'],
      ['PER', '王小明'],
      ['PER', '张英杰'],
      ['LOC', '晋中市'],
    ]);
  });

  it('keeps spaces between word tokens when only a few Latin tokens are one character long', () => {
    // Word-tokenised text with single letters and digits among longer words is not read as characters.
    const words = 'Plan A for 5 New York boroughs and 3 more cities by 2030 晋中'.split(' ');
    const [doc] = parse(utf8('x.conll', words.map((w) => `${w}\tO\n`).join(''))).documents;
    expect(doc!.text).toBe('Plan A for 5 New York boroughs and 3 more cities by 2030晋中');
  });

  it('starts a new span on an ill-formed sequence and counts the repairs', () => {
    const [doc] = parse(utf8('x.bio', 'A\tB-PER\nB\tI-LOC\nC\tO\nD\tI-PER\nE\tE-PER\n')).documents;
    expect(spanTexts(doc as unknown as LoupeDocument)).toEqual([
      ['PER', 'A'],
      ['LOC', 'B'],
      ['PER', 'D E'],
    ]);
    expect(doc!.meta.conllRepairs).toBe(2);
  });

  it('reads "#<TAB>O" as a token and "# key = value" as a comment', () => {
    const [doc] = parse(utf8('x.conll', '# sent_id = 1\n#\tO\ntag\tB-slogan\n# O\nnow\tO\n')).documents;
    expect(doc!.text).toBe('#tag #now');
    expect(spanTexts(doc as unknown as LoupeDocument)).toEqual([['slogan', 'tag']]);
  });

  it('refuses malformed files with a message that says where', () => {
    expect(() => parse(fixture('missing-tag.conll'))).toThrow(ImportError);
    expect(() => parse(fixture('missing-tag.conll'))).toThrow(/line 3: “said” has no tag column/);
    expect(() => parse(utf8('x.conll', 'word\tNOUN\n'))).toThrow(/line 1: “NOUN” in the last column is not a BIO\/BIOES tag/);
    expect(() => parse(utf8('x.conll', '# title = nothing\n\n'))).toThrow(/holds no tokens/);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-conll-'));
    const store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
    try {
      registerImporter(conllImporter);
      const binary = new Uint8Array(512).map((_, i) => (i * 7919) % 256);
      const report = importBatch(store, [
        fixture('missing-tag.conll'),
        { name: 'binary.conll', data: binary },
        { name: 'empty.conll', data: new Uint8Array() },
        utf8('blank.bio', '\n\n  \n'),
      ]);
      expect(report.imported).toEqual([]);
      expect(report.failed.map((f) => [f.name, f.error])).toEqual([
        ['missing-tag.conll', expect.stringMatching(/^line 3: .*no tag column/)],
        ['binary.conll', expect.stringMatching(/binary/)],
        ['empty.conll', expect.stringMatching(/empty/)],
        ['blank.bio', expect.stringMatching(/no tokens/)],
      ]);
      expect(store.listDocuments()).toEqual([]);
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
