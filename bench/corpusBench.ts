/**
 * Node-side benchmarks of issue 5: export of 1,000,000 spans over 10,000 documents (JSONL, CSV) and
 * import of 10,000 articles, each against the sqlite3 command-line tool doing the same work from the
 * same file, alternating runs so machine noise falls on both; peak memory of the export.
 * Data is generated deterministically. Writes bench/RESULTS-corpus.md. Run: npm run bench
 * (BENCH_DOCS and BENCH_RUNS make it smaller or longer).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importBatch } from '../src/main/formats/import';
import { exportFrom, openCorpusStore } from '../src/main/services/loupeService';
import type { SpanInput } from '../src/shared/types';

const DOCS = Number(process.env.BENCH_DOCS ?? 10_000);
const SPANS_PER_DOC = 100;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const OUT = path.resolve(__dirname, 'RESULTS-corpus.md');

/** Sentences in the register of Chinese government news, recombined into articles. */
const SENTENCES = [
  '市人大常委会副主任表示，今年的政府工作报告找准了发展的切入点。',
  '要紧紧围绕市两会确定的目标任务，撸袖实干、合力攻坚。',
  '县委书记在会上说：“今年我们要把问题找准、把责任压实。”',
  '全县将坚持“一河一策”，做到三个确保。',
  '一是确保5月底前完成主要河段清淤；二是确保每条河都有专职巡河员。',
  '治理资金已落实1.2亿元，其中一半用于农村小微水体。',
  '坚持传统产业升级改造和新兴产业培育壮大两手抓。',
  '扩充“文旅+”版图，进一步涵养生态、丰富业态、完善形态。',
  '持之以恒开展技术攻关、久久为功优化营商环境。',
  '努力以一域之发展为全市全局添彩加力。',
];
const LABELS = ['quote', 'official', 'pledge', 'slogan'];

/** A small deterministic generator (LCG). */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
}

function article(i: number, rnd: (n: number) => number): { title: string; text: string; spans: SpanInput[] } {
  const paragraphs: string[] = [];
  let length = 0;
  while (length < 2000) {
    const p = Array.from({ length: 4 }, () => SENTENCES[rnd(SENTENCES.length)]!).join('');
    paragraphs.push(p);
    length += p.length;
  }
  const text = paragraphs.join('\n');
  const cps = Array.from(text).length;
  const spans: SpanInput[] = Array.from({ length: SPANS_PER_DOC }, (_, k) => {
    const start = rnd(cps - 40);
    return { id: `d${i}s${k}`, label: LABELS[rnd(4)]!, start, end: start + 1 + rnd(30) };
  });
  return { title: `第${i + 1}篇 ${paragraphs[0]!.slice(0, 12)}`, text, spans };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (f: () => void): number => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const timeAsync = async (f: () => Promise<unknown>): Promise<number> => {
  const t = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

/** Peak RSS growth of a Loupe export, measured in a child process of its own (so nothing else counts). */
function exportMemory(corpus: string, format: string, out: string): { idleMb: number; peakMb: number } {
  const script = `
    const { exportFrom, openCorpusStore } = require('../src/main/services/loupeService');
    const store = openCorpusStore(${JSON.stringify(corpus)}, { create: false });
    global.gc && global.gc();
    const idle = process.resourceUsage().maxRSS;
    exportFrom(store, { format: ${JSON.stringify(format)}, path: ${JSON.stringify(out)}, offsets: 'codepoint' }).then(() => {
      console.log(JSON.stringify({ idle, peak: process.resourceUsage().maxRSS }));
      store.close();
    });`;
  const r = spawnSync(process.execPath, ['--expose-gc', '-r', 'tsx/cjs', '-e', script], { cwd: __dirname, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const { idle, peak } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { idle: number; peak: number };
  return { idleMb: idle / 1024, peakMb: peak / 1024 };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-bench-'));
  const lines: string[] = [];
  const log = (s: string) => {
    console.log(s);
    lines.push(s);
  };
  try {
    const rnd = random(20261126);
    const corpus = path.join(dir, 'bench.loupe');
    const store = openCorpusStore(corpus, { create: true });
    const docs = Array.from({ length: DOCS }, (_, i) => article(i, rnd));
    const build = time(() => {
      store.db.transaction(() => {
        for (const d of docs) store.insertDocument({ title: d.title, text: d.text, spans: d.spans });
      })();
    });
    const textMb = docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0) / 1e6;
    store.close();

    log(`# Corpus benchmarks (Node side)\n`);
    log(`- machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${os.platform()} ${os.release()}`);
    log(`- Node ${process.version}, sqlite3 CLI ${execFileSync('sqlite3', ['--version'], { encoding: 'utf8' }).split(' ')[0]}, run ${new Date().toISOString()}`);
    log(`- data: ${DOCS} documents, ${(textMb).toFixed(1)} MB of UTF-8 text, ${DOCS * SPANS_PER_DOC} spans (generated, seed 20261126; built in ${(build / 1000).toFixed(1)} s)`);
    log(`- each figure is the median of ${RUNS} runs; Loupe and the baseline alternate within a run\n`);

    // Export: Loupe's streaming exporter against sqlite3 writing the same rows with its JSON functions.
    const sqlJsonl = `SELECT json_object('id', d.id, 'title', d.title, 'text', d.text, 'spans',
      (SELECT json_group_array(json_object('id', s.id, 'label', s.label, 'start', s.start_cp, 'end', s.end_cp,
        'text', substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp))) FROM spans s WHERE s.document_id = d.id))
      FROM documents d ORDER BY d.id;`;
    const sqlCsv = `.mode csv\nSELECT d.id, d.title, s.id, s.label, s.start_cp, s.end_cp, substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp)
      FROM spans s JOIN documents d ON d.id = s.document_id ORDER BY d.id, s.start_cp;`;
    log('| Export | Loupe (s) | sqlite3 (s) | ratio | target |');
    log('| --- | --- | --- | --- | --- |');
    for (const [format, sql] of [['jsonl', sqlJsonl], ['csv', sqlCsv]] as const) {
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const reader = openCorpusStore(corpus, { create: false });
        ours.push(await timeAsync(() => exportFrom(reader, { format, path: path.join(dir, `out.${format}`), offsets: 'codepoint' })));
        reader.close();
        theirs.push(time(() => execFileSync('sqlite3', ['-readonly', corpus], { input: sql, stdio: ['pipe', fs.openSync(path.join(dir, `base.${format}`), 'w'), 'inherit'] })));
      }
      const ratio = median(ours) / median(theirs);
      log(`| ${format.toUpperCase()} | ${(median(ours) / 1000).toFixed(2)} | ${(median(theirs) / 1000).toFixed(2)} | ${ratio.toFixed(2)} | ≤ 1.5× ${ratio <= 1.5 ? 'met' : '**not met**'} |`);
    }

    // Memory of the export, in a process of its own.
    log('\n| Export memory | idle RSS (MB) | peak RSS (MB) | growth (MB) | target |');
    log('| --- | --- | --- | --- | --- |');
    for (const format of ['jsonl', 'csv']) {
      const m = exportMemory(corpus, format, path.join(dir, `mem.${format}`));
      const growth = m.peakMb - m.idleMb;
      log(`| ${format.toUpperCase()} | ${m.idleMb.toFixed(0)} | ${m.peakMb.toFixed(0)} | ${growth.toFixed(0)} | ≤ 64 MB ${growth <= 64 ? 'met' : '**not met**'} |`);
    }

    // Import: 10,000 articles from JSONL into a fresh corpus, against sqlite3 loading the same articles
    // (as a JSON array, which json_each reads) into the same schema.
    const jsonl = path.join(dir, 'articles.jsonl');
    const array = path.join(dir, 'articles.json');
    fs.writeFileSync(jsonl, docs.map((d) => JSON.stringify({ title: d.title, text: d.text })).join('\n') + '\n');
    fs.writeFileSync(array, JSON.stringify(docs.map((d) => ({ title: d.title, text: d.text }))));
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const target = path.join(dir, `import-${r}.loupe`);
      const fresh = openCorpusStore(target, { create: true });
      ours.push(time(() => importBatch(fresh, [{ name: 'articles.jsonl', data: new Uint8Array(fs.readFileSync(jsonl)) }])));
      fresh.close();
      const base = path.join(dir, `base-${r}.loupe`);
      openCorpusStore(base, { create: true }).close(); // the same schema, empty
      const sql = `INSERT INTO documents (title, text, meta, status, note, revision, created_at, updated_at)
        SELECT json_extract(value, '$.title'), json_extract(value, '$.text'), '{}', 'new', '', 0, datetime('now'), datetime('now')
        FROM json_each(readfile('${array.replace(/'/g, "''")}'));`;
      theirs.push(time(() => execFileSync('sqlite3', [base], { input: sql })));
    }
    const ratio = median(ours) / median(theirs);
    log('\n| Import | Loupe (s) | sqlite3 (s) | ratio | target |');
    log('| --- | --- | --- | --- | --- |');
    log(`| ${DOCS} articles, JSONL | ${(median(ours) / 1000).toFixed(2)} | ${(median(theirs) / 1000).toFixed(2)} | ${ratio.toFixed(2)} | ≤ 2× ${ratio <= 2 ? 'met' : '**not met**'} |`);
    log('\nNot yet measured here: opening, typing and tagging in the editor, and the renderer heap (issue 5 items 3–5).');
    fs.writeFileSync(OUT, `${lines.join('\n')}\n`);
    console.log(`\nwritten to ${OUT}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
