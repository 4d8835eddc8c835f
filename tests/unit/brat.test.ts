import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { unzipSync } from 'fflate';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bratName, parseAnnotationConf, writeAnnotationConf } from '../../src/main/formats/bratConf';
import { bratExporter, bratChunks } from '../../src/main/formats/export/brat';
import { collectingContext, registerExporter, writeExportFile, type ExportSource } from '../../src/main/formats/export';
import { bratImporter } from '../../src/main/formats/import/brat';
import { confFor, ImportError, registerImporter } from '../../src/main/formats/import';
import { importBatch } from '../../src/main/services/importer';
import type { Companions, ImportInput, ParsedDocument } from '../../src/main/formats/import/types';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import { DEFAULT_LABELS, DEFAULT_LINK_TYPES } from '../../src/shared/labels';
import type { Fragment, LoupeDocument, Span, SpanInput } from '../../src/shared/types';

const fixtureDir = path.resolve(__dirname, '../fixtures/brat/basic');
const fixture = (name: string): ImportInput => ({ name: `basic/${name}`, data: fs.readFileSync(path.join(fixtureDir, name)) });
const utf8 = (name: string, text: string): ImportInput => ({ name, data: Buffer.from(text, 'utf8') });

/** Code points, counted independently of Loupe's offset code. */
const cps = (s: string): string[] => Array.from(s);
const cut = (text: string, [start, end]: Fragment): string => cps(text).slice(start, end).join('');
const fragmentsOf = (s: Pick<SpanInput, 'start' | 'end' | 'fragments'>): Fragment[] => s.fragments ?? [[s.start, s.end]];
/** What a reader sees of a span: its label and the text of each of its pieces. */
const seen = (text: string, s: Pick<SpanInput, 'label' | 'start' | 'end' | 'fragments'>) => ({
  label: s.label,
  pieces: fragmentsOf(s).map((f) => cut(text, f)),
});

function companionsOf(ann: ImportInput | undefined, conf?: ImportInput): Companions {
  return { get: (what) => (what === 'ann' ? ann : what === 'annotation.conf' ? conf : undefined) };
}

/** Parses a .txt/.ann pair given as strings or bytes. */
function parsePair(txt: string | Uint8Array, ann: string | Uint8Array, conf?: string): ParsedDocument {
  const bytes = (x: string | Uint8Array) => (typeof x === 'string' ? Buffer.from(x, 'utf8') : x);
  const parsed = bratImporter.parse(
    { name: 'doc.txt', data: bytes(txt) },
    companionsOf({ name: 'doc.ann', data: bytes(ann) }, conf === undefined ? undefined : utf8('annotation.conf', conf)),
  );
  return parsed.documents[0]!;
}

const fixtureText = fs.readFileSync(path.join(fixtureDir, 'article.txt'), 'utf8');
const fixtureAnn = fs.readFileSync(path.join(fixtureDir, 'article.ann'), 'utf8');

/** Rewrites every offset of the T lines with `shift`. */
function shiftOffsets(ann: string, shift: (offset: number) => number): string {
  return ann.replace(/^(T\d+\t\S+ )([\d ;]+)(\t|$)/gm, (_, head: string, offsets: string, tab: string) => {
    return head + offsets.replace(/\d+/g, (n) => String(shift(Number(n)))) + tab;
  });
}

let dir: string;
let store: CorpusStore;
const stores: CorpusStore[] = [];
const freshStore = (name: string): CorpusStore => {
  const s = openCorpusStore(path.join(dir, `${name}.loupe`), { create: true });
  stores.push(s);
  return s;
};

beforeAll(() => {
  registerImporter(bratImporter);
  registerExporter('brat', bratExporter);
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-brat-'));
  store = freshStore('main');
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('brat import', () => {
  it('puts spans where brat put them, with fragments, links, attributes and notes', () => {
    const report = importBatch(store, ['article.txt', 'article.ann', 'annotation.conf'].map(fixture));
    expect(report.failed).toEqual([]);
    expect(report.imported).toHaveLength(1);
    expect(report.imported[0]).toMatchObject({ format: 'brat', spans: 6, links: 2, encoding: 'UTF-8' });
    const doc = store.getDocument(report.imported[0]!.documentId);

    // The text exactly as the .txt has it: blank lines stay, so brat's offsets stay valid.
    expect(doc.text).toBe(fixtureText);
    expect(doc.title).toBe('寿阳县委书记赵宏钟表示:“我们要抓落实。”');

    const byText = new Map(doc.spans.map((s) => [seen(doc.text, s).pieces.join(' | '), s]));
    // brat's Quote and Official are the corpus's quote and official (names are matched regardless of case).
    expect(report.labelsMapped).toEqual([
      { from: 'Official', to: 'official' },
      { from: 'Quote', to: 'quote' },
    ]);
    expect(doc.spans.map((s) => seen(doc.text, s))).toEqual([
      { label: 'official', pieces: ['寿阳县委书记赵宏钟'] },
      { label: 'Speak', pieces: ['表示'] },
      { label: 'quote', pieces: ['“我们要抓落实。”'] },
      // After the astral 𠮷 (one code point, two UTF-16 units) and the emoji.
      { label: 'official', pieces: ['𠮷野家的老板'] },
      { label: 'quote', pieces: ['“品质第一”', '“价格不变”'] },
      { label: 'Person', pieces: ['Cafe\u0301'] },
    ]);
    const quote = byText.get('“我们要抓落实。”')!;
    expect(quote.attrs).toEqual({ kind: 'direct' });
    expect(quote.note).toBe('直接引语, checked');
    expect(byText.get('“品质第一” | “价格不变”')!.attrs).toEqual({ Negated: true });
    expect(byText.get('Cafe\u0301')!.attrs).toEqual({ Negated: true }); // M1: brat's legacy form of a binary attribute

    const textOf = (id: string) => seen(doc.text, doc.spans.find((s) => s.id === id)!).pieces.join(' | ');
    expect(doc.links.map((l) => [l.type, textOf(l.from), textOf(l.to)])).toEqual([
      ['speaker', '“我们要抓落实。”', '寿阳县委书记赵宏钟'],
      ['speaker', '“品质第一” | “价格不变”', '𠮷野家的老板'],
    ]);

    // What Loupe cannot hold is counted in the document, with the lines themselves.
    expect(doc.meta.bratUnsupported).toEqual({ events: 1, equivalences: 1, normalizations: 1, emptySpans: 1, attributes: 1, notes: 1 });
    expect(doc.meta.bratUnsupportedLines).toEqual([
      '6: T6\tOfficial 52 52\t',
      '10: E1\tSpeak:T5 Speaker:T1',
      '14: A3\tConfidence E1 high',
      '15: *\tEquiv T1 T3',
      '16: N1\tReference T1 Wikipedia:534366\t赵宏钟',
      '18: #2\tAnnotatorNotes E1\ton the event',
    ]);
    expect(doc.meta.format).toBe('brat');

    // annotation.conf came along: its entity types (not the abstract one), relation and attributes.
    const labels = store.labels();
    expect(labels.map((l) => l.name)).toEqual(['quote', 'official', 'pledge', 'slogan', 'Person', 'Speak']);
    expect(labels.some((l) => l.name === 'Actor' || l.name === '!Actor')).toBe(false);
    expect(labels.find((l) => l.name === 'quote')!.attributes.map((a) => [a.name, a.kind, a.options])).toEqual([
      ['kind', 'choice', ['direct', 'indirect', 'mixed']],
      ['Negated', 'flag', []],
    ]);
    // The corpus already had a "speaker" (quote → official): brat's speaker links, quote → official, fit it as it is.
    const speaker = store.linkTypes().find((t) => t.name === 'speaker')!;
    expect([speaker.from, speaker.to]).toEqual([['quote'], ['official']]);
    expect(store.linkTypes().some((t) => t.name === 'Equiv')).toBe(false);
  });

  it('reads offsets however brat counted line ends and a BOM', () => {
    const base = parsePair(fixtureText, fixtureAnn);
    const want = base.spans.map((s) => seen(base.text, s));
    const crlf = fixtureText.replace(/\n/g, '\r\n');
    const before = (o: number) => cps(fixtureText).slice(0, o).filter((c) => c === '\n').length;
    const variants: [string, string | Uint8Array, string][] = [
      ['CRLF, counted as one (Python 3)', crlf, fixtureAnn],
      ['CRLF, counted as two (brat 1.3, Python 2)', crlf, shiftOffsets(fixtureAnn, (o) => o + before(o))],
      ['BOM, counted as a character (brat)', `\ufeff${fixtureText}`, shiftOffsets(fixtureAnn, (o) => o + 1)],
      ['BOM, not counted', `\ufeff${fixtureText}`, fixtureAnn],
      ['BOM and CRLF, both counted', `\ufeff${crlf}`, shiftOffsets(fixtureAnn, (o) => o + 1 + before(o))],
    ];
    for (const [what, txt, ann] of variants) {
      const doc = parsePair(txt, ann);
      expect(doc.text, what).toBe(fixtureText); // CRLF → LF, BOM dropped
      expect(doc.spans.map((s) => seen(doc.text, s)), what).toEqual(want);
    }
  });

  it('reads a .ann with CRLF line ends, and a .txt whose .ann is empty', () => {
    const doc = parsePair(fixtureText, fixtureAnn.replace(/\n/g, '\r\n'));
    expect(doc.spans).toHaveLength(6);
    expect(doc.spans.find((s) => s.label === 'Quote')!.note).toBe('直接引语, checked');
    const empty = parsePair('Just text.\n', '');
    expect(empty.spans).toEqual([]);
    expect(empty.text).toBe('Just text.\n');
  });

  describe('refuses a malformed pair, naming the line', () => {
    const cases: [string, string | Uint8Array, RegExp][] = [
      ['a truncated T line', 'T1\tOfficial 0 9\t寿阳县委书记赵宏钟\nT2\tQuote 12', /doc\.ann line 2: T2: “12” is not a “START END” pair/],
      ['a line without a tab', 'T1\tOfficial 0 9\t寿阳县委书记赵宏钟\nT2 Quote 12 21', /doc\.ann line 2: expected an id and a tab/],
      ['offsets past the end', 'T1\tOfficial 0 9\t寿阳县委书记赵宏钟\nT2\tQuote 60 75\tx', /doc\.ann line 2 \(T2\): 60–75 runs past the end of the text \(6\d characters\)/],
      ['a text that is not at the offsets', 'T1\tOfficial 0 9\t赵宏钟', /doc\.ann line 1 \(T1\): the \.ann gives the text “赵宏钟” but the \.txt has “寿阳县委书记赵宏钟” at 0 9/],
      ['a text with more after it', 'T1\tOfficial 0 9\t寿阳县委书记赵宏钟表示', /doc\.ann line 1 \(T1\): the \.ann gives the text “寿阳县委书记赵宏钟表示”/],
      ['an unknown argument id', 'T1\tOfficial 0 9\t寿阳县委书记赵宏钟\nR1\tspeaker Arg1:T1 Arg2:T9', /doc\.ann line 2 \(R1\): no annotation has the id T9/],
      ['a relation with one argument', 'T1\tOfficial 0 9\t寿阳县委书记赵宏钟\nR1\tspeaker Arg1:T1', /doc\.ann line 2: R1: expected “TYPE Arg1:ID Arg2:ID”/],
      ['a duplicate id', 'T1\tOfficial 0 9\t寿阳县委书记赵宏钟\nT1\tOfficial 0 2\t寿阳', /doc\.ann line 2: the id T1 is used twice/],
      ['an unknown kind of line', 'X1\tsomething T1', /doc\.ann line 1: brat has no “X” annotations/],
      ['overlapping fragments', 'T1\tQuote 0 5;3 9\t寿阳县委书 委书记赵宏钟', /doc\.ann line 1: T1: its fragments overlap/],
      ['binary garbage', Uint8Array.from({ length: 600 }, (_, i) => (i * 37 + 11) % 256), /doc\.ann: not a text file/],
    ];
    for (const [what, ann, message] of cases) {
      it(what, () => {
        let error: unknown;
        try {
          parsePair(fixtureText, ann);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ImportError);
        expect((error as Error).message).toMatch(message);
      });
    }

    it('and stores nothing of it', () => {
      const report = importBatch(store, [
        utf8('bad.txt', fixtureText),
        utf8('bad.ann', 'T1\tOfficial 0 9\t寿阳县委书记赵宏钟\nR1\tspeaker Arg1:T1 Arg2:T9\n'),
        utf8('good.txt', 'A good one.\n'),
        utf8('good.ann', 'T1\tslogan 2 6\tgood\n'),
      ]);
      expect(report.failed).toEqual([{ name: 'bad.txt', error: 'bad.ann line 2 (R1): no annotation has the id T9' }]);
      expect(report.imported.map((r) => r.name)).toEqual(['good.txt']);
      expect(store.documentCount()).toBe(1);
    });
  });
});

describe('annotation.conf', () => {
  it('flattens entities, skips abstract and pseudo types, expands macros', () => {
    const conf = parseAnnotationConf(fs.readFileSync(path.join(fixtureDir, 'annotation.conf'), 'utf8'));
    expect(conf.schema.labels.map((l) => l.name)).toEqual(['Person', 'Official', 'Quote']);
    expect(conf.schema.linkTypes.map((t) => [t.name, t.from, t.to])).toEqual([['speaker', ['Quote'], ['Official', 'Person']]]);
    expect(conf.schema.labels.map((l) => l.attributes.map((a) => `${a.name}:${a.kind}:${a.options.join('|')}`))).toEqual([
      ['Negated:flag:'],
      ['Negated:flag:'],
      ['Negated:flag:', 'Kind:choice:direct|indirect'],
    ]);
    expect(conf.label('Quote')).toBe('Quote');
  });

  it('writes brat syntax and reads Loupe names and kinds back from its comment', () => {
    const schema = {
      labels: [
        ...DEFAULT_LABELS,
        {
          name: 'Ministry official',
          color: '#123456',
          hotkey: '7',
          description: 'From a ministry',
          attributes: [{ name: 'rank level', kind: 'choice' as const, options: ['vice minister', 'minister'], default: null, description: '' }],
        },
      ],
      linkTypes: [...DEFAULT_LINK_TYPES, { name: 'works for', from: ['Ministry official'], to: [], color: '#654321', description: '' }],
    };
    const text = writeAnnotationConf(schema, new Map([['target_year', new Set(['2030', '2026'])], ['name', new Set(['赵宏钟'])]]));
    const lines = text.split('\n');
    const section = (name: string) => {
      const from = lines.indexOf(`[${name}]`) + 1;
      const rest = lines.slice(from);
      const end = rest.findIndex((l) => l.startsWith('['));
      return rest.slice(0, end < 0 ? undefined : end).filter((l) => l !== '');
    };
    expect(section('entities')).toEqual(['quote', 'official', 'pledge', 'slogan', 'Ministry_official']);
    expect(section('relations')).toEqual([
      'speaker\tArg1:quote, Arg2:official',
      'pledged_by\tArg1:pledge, Arg2:official',
      'works_for\tArg1:Ministry_official, Arg2:<ENTITY>',
      '<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>',
    ]);
    expect(section('attributes')).toEqual([
      'kind\tArg:quote, Value:direct|indirect|mixed',
      'name\tArg:official, Value:赵宏钟',
      'measurable\tArg:pledge',
      'target_year\tArg:pledge, Value:2026|2030',
      'rank_level\tArg:Ministry_official, Value:vice_minister|minister',
    ]);

    // Read back: Loupe's names, kinds and colours, from the comment brat ignores.
    const back = parseAnnotationConf(text);
    expect(back.schema.labels.find((l) => l.name === 'Ministry official')).toMatchObject({ color: '#123456', hotkey: '7', description: 'From a ministry' });
    expect(back.label('Ministry_official')).toBe('Ministry official');
    expect(back.linkType('works_for')).toBe('works for');
    expect(back.attribute('Ministry official', 'rank_level')).toMatchObject({ name: 'rank level', kind: 'choice', options: ['vice minister', 'minister'] });
    expect(back.attribute('pledge', 'target_year')).toMatchObject({ kind: 'number' });
    expect(back.attribute('official', 'role')).toMatchObject({ kind: 'text' }); // unused, so only in the comment
    // Without the comment it is plain brat: text and numbers become choices of the values written.
    const plain = parseAnnotationConf(text.replace(/^# loupe-schema:.*$/m, ''));
    expect(plain.attribute('pledge', 'target_year')).toMatchObject({ kind: 'choice', options: ['2026', '2030'] });
    expect(plain.label('Ministry_official')).toBe('Ministry_official');
  });

  it('maps what brat cannot hold in a name to _', () => {
    expect(bratName('rank level')).toBe('rank_level');
    expect(bratName('a|b,c\td')).toBe('a_b_c_d');
    expect(bratName('引语')).toBe('引语');
  });
});

describe('brat export', () => {
  const at = (text: string, piece: string, occurrence = 0): Fragment => {
    let i = -1;
    for (let k = 0; k <= occurrence; k++) i = text.indexOf(piece, i + 1);
    if (i < 0) throw new Error(`test setup: ${piece} not in text`);
    const start = cps(text.slice(0, i)).length;
    return [start, start + cps(piece).length];
  };
  const span = (id: string, label: string, fragments: Fragment[], extra: Partial<SpanInput> = {}): SpanInput => ({
    id,
    label,
    start: fragments[0]![0],
    end: fragments[fragments.length - 1]![1],
    ...(fragments.length > 1 ? { fragments } : {}),
    ...extra,
  });

  const text1 = '“𠮷野家”社长说:“我们会坚持品质👍🏽”,他又说,“价格不变”。\n\n寿阳县委书记赵宏钟表示,到2030年实现全覆盖。\n';
  const text2 = 'Second document\n\nwith a plain line and no spans';

  /** A corpus with default and custom labels, fragments, every attribute kind, notes and links. */
  function seed(s: CorpusStore): void {
    s.addToSchema({
      labels: [
        {
          name: 'Ministry official',
          color: '#123456',
          hotkey: null,
          description: '',
          attributes: [{ name: 'rank level', kind: 'choice', options: ['vice minister', 'minister'], default: null, description: '' }],
        },
      ],
      linkTypes: [{ name: 'works for', from: ['Ministry official'], to: [], color: '#654321', description: 'Employer' }],
    });
    s.insertDocument({
      title: '“𠮷野家”社长说:“我们会坚持品质👍🏽”,他又说,“价格不变”。',
      text: text1,
      note: 'checked twice',
      spans: [
        span('q', 'quote', [at(text1, '“我们会坚持品质👍🏽”'), at(text1, '“价格不变”')], { attrs: { kind: 'direct' }, note: 'two pieces\tone quote' }),
        span('boss', 'Ministry official', [at(text1, '社长')], { attrs: { 'rank level': 'vice minister' } }),
        span('shop', 'slogan', [at(text1, '𠮷野家')]),
        span('zhao', 'official', [at(text1, '寿阳县委书记赵宏钟')], { attrs: { name: '赵宏钟', role: '寿阳县委书记' } }),
        span('plan', 'pledge', [at(text1, '到2030年实现全覆盖')], { attrs: { measurable: true, target_year: 2030 }, note: 'by 2030' }),
      ],
      links: [
        { id: 'l1', type: 'speaker', from: 'q', to: 'zhao' },
        { id: 'l2', type: 'pledged_by', from: 'plan', to: 'zhao' },
        { id: 'l3', type: 'works for', from: 'boss', to: 'shop' },
      ],
    });
    s.insertDocument({ title: 'Second document', text: text2 });
  }
  const sourceOf = (s: CorpusStore): ExportSource => ({
    labels: s.labels(),
    linkTypes: s.linkTypes(),
    corpusName: 'Round trip',
    documents: () => s.documents(),
  });
  const unzip = (file: string) => unzipSync(fs.readFileSync(file));

  it('writes a zip brat reads: text as is, code-point offsets, fragments, attributes, notes, conf', async () => {
    seed(store);
    const file = path.join(dir, 'out.zip');
    const counts = await writeExportFile(file, 'brat', sourceOf(store), 'utf8'); // brat's offsets are code points regardless
    expect(counts).toMatchObject({ documents: 2, spans: 5, links: 3 });
    expect(counts.losses).toEqual([
      'label or type names with spaces written with _: 3',
      'attribute values with spaces written with _: 1',
      'document statuses (in progress, done): 1',
      'document notes: 1',
    ]);
    const files = unzip(file);
    expect(Object.keys(files)).toEqual([
      'README.txt',
      '1-“𠮷野家”社长说_“我们会坚持品质👍🏽”,他又说,“价格不变”。.txt',
      '1-“𠮷野家”社长说_“我们会坚持品质👍🏽”,他又说,“价格不变”。.ann',
      '2-Second_document.txt',
      '2-Second_document.ann',
      'annotation.conf',
    ]);
    const read = (name: string) => Buffer.from(files[name]!).toString('utf8');
    expect(read('2-Second_document.txt')).toBe(text2);
    expect(read('2-Second_document.ann')).toBe('');
    const stem = '1-“𠮷野家”社长说_“我们会坚持品质👍🏽”,他又说,“价格不变”。';
    expect(read(`${stem}.txt`)).toBe(text1);
    const off = (piece: string) => at(text1, piece).join(' ');
    expect(read(`${stem}.ann`).split('\n')).toEqual([
      `T1\tslogan ${off('𠮷野家')}\t𠮷野家`,
      `T2\tMinistry_official ${off('社长')}\t社长`,
      `T3\tquote ${off('“我们会坚持品质👍🏽”')};${off('“价格不变”')}\t“我们会坚持品质👍🏽” “价格不变”`,
      `T4\tofficial ${off('寿阳县委书记赵宏钟')}\t寿阳县委书记赵宏钟`,
      `T5\tpledge ${off('到2030年实现全覆盖')}\t到2030年实现全覆盖`,
      'R1\tspeaker Arg1:T3 Arg2:T4',
      'R2\tpledged_by Arg1:T5 Arg2:T4',
      'R3\tworks_for Arg1:T2 Arg2:T1',
      'A1\trank_level T2 vice_minister',
      'A2\tkind T3 direct',
      'A3\tname T4 赵宏钟',
      'A4\trole T4 寿阳县委书记',
      'A5\tmeasurable T5',
      'A6\ttarget_year T5 2030',
      '#1\tAnnotatorNotes T3\ttwo pieces\tone quote',
      '#2\tAnnotatorNotes T5\tby 2030',
      '',
    ]);
    // 𠮷 and 👍🏽 are one and two code points: the offsets are not UTF-16 or UTF-8 ones.
    expect(off('社长')).toBe('5 7');
    expect(read('README.txt')).toMatch(/always count Unicode code points/);
    expect(read('annotation.conf')).toMatch(/^target_year\tArg:pledge, Value:2030$/m);
  });

  it('round-trips through a fresh corpus: text, spans, fragments, attributes, notes, links, schema', async () => {
    seed(store);
    const file = path.join(dir, 'out.zip');
    await writeExportFile(file, 'brat', sourceOf(store), 'codepoint');
    const files = Object.entries(unzip(file)).map(([name, data]) => ({ name: `export/${name}`, data }));
    const target = freshStore('target');
    const report = importBatch(target, files);
    expect(report.failed).toEqual([]);
    expect(report.skipped.map((s) => s.name)).toEqual(['export/README.txt', 'export/annotation.conf']);
    expect(report.imported.map((r) => r.format)).toEqual(['brat', 'brat']);

    const originals = [...store.documents()];
    const copies = [...target.documents()];
    expect(copies.map((d) => [d.title, d.text])).toEqual(originals.map((d) => [d.title, d.text]));
    const key = (d: LoupeDocument, id: string) => {
      const s = d.spans.find((x) => x.id === id)!;
      return `${s.label}@${s.start}-${s.end}`;
    };
    const view = (d: LoupeDocument) => ({
      spans: d.spans.map((s: Span) => ({ label: s.label, start: s.start, end: s.end, fragments: s.fragments, attrs: s.attrs, note: s.note })),
      links: d.links.map((l) => [l.type, key(d, l.from), key(d, l.to)]).sort(),
    });
    copies.forEach((copy, i) => expect(view(copy)).toEqual(view(originals[i]!)));

    const custom = target.labels().find((l) => l.name === 'Ministry official')!;
    expect(custom).toMatchObject({ color: '#123456', attributes: [{ name: 'rank level', kind: 'choice', options: ['vice minister', 'minister'] }] });
    expect(target.linkTypes().find((t) => t.name === 'works for')).toMatchObject({ from: ['Ministry official'], to: [], description: 'Employer' });
  });

  it('is byte-identical when run twice, in any time zone', async () => {
    seed(store);
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      await writeExportFile(path.join(dir, 'a.zip'), 'brat', sourceOf(store), 'codepoint');
      process.env.TZ = 'Asia/Shanghai';
      await writeExportFile(path.join(dir, 'b.zip'), 'brat', sourceOf(store), 'codepoint');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    await writeExportFile(path.join(dir, 'c.zip'), 'brat', sourceOf(store), 'utf16');
    const a = fs.readFileSync(path.join(dir, 'a.zip'));
    expect(a.equals(fs.readFileSync(path.join(dir, 'b.zip')))).toBe(true);
    expect(a.equals(fs.readFileSync(path.join(dir, 'c.zip')))).toBe(true);
  });

  it('splits spans at line breaks, writes notes on one line, and says so', () => {
    const text = '第一段引语开始\n第二段\u2028同一行结束。';
    const doc: LoupeDocument = {
      id: 3,
      title: 'Breaks',
      text,
      meta: {},
      status: 'new',
      note: '',
      spans: [
        { ...span('across', 'quote', [at(text, '引语开始\n第二段\u2028同一行')]), fragments: [at(text, '引语开始\n第二段\u2028同一行')] },
        { ...span('nl', 'slogan', [at(text, '\n')]), fragments: [at(text, '\n')] },
        { ...span('flag', 'pledge', [at(text, '结束')]), fragments: [at(text, '结束')], attrs: { measurable: false }, note: 'line one\nline two' },
      ].map((s) => ({ ...s, attrs: s.attrs ?? {}, note: s.note ?? '', annotator: null, createdAt: '', updatedAt: '' }) as Span),
      links: [{ id: 'x', type: 'speaker', from: 'nl', to: 'across' }],
      revision: 1,
      createdAt: '',
      updatedAt: '',
    };
    const ctx = collectingContext('codepoint');
    const chunks = [...bratChunks({ labels: [...DEFAULT_LABELS], linkTypes: [...DEFAULT_LINK_TYPES], corpusName: 'x', documents: () => [doc] }, ctx)];
    const zip = unzipSync(Buffer.concat(chunks));
    const ann = Buffer.from(zip['3-Breaks.ann']!).toString('utf8');
    expect(ann.split('\n')).toEqual([
      `T1\tquote ${at(text, '引语开始').join(' ')};${at(text, '第二段').join(' ')};${at(text, '同一行').join(' ')}\t引语开始 第二段 同一行`,
      `T2\tpledge ${at(text, '结束').join(' ')}\t结束`, // measurable: false is brat's absent binary attribute
      '#1\tAnnotatorNotes T2\tline one line two',
      '',
    ]);
    expect([...ctx.losses]).toEqual([
      ['spans across line breaks split into fragments at the breaks', 1],
      ['spans of line breaks only (brat cannot hold them)', 1],
      ['links to spans brat cannot hold', 1],
      ['span notes with line breaks written on one line', 1],
      ['flags that are false, written as absent (brat has no false)', 1],
      ['document titles (other than the first line of the text)', 1],
    ]);
    // And brat's reading of it is Loupe's: the pieces come back where they were.
    const back = parsePair(Buffer.from(zip['3-Breaks.txt']!), Buffer.from(zip['3-Breaks.ann']!));
    expect(back.spans.map((s) => seen(back.text, s).pieces)).toEqual([['引语开始', '第二段', '同一行'], ['结束']]);
  });

  it('round-trips generated documents exactly (astral, ZWJ, combining marks, tabs, empty paragraphs)', async () => {
    const PIECES = ['中', '文', '𠮷', '👍🏽', '👨\u200d👩\u200d👧', 'e\u0301', ',', '。', '“', '”', 'a', ' ', '\t', '🇨🇳'];
    const paragraph = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 10 }).map((p) => p.join(''));
    const doc = fc
      .tuple(fc.array(paragraph, { minLength: 1, maxLength: 4 }), fc.constantFrom('\n', '\n\n'))
      .chain(([paragraphs, gap]) => {
        const text = paragraphs.join(gap);
        // Spans stay inside a paragraph: brat cannot hold a line break in an annotation.
        const bounds: [number, number][] = [];
        let at = 0;
        for (const p of paragraphs) {
          bounds.push([at, at + cps(p).length]);
          at += cps(p).length + cps(gap).length;
        }
        const one = fc
          .record({
            p: fc.nat(paragraphs.length - 1),
            a: fc.nat(20),
            b: fc.nat(20),
            label: fc.constantFrom('quote', 'official', 'pledge', 'slogan'),
            split: fc.boolean(),
            note: fc.constantFrom('', '核实', 'a\tb “x”'),
          })
          .map(({ p, a, b, label, split, note }) => {
            const [from, to] = bounds[p]!;
            const start = from + (a % (to - from));
            const end = Math.min(to, start + 1 + (b % 5));
            const fragments: Fragment[] = split && end - start >= 3 ? [[start, start + 1], [end - 1, end]] : [[start, end]];
            const attrs: SpanInput['attrs'] =
              label === 'quote' ? { kind: 'mixed' } : label === 'pledge' ? { measurable: true, target_year: 2020 + p } : label === 'official' ? { name: '赵宏钟' } : {};
            return { label, fragments, attrs, note };
          });
        return fc.record({ text: fc.constant(text), spans: fc.array(one, { maxLength: 6 }), links: fc.array(fc.tuple(fc.nat(5), fc.nat(5)), { maxLength: 3 }) });
      });
    await fc.assert(
      fc.asyncProperty(fc.array(doc, { minLength: 1, maxLength: 3 }), async (docs) => {
        const source = freshStore(`p${Math.random().toString(36).slice(2)}`);
        docs.forEach((d, i) => {
          const spans = d.spans
            // An import merges exact duplicates (same label, same fragments): a corpus to round-trip has none.
            .filter((s, k, all) => all.findIndex((x) => x.label === s.label && JSON.stringify(x.fragments) === JSON.stringify(s.fragments)) === k)
            .map((s, k) => span(`d${i}s${k}`, s.label, s.fragments, { attrs: s.attrs, note: s.note }));
          const links = d.links
            .map(([a, b], k) => ({ id: `d${i}l${k}`, type: 'speaker', from: spans[a]?.id ?? '', to: spans[b]?.id ?? '' }))
            .filter((l) => spans.find((x) => x.id === l.from)?.label === 'quote' && spans.find((x) => x.id === l.to)?.label === 'official')
            .filter((l, k, all) => all.findIndex((x) => x.from === l.from && x.to === l.to) === k);
          source.insertDocument({ title: `文档 ${i}`, text: d.text, spans, links });
        });
        const file = path.join(dir, `p-${Math.random().toString(36).slice(2)}.zip`);
        await writeExportFile(file, 'brat', sourceOf(source), 'codepoint');
        const files = Object.entries(unzip(file))
          .filter(([name]) => name !== 'README.txt')
          .map(([name, data]) => ({ name, data }));
        const target = freshStore(`t${Math.random().toString(36).slice(2)}`);
        const report = importBatch(target, files);
        expect(report.failed).toEqual([]);
        const view = (st: CorpusStore) =>
          [...st.documents()].map((d) => {
            const key = (id: string) => {
              const s = d.spans.find((x) => x.id === id)!;
              return `${s.label}@${JSON.stringify(s.fragments)}`;
            };
            return {
              text: d.text,
              spans: d.spans.map((s) => ({ label: s.label, fragments: s.fragments, attrs: s.attrs, note: s.note })).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
              links: d.links.map((l) => `${l.type}:${key(l.from)}->${key(l.to)}`).sort(),
            };
          });
        expect(view(target)).toEqual(view(source));
      }),
      { numRuns: 25 },
    );
  });
});

describe('annotation.conf lookup', () => {
  it('takes the folder\'s own conf, else the nearest above, else the only one', () => {
    const conf = (name: string) => ({ name, data: new Uint8Array() });
    const confs = [conf('corpus/annotation.conf'), conf('corpus/dev/annotation.conf')];
    expect(confFor('corpus/dev/a.txt', confs)?.name).toBe('corpus/dev/annotation.conf');
    expect(confFor('corpus/train/deep/a.txt', confs)?.name).toBe('corpus/annotation.conf');
    expect(confFor('elsewhere/a.txt', confs)).toBeUndefined();
    expect(confFor('elsewhere/a.txt', [conf('x/annotation.conf')])?.name).toBe('x/annotation.conf');
  });
});
