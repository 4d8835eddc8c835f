/**
 * `loupe agreement` on a corpus file: annotators' layers read from SQLite one document at a time, the
 * same figures as the report built from the same layers by hand, a CSV that pandas reads as a data
 * scientist would, and clear refusals.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCorpusStore } from '../../src/main/services/loupeService';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { cli } from './cliRun';
import { schemaOneCorpus } from './corpusHelpers';
import { loseIndexEntry } from './damage';
import type { Layer } from '../../src/shared/agreement/layers';
import { AgreementBuilder, type AgreementReport } from '../../src/shared/agreement/report';
import type { SpanInput } from '../../src/shared/types';
import { DEBIAN_PYTHON, python, requireTool, skipWithout } from '../externalTools';

const PANDAS = python(['pandas'], ['python3-pandas']);
const TEXT = '县委书记在会上说：“今年我们要把问题找准，把责任压实。”\n会议强调，要坚持人民至上。';
const LABELS = ['quote', 'official', 'pledge', 'slogan'];

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-agreement-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Two annotators' spans of two documents (the second annotated by 王芳 only), written as the store keeps them. */
const LAYERS: Record<string, SpanInput[][]> = {
  王芳: [
    [
      { id: 'w1', label: 'official', start: 0, end: 4 },
      { id: 'w2', label: 'quote', start: 9, end: 26 },
      { id: 'w3', label: 'pledge', start: 13, end: 25 },
    ],
    [{ id: 'w4', label: 'slogan', start: 34, end: 38 }],
  ],
  li: [
    [
      { id: 'l1', label: 'official', start: 0, end: 4 },
      { id: 'l2', label: 'quote', start: 8, end: 27 },
      { id: 'l3', label: 'slogan', start: 13, end: 25 },
    ],
    [],
  ],
};

function writeCorpus(): string {
  const file = path.join(dir, 'team.loupe');
  const store = openCorpusStore(file, { create: true });
  try {
    for (let d = 0; d < 2; d++) {
      const spans = Object.values(LAYERS).flatMap((docs) => docs[d]!);
      store.insertDocument({ title: `第${d + 1}篇`, text: d === 0 ? TEXT : TEXT.slice(0, 40), spans });
    }
    // Several annotators' layers in one step: the test sets each span's annotator in the file directly.
    const attribute = store.db.prepare('UPDATE spans SET annotator = ? WHERE id = ?');
    for (const [name, docs] of Object.entries(LAYERS)) for (const s of docs.flat()) attribute.run(name, s.id);
    store.insertDocument({ title: 'unattributed', text: '无人标注', spans: [{ id: 'n1', label: 'quote', start: 0, end: 2 }] });
  } finally {
    store.close();
  }
  return file;
}

/** The report built by hand from the same layers. */
function expected(): AgreementReport {
  const builder = new AgreementBuilder(['li', '王芳'], LABELS);
  for (let d = 0; d < 2; d++) {
    const layer = (name: string): Layer | null => {
      const spans = LAYERS[name]![d]!;
      return spans.length ? { spans: spans.map((s) => ({ ...s, attrs: {} })), links: [] } : null;
    };
    builder.add({ id: d + 1, name: `第${d + 1}篇`, length: [...(d === 0 ? TEXT : TEXT.slice(0, 40))].length, layers: [layer('li'), layer('王芳')] });
  }
  return builder.report();
}

describe('loupe agreement', () => {
  it('prints the figures of every annotator of the corpus, as JSON the same report as the layers give by hand', async () => {
    const corpus = writeCorpus();
    const text = await cli('agreement', corpus);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/agreement between li, 王芳: 1 document annotated by two or more of them/);
    expect(text.out).toMatch(/1 span with no annotator left out/);
    expect(text.out).toMatch(/li – 王芳: Cohen κ \d\.\d{3}; spans exact F1 0\.333/);
    // The document's figures, the label confusion and each disagreement, as the JSON has them.
    const hand = expected();
    const doc = hand.byDocument[0]!;
    expect(text.out).toContain(`by document, least agreement first (1 of 1):\n  1 第1篇: α ${doc.characters.alpha.value!.toFixed(3)}, mean Cohen κ ${doc.characters.meanCohen.value!.toFixed(3)}`);
    expect(text.out).toContain('labels of spans drawn at the same place, li → 王芳');
    for (const cell of hand.confusion[0]!.cells) expect(text.out).toContain(`  ${cell.a ?? 'none'} → ${cell.b ?? 'none'}: ${cell.count}\n`);
    const listed = text.out.split('\n').filter((l) => /^ {2}1 第1篇: (label|boundary|label-boundary|only-a|only-b) · li: /.test(l));
    expect(listed).toHaveLength(hand.disagreements.length);
    expect(hand.disagreements.length).toBeGreaterThan(0);
    const json = await cli('agreement', corpus, '--format', 'json', '--annotators', 'li,王芳');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out) as AgreementReport & { unattributedSpans: number };
    expect(report.unattributedSpans).toBe(1);
    expect(JSON.parse(JSON.stringify(expected()))).toEqual(JSON.parse(JSON.stringify({ ...report, unattributedSpans: undefined })));
    expect(report.characters.corpus.cohen[0]!.kappa.value).not.toBeNull();
  });

  it.skipIf(skipWithout(PANDAS))('writes figures and disagreements as CSV that pandas reads, with the values of the JSON', async () => {
    requireTool(PANDAS);
    const corpus = writeCorpus();
    const out = path.join(dir, 'agreement.csv');
    const r = await cli('agreement', corpus, '--format', 'csv', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/agreement\.disagreements\.csv/);
    const report = expected();
    const py = spawnSync(
      DEBIAN_PYTHON,
      [
        '-I',
        '-c',
        `import json, sys, pandas as pd
f = pd.read_csv(sys.argv[1])
d = pd.read_csv(sys.argv[2])
corpus = f[(f.section == 'characters') & f.document_id.isna() & f.label.isna()]
print(json.dumps({
  'fleiss': float(corpus[corpus.measure == 'fleiss_kappa'].value.iloc[0]),
  'alpha': float(corpus[corpus.measure == 'krippendorff_alpha'].value.iloc[0]),
  'exact_f1': float(f[(f.section == 'spans') & f.label.isna() & f.document_id.isna() & (f.measure == 'exact_f1')].value.iloc[0]),
  'kinds': sorted(d.kind.tolist()),
  'starts': [int(x) for x in d.start_a.dropna().tolist()],
  'columns': list(f.columns),
}))`,
        out,
        out.replace(/\.csv$/, '.disagreements.csv'),
      ],
      { encoding: 'utf8' },
    );
    expect(py.stderr).toBe('');
    const got = JSON.parse(py.stdout) as { fleiss: number; alpha: number; exact_f1: number; kinds: string[]; starts: number[]; columns: string[] };
    expect(got.columns[0]).toBe('section'); // the BOM is read as such, not as part of the first name
    expect(got.fleiss).toBeCloseTo(report.characters.corpus.fleiss.value!, 12);
    expect(got.alpha).toBeCloseTo(report.characters.corpus.alpha.value!, 12);
    expect(got.exact_f1).toBeCloseTo(report.spans.pairs[0]!.exact.f1!, 12);
    expect(got.kinds).toEqual(report.disagreements.map((x) => x.kind).sort());
    expect(got.starts.length).toBeGreaterThan(0);
  });

  it('only reads the corpus, and writes no report from one that fails its integrity check (checked while it is read)', async () => {
    const corpus = writeCorpus();
    const sha = (): string => createHash('sha256').update(fs.readFileSync(corpus)).digest('hex');
    const before = sha();
    expect((await cli('agreement', corpus, '--format', 'json', '--out', path.join(dir, 'ok.json'))).code).toBe(0);
    expect(sha()).toBe(before);
    expect(fs.existsSync(`${corpus}-wal`) ? fs.statSync(`${corpus}-wal`).size : 0).toBe(0);

    // Every read the command makes gets through; only SQLite's integrity check sees the damage.
    loseIndexEntry(corpus, 'l3');
    expect(() => openCorpusStore(corpus, { create: false, readOnly: true })).toThrow(/fails SQLite's integrity check/);
    const damaged = sha();
    const result = await cli('agreement', corpus, '--format', 'json', '--out', path.join(dir, 'damaged.json'));
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/is damaged: it fails SQLite's integrity check/);
    expect(fs.existsSync(path.join(dir, 'damaged.json'))).toBe(false);
    expect(sha()).toBe(damaged);
  });

  it('a corpus too old to be read as it is gets upgraded first, as every command does', async () => {
    const file = schemaOneCorpus(path.join(dir, 'v1.loupe'));
    const result = await cli('agreement', file);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/agreement needs two or more annotators; this corpus has none/);
    const upgraded = new Database(file, { readonly: true });
    expect(upgraded.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    upgraded.close();
  });

  it('refuses clearly: an unknown annotator, one annotator, a CSV to stdout, an unknown label', async () => {
    const corpus = writeCorpus();
    const runs = [
      await cli('agreement', corpus, '--annotators', 'li,sam'),
      await cli('agreement', corpus, '--annotators', 'li'),
      await cli('agreement', corpus, '--format', 'csv'),
      await cli('agreement', corpus, '--label', 'nope'),
    ];
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    const said = runs.map((r) => r.err).join('');
    expect(said).toMatch(/no spans by "sam" in this corpus \(its annotators: li, 王芳\)/);
    expect(said).toMatch(/agreement needs two or more annotators/);
    expect(said).toMatch(/--format csv writes two files/);
    expect(said).toMatch(/no label called nope/);
  });
});
