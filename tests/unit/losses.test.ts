/**
 * What each export cannot carry is reported, every kind with its count; what an import could not take
 * is in the report's notes of the document. The corpus here has one of everything a document holds: a
 * title, a status, a note, metadata, a fragmented span, nested and overlapping spans, a span across a
 * paragraph break, one cut inside a word, attribute values of every kind (a false flag among them),
 * span notes (one with a line break), links, and labels, attributes and link types with spaces.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importBatch } from '../../src/main/services/importer';
import { exportFrom, openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import type { ExportFormat, Fragment, SpanInput } from '../../src/shared/types';
import { EXPORT_FORMATS } from '../../src/shared/types';
import { FIXTURES } from '../fixturePaths';

let dir: string;
let store: CorpusStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-losses-'));
  store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const P1 = '寿阳县委书记赵宏钟表示，“我们要抓落实，”他说，“不搞形式。”会议闭幕';
const P2 = 'Ministry official Li Wei pledged full coverage by 2030.';
const TEXT = `${P1}\n${P2}`;

/** Where `piece` is in TEXT, in code points (found by search, not by Loupe's offset code). */
function at(piece: string): Fragment {
  const i = TEXT.indexOf(piece);
  if (i < 0) throw new Error(`test setup: ${piece} is not in the text`);
  const start = Array.from(TEXT.slice(0, i)).length;
  return [start, start + Array.from(piece).length];
}
const span = (id: string, label: string, pieces: string[], extra: Partial<SpanInput> = {}): SpanInput => {
  const fragments = pieces.map(at);
  return { id, label, start: fragments[0]![0], end: fragments[fragments.length - 1]![1], ...(fragments.length > 1 ? { fragments } : {}), ...extra };
};

function seed(): void {
  store.addToSchema({
    labels: [
      {
        name: 'Ministry official',
        color: '#123456',
        hotkey: null,
        description: '',
        attributes: [{ name: 'rank level', kind: 'choice', options: ['vice minister', 'minister'], default: null, description: '' }],
      },
    ],
    linkTypes: [{ name: 'works for', from: ['Ministry official'], to: [], color: '#654321', description: '' }],
  });
  store.insertDocument({
    title: '寿阳两会',
    text: TEXT,
    status: 'done',
    note: '核实过',
    meta: { source: '新华社' },
    spans: [
      span('zhao', 'official', ['寿阳县委书记赵宏钟'], { attrs: { name: '赵宏钟', role: '县委 书记' } }),
      span('nested', 'slogan', ['赵宏钟']),
      span('q', 'quote', ['“我们要抓落实，”', '“不搞形式。”'], { attrs: { kind: 'direct' }, note: 'two\npieces' }),
      span('across', 'slogan', ['会议闭幕\nMinistry']),
      span('li', 'Ministry official', ['Li Wei'], { attrs: { 'rank level': 'vice minister' } }),
      span('plan', 'pledge', ['full coverage by 2030'], { attrs: { measurable: false, target_year: 2030 } }),
      span('cut', 'slogan', ['pledge']), // inside "pledged"
    ],
    links: [
      { id: 'l1', type: 'speaker', from: 'q', to: 'zhao' },
      { id: 'l2', type: 'works for', from: 'li', to: 'zhao' },
      { id: 'l3', type: 'pledged_by', from: 'plan', to: 'zhao' },
    ],
  });
  store.insertDocument({ title: 'No spans', text: 'No spans here.' });
}

const TITLES = 'document titles (other than the first line of the text)';
const STATUSES = 'document statuses (in progress, done)';
const NOTES = 'document notes';
const META = 'document metadata (file name, source…)';

/** Every format's report, exactly. */
const EXPECTED: Record<ExportFormat, string[]> = {
  jsonl: [],
  json: [],
  csv: [
    "document texts (a row holds its span's text and 30 characters on each side): 2",
    'documents without spans (a row is a span: their titles and statuses are not in the file): 1',
    `${NOTES}: 1`,
    `${META}: 1`,
  ],
  // Written with the spans CSV, for its links; alone it is asked for the links only.
  'csv-links': [],
  // The documents sheet holds what the spans sheet cannot: texts, titles, statuses, notes, metadata.
  xlsx: [],
  doccano: [
    'links: 3',
    'fragmented spans written as one span per fragment: 1',
    'attribute values: 6',
    'span notes: 1',
    `${TITLES}: 2`,
    `${STATUSES}: 1`,
    `${NOTES}: 1`,
    `${META}: 1`,
  ],
  'label-studio': [
    'fragmented spans written as one region per fragment: 1',
    'attribute values (Label Studio needs a labelling config for them): 6',
    `${STATUSES}: 1`,
    `${NOTES}: 1`,
    `${META}: 1`,
  ],
  brat: [
    'label or type names with spaces written with _: 3', // Ministry official, rank level, works for
    'attribute values with spaces written with _: 2', // 县委 书记, vice minister
    'spans across line breaks split into fragments at the breaks: 1',
    'span notes with line breaks written on one line: 1',
    'flags that are false, written as absent (brat has no false): 1',
    `${TITLES}: 2`,
    `${STATUSES}: 1`,
    `${NOTES}: 1`,
    `${META}: 1`,
  ],
  conll: [
    'spans overlapping a longer span dropped (outermost kept): 1', // 赵宏钟 inside the official
    'spans widened to whole tokens: 1', // "pledge" inside "pledged"
    'fragmented spans written as separate spans: 1',
    'spans across paragraphs split at paragraph breaks: 1',
    'links not representable: 3',
    'attribute values not representable: 6',
    'span notes not representable: 1',
    'document texts whose spaces, blank lines or invisible characters CoNLL cannot keep (it holds tokens): 2',
    'spans whose label has spaces, tagged with _ instead: 1',
    `${STATUSES}: 1`,
    `${NOTES}: 1`,
    `${META}: 1`,
  ],
  w3c: [
    'document texts, titles, statuses, notes and metadata (targets name documents by URN): 2',
    'documents without annotations: 1',
    'attribute values written as name=value text (a flag or number is text there): 6',
  ],
};

describe('every export reports every kind of thing it drops, with counts', () => {
  for (const format of EXPORT_FORMATS) {
    it(format, async () => {
      seed();
      const result = await exportFrom(store, { format, path: path.join(dir, `out.${format}`), offsets: 'codepoint' });
      expect(result.losses).toEqual(EXPECTED[format]);
    });
  }

  it('a faithful corpus (titles from the text, no notes, no metadata, new) loses nothing in doccano', async () => {
    store.insertDocument({ title: '李强在北京', text: '李强在北京', status: 'new', spans: [{ id: 's', label: 'official', start: 0, end: 2 }] });
    const result = await exportFrom(store, { format: 'doccano', path: path.join(dir, 'out.jsonl'), offsets: 'codepoint' });
    expect(result.losses).toEqual([]);
  });
});

describe('what an import could not take is in the report, not only in the metadata', () => {
  it('brat: events, equivalences, normalisations, and relations, attributes and notes on events', () => {
    const read = (name: string) => ({ name: `bio/${name}`, data: new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'brat', 'example-data', 'bio', name))) });
    const report = importBatch(store, [read('PMID-1.txt'), read('PMID-1.ann')]);
    expect(report.failed).toEqual([]);
    expect(report.imported.map((r) => r.notes)).toEqual([
      [
        'brat events (E lines) skipped, their trigger words kept as spans: 2',
        'brat equivalences (* lines) skipped: 1',
        'brat normalizations (N lines) skipped: 1',
        'brat relations with an end that is no text-bound annotation (an event) skipped: 1',
        'brat attributes of events or relations skipped: 1',
        'brat notes on events or relations skipped: 1',
      ],
    ]);
    // And the lines themselves stay in the document's metadata.
    const doc = store.getDocument(report.imported[0]!.documentId);
    expect(doc.meta.bratUnsupportedLines).toHaveLength(7);
  });

  it('brat: fragments joined, and an attribute given twice, are said too', () => {
    const report = importBatch(store, [
      { name: 'a.txt', data: new TextEncoder().encode('寿阳县委书记') },
      { name: 'a.ann', data: new TextEncoder().encode('T1\tOfficial 0 2;2 4\t寿阳 县委\nA1\tKind T1 a\nA2\tKind T1 b\n') },
    ]);
    expect(report.failed).toEqual([]);
    expect(report.imported[0]!.notes).toEqual([
      'brat spans whose empty fragments were dropped or touching ones joined: 1',
      'brat attribute values dropped for a later value of the same attribute on the same span: 1',
    ]);
  });

  it('the CLI prints them under the document', () => {
    const corpus = path.join(dir, 'cli.loupe');
    const bio = path.join(FIXTURES, 'brat', 'example-data', 'bio');
    const run = spawnSync(process.execPath, [path.resolve(__dirname, '../../bin/loupe.cjs'), 'import', corpus, bio], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^imported bio\/PMID-1\.txt .*\n {2}brat events \(E lines\) skipped, their trigger words kept as spans: 2\n/m);
  });
});
