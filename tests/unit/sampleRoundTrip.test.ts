/**
 * The acceptance check, below the UI: the sample article with its attribution structure
 * (officials, quotes with speaker links, pledges with pledged_by links, slogans inside pledges)
 * exported to each format and imported into a fresh corpus gives back the same annotations — all
 * of them for the formats that carry them, and exactly what the export said it dropped for the others.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBatch } from '../../src/main/services/importer';
import { exportFrom, openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import type { ExportFormat, ImportFormat, Link, SpanInput } from '../../src/shared/types';
import { CORPUS_FIXTURES } from '../fixturePaths';

const ARTICLE = path.join(CORPUS_FIXTURES, 'jinzhong-two-sessions.txt');

const STRUCTURE: { official: string; quotes: [string, string][]; pledges: { text: string; slogans: string[] }[] }[] = [
  {
    official: '市人大常委会副主任、榆次区委书记张英杰',
    quotes: [['今年的政府工作报告找准了晋中发展的切入点', 'indirect']],
    pledges: [{ text: '按照“服务太原、当好副核,发展晋中、振兴中部”的总体定位', slogans: ['服务太原、当好副核,发展晋中、振兴中部'] }],
  },
  { official: '介休市委书记任光耀', quotes: [['政府工作报告站位高远', 'indirect']], pledges: [{ text: '介休市将提高站位抓落实', slogans: [] }] },
  {
    official: '市政协副主席、寿阳县委书记赵宏钟',
    quotes: [['政府工作报告有三个特点:一是克难稳进的发展态势来之不易', 'direct']],
    pledges: [{ text: '咬定“争当发展排头兵、建设幸福新寿阳”奋斗目标', slogans: ['争当发展排头兵、建设幸福新寿阳'] }],
  },
];

let dir: string;
let source: CorpusStore;
let text: string;

/** [start, end) in code points of the first occurrence of `piece`. */
function at(piece: string): [number, number] {
  const i = text.indexOf(piece);
  if (i < 0) throw new Error(`not in the article: ${piece}`);
  const start = Array.from(text.slice(0, i)).length;
  return [start, start + Array.from(piece).length];
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-sample-rt-'));
  source = openCorpusStore(path.join(dir, 'source.loupe'), { create: true });
  importBatch(source, [{ name: 'jinzhong-two-sessions.txt', data: new Uint8Array(fs.readFileSync(ARTICLE)) }]);
  const doc = source.getDocument(1);
  text = doc.text;
  const spans: SpanInput[] = [];
  const links: Link[] = [];
  const span = (id: string, label: string, piece: string, attrs: SpanInput['attrs'] = {}) => {
    const [start, end] = at(piece);
    spans.push({ id, label, start, end, attrs, note: '' });
  };
  STRUCTURE.forEach((o, i) => {
    span(`o${i}`, 'official', o.official, { name: o.official.slice(-3) });
    o.quotes.forEach(([q, kind], k) => {
      span(`q${i}${k}`, 'quote', q, { kind });
      links.push({ id: `ls${i}${k}`, type: 'speaker', from: `q${i}${k}`, to: `o${i}` });
    });
    o.pledges.forEach((p, k) => {
      span(`p${i}${k}`, 'pledge', p.text, { measurable: false });
      links.push({ id: `lp${i}${k}`, type: 'pledged_by', from: `p${i}${k}`, to: `o${i}` });
      p.slogans.forEach((s, m) => span(`s${i}${k}${m}`, 'slogan', s));
    });
  });
  source.saveDocument({ id: 1, baseRevision: doc.revision, upsert: spans, remove: [], upsertLinks: links });
});
afterAll(() => {
  source.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Spans as (label, text) and links as (type, from text, to text): what a reader of the corpus sees. */
function annotations(store: CorpusStore) {
  const doc = [...store.documents()].find((d) => d.spans.length > 0)!;
  const chars = Array.from(doc.text);
  const textOf = (id: string) => {
    const s = doc.spans.find((x) => x.id === id)!;
    return chars.slice(s.start, s.end).join('');
  };
  return {
    spans: doc.spans.map((s) => `${s.label}:${chars.slice(s.start, s.end).join('')}`).sort(),
    links: doc.links.map((l) => `${l.type}:${textOf(l.from)}->${textOf(l.to)}`).sort(),
    attrs: doc.spans.filter((s) => Object.keys(s.attrs).length).map((s) => `${s.label}:${JSON.stringify(s.attrs)}`).sort(),
  };
}

const CASES: { format: ExportFormat; importAs: ImportFormat; carries: { links: boolean; attrs: boolean; nested: boolean } }[] = [
  { format: 'jsonl', importAs: 'loupe-jsonl', carries: { links: true, attrs: true, nested: true } },
  { format: 'json', importAs: 'loupe-jsonl', carries: { links: true, attrs: true, nested: true } },
  { format: 'brat', importAs: 'brat', carries: { links: true, attrs: false, nested: true } },
  { format: 'label-studio', importAs: 'label-studio', carries: { links: true, attrs: false, nested: true } },
  { format: 'doccano', importAs: 'doccano', carries: { links: false, attrs: false, nested: true } },
  { format: 'conll', importAs: 'conll', carries: { links: false, attrs: false, nested: false } },
];

describe('the tagged sample article through every format', () => {
  const expected = () => annotations(source);
  for (const { format, importAs, carries } of CASES) {
    it(`${format}: comes back with ${carries.links ? 'its links, ' : ''}${carries.nested ? 'every span' : 'every outermost span'}`, async () => {
      const file = path.join(dir, `sample.${format}`);
      const result = await exportFrom(source, { format, path: file, offsets: 'codepoint' });
      const bytes = new Uint8Array(fs.readFileSync(file));
      const files = format === 'brat' ? Object.entries(unzipSync(bytes)).map(([name, data]) => ({ name, data })) : [{ name: path.basename(file), data: bytes }];
      const target = openCorpusStore(path.join(dir, `${format}.loupe`), { create: true });
      try {
        const report = importBatch(target, files, { format: importAs });
        expect(report.failed).toEqual([]);
        const got = annotations(target);
        const want = expected();
        if (carries.nested) expect(got.spans).toEqual(want.spans);
        else {
          // CoNLL keeps the outermost spans (slogans sit inside pledges) and says how many it dropped.
          const slogans = want.spans.filter((s) => s.startsWith('slogan:'));
          expect(got.spans).toEqual(want.spans.filter((s) => !s.startsWith('slogan:')));
          expect(result.losses).toContain(`spans overlapping a longer span dropped (outermost kept): ${slogans.length}`);
        }
        if (carries.links) expect(got.links).toEqual(want.links);
        else if (want.links.length) expect(result.losses.join('\n')).toMatch(/link/);
        if (carries.attrs) expect(got.attrs).toEqual(want.attrs);
      } finally {
        target.close();
      }
    });
  }
});
