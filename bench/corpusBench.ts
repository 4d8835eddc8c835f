/**
 * Node-side benchmarks of issue 5: export of 1,000,000 spans over 10,000 documents (JSONL, CSV) and
 * import of 10,000 articles, each against the sqlite3 command-line tool doing the same work from the
 * same file, alternating runs so machine noise falls on both; peak memory of the export.
 * Data is generated deterministically. Writes bench/RESULTS-corpus.md. Run: npm run bench
 * (BENCH_DOCS and BENCH_RUNS make it smaller or longer).
 *
 * The sqlite3 baseline writes the same rows as Loupe, with its own JSON functions and CSV mode: the
 * JSONL byte for byte (this text has none of the line separators Loupe escapes), the CSV with every
 * column (context, fragments, attributes) and the links CSV beside it; the first run checks that
 * (sameBytes, sameCsvRows). The narrower queries of the first version of this benchmark are still
 * timed, as a reference.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { attributeColumns, CSV_HEADER, LINKS_CSV_HEADER } from '../src/main/formats/export/csv';
import { importBatch } from '../src/main/services/importer';
import { exportFrom, linksCsvPath, openCorpusStore } from '../src/main/services/loupeService';
import type { Label, SpanInput } from '../src/shared/types';
import { median, random, SENTENCES } from './data';

const DOCS = Number(process.env.BENCH_DOCS ?? 10_000);
const SPANS_PER_DOC = 100;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const OUT = path.resolve(__dirname, 'RESULTS-corpus.md');

const LABELS = ['quote', 'official', 'pledge', 'slogan'];

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

/** What exportMemory.ts reports. */
interface ExportMemory {
  idleMb: number;
  peakMb: number;
  heapPeakMb: number;
  peakFrom: 'VmHWM' | 'samples';
}

/** Memory of one Loupe export, measured in a process of its own by exportMemory.ts (see there how). */
function exportMemory(corpus: string, format: string, out: string): ExportMemory {
  const r = spawnSync(process.execPath, ['--expose-gc', '-r', 'tsx/cjs', path.join(__dirname, 'exportMemory.ts'), corpus, format, out], {
    cwd: __dirname,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ExportMemory;
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The JSONL export in SQL: Loupe's fields in Loupe's order, spans by start, end and id, offsets in code points. */
const SQL_JSONL = `SELECT json_object('id', d.id, 'title', d.title, 'text', d.text, 'meta', json(d.meta), 'status', d.status,
    'note', d.note, 'offset_unit', 'codepoint',
    'spans', (SELECT json_group_array(json(o)) FROM (SELECT json_object('id', s.id, 'label', s.label, 'start', s.start_cp,
        'end', s.end_cp, 'text', substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp),
        'fragments', CASE WHEN s.fragments IS NULL THEN json_array(json_array(s.start_cp, s.end_cp)) ELSE json(s.fragments) END,
        'attrs', json(s.attrs), 'note', s.note, 'annotator', s.annotator) AS o
      FROM spans s WHERE s.document_id = d.id ORDER BY s.start_cp, s.end_cp, s.id)),
    'links', (SELECT json_group_array(json(o)) FROM (SELECT json_object('id', l.id, 'type', l.type, 'from', l.from_span, 'to', l.to_span,
        'annotator', (SELECT f.annotator FROM spans f WHERE f.id = l.from_span)) AS o
      FROM links l WHERE l.document_id = d.id ORDER BY l.id)))
  FROM documents d ORDER BY d.id;`;

/**
 * The CSV export in SQL, both files: the spans CSV with all of Loupe's columns (the attribute columns
 * from the corpus's labels) to `spans`, the links CSV to `links`, each with a BOM and a header row.
 * A span's text and its context come from one window of the document's text, cut once per row:
 * SQLite's substr() walks the UTF-8 from the start of its argument, so three cuts of the whole text
 * would make the baseline twice as slow. sqlite3 quotes more fields than Loupe (every non-ASCII or
 * empty one); the values are the same.
 */
function sqlCsv(labels: Label[], spans: string, links: string): string {
  const attrs = attributeColumns(labels).map(({ label, name }) => {
    const at = sqlString(`$."${name}"`);
    return `CASE WHEN label = ${sqlString(label)} THEN CASE json_type(attrs, ${at}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
      ELSE coalesce(attrs ->> ${at}, '') END ELSE '' END`;
  });
  const header = (names: readonly string[]) => `SELECT char(65279) || ${sqlString(names.join(','))};`;
  return `.mode list
.separator , "\\r\\n"
.output ${JSON.stringify(spans)}
${header([...CSV_HEADER, ...attributeColumns(labels).map((c) => c.header)])}
.mode csv
SELECT doc_id, title, status, id, label, start_cp, end_cp, substr(w, a + 1, n),
    CASE WHEN fragments IS NULL THEN start_cp || '-' || end_cp
      ELSE (SELECT group_concat((value ->> 0) || '-' || (value ->> 1), ';') FROM json_each(fragments)) END,
    substr(w, 1, a), substr(w, a + n + 1, 30), note, 'codepoint', coalesce(annotator, '')${attrs.map((a) => `,\n    ${a}`).join('')}
  FROM (SELECT d.id AS doc_id, d.title AS title, d.status AS status, s.id AS id, s.label AS label, s.start_cp AS start_cp,
      s.end_cp AS end_cp, s.fragments AS fragments, s.note AS note, s.attrs AS attrs, s.annotator AS annotator,
      min(s.start_cp, 30) AS a, s.end_cp - s.start_cp AS n,
      substr(d.text, max(s.start_cp - 29, 1), min(s.start_cp, 30) + s.end_cp - s.start_cp + 30) AS w
    FROM spans s JOIN documents d ON d.id = s.document_id ORDER BY s.document_id, s.start_cp, s.end_cp, s.id LIMIT -1);
.mode list
.separator , "\\r\\n"
.output ${JSON.stringify(links)}
${header(LINKS_CSV_HEADER)}
.mode csv
SELECT l.id, l.type, l.from_span, substr(d.text, f.start_cp + 1, f.end_cp - f.start_cp),
    l.to_span, substr(d.text, t.start_cp + 1, t.end_cp - t.start_cp), l.document_id, coalesce(f.annotator, '')
  FROM links l JOIN documents d ON d.id = l.document_id JOIN spans f ON f.id = l.from_span JOIN spans t ON t.id = l.to_span
  ORDER BY l.document_id, l.id;
`;
}

/** The first version's queries: JSONL without meta, status, note, fragments, attrs and links; a 7-column CSV, no links CSV. */
const NARROW_SQL = {
  jsonl: `SELECT json_object('id', d.id, 'title', d.title, 'text', d.text, 'spans',
      (SELECT json_group_array(json_object('id', s.id, 'label', s.label, 'start', s.start_cp, 'end', s.end_cp,
        'text', substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp))) FROM spans s WHERE s.document_id = d.id))
      FROM documents d ORDER BY d.id;`,
  csv: `.mode csv\nSELECT d.id, d.title, s.id, s.label, s.start_cp, s.end_cp, substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp)
      FROM spans s JOIN documents d ON d.id = s.document_id ORDER BY d.id, s.start_cp;`,
};

/** Runs the sqlite3 CLI, read-only, on `corpus` with `sql` as its input and its output to `out` (none: the script's .output). */
function sqlite3(corpus: string, sql: string, out?: string): void {
  const fd = out === undefined ? 'ignore' : fs.openSync(out, 'w');
  try {
    execFileSync('sqlite3', ['-readonly', corpus], { input: sql, stdio: ['pipe', fd, 'inherit'] });
  } finally {
    if (typeof fd === 'number') fs.closeSync(fd);
  }
}

/** The records of a CSV text (RFC 4180), one array of fields each. */
function* csvRecords(text: string): Generator<string[]> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const record: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        for (i++; ; ) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new Error('a quoted CSV field does not end');
          if (text[q + 1] === '"') {
            field += text.slice(i, q + 1);
            i = q + 2;
          } else {
            field += text.slice(i, q);
            i = q + 1;
            break;
          }
        }
      } else {
        let j = i;
        while (j < text.length && text[j] !== ',' && text[j] !== '\r') j++;
        field = text.slice(i, j);
        i = j;
      }
      record.push(field);
      if (text[i] === ',') i++;
      else break;
    }
    i += 2; // CRLF
    yield record;
  }
}

/** Throws unless two CSV files hold the same records (quoting may differ). */
function sameCsvRows(ours: string, theirs: string): void {
  const a = csvRecords(fs.readFileSync(ours, 'utf8'));
  const b = csvRecords(fs.readFileSync(theirs, 'utf8'));
  for (let row = 0; ; row++) {
    const x = a.next();
    const y = b.next();
    if (x.done && y.done) return;
    if (JSON.stringify(x.value) !== JSON.stringify(y.value)) {
      throw new Error(`the sqlite3 baseline's ${path.basename(theirs)} differs from Loupe's at record ${row}: ${JSON.stringify(y.value)} vs ${JSON.stringify(x.value)}`);
    }
  }
}

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Throws unless two files are byte-identical. */
function sameBytes(ours: string, theirs: string): void {
  if (sha256(ours) !== sha256(theirs)) throw new Error(`the sqlite3 baseline's ${path.basename(theirs)} is not byte-identical to Loupe's`);
}

/** Generates the corpus and the import inputs; returns where they are (the articles themselves are let go). */
function generate(dir: string): { corpus: string; build: number; textMb: number; jsonl: string; array: string } {
  const rnd = random(20261126);
  const corpus = path.join(dir, 'bench.loupe');
  const store = openCorpusStore(corpus, { create: true });
  const docs = Array.from({ length: DOCS }, (_, i) => article(i, rnd));
  const build = time(() => {
    store.db.transaction(() => {
      for (const d of docs) store.insertDocument({ title: d.title, text: d.text, spans: d.spans });
    })();
  });
  store.close();
  const jsonl = path.join(dir, 'articles.jsonl');
  const array = path.join(dir, 'articles.json');
  fs.writeFileSync(jsonl, docs.map((d) => JSON.stringify({ title: d.title, text: d.text })).join('\n') + '\n');
  fs.writeFileSync(array, JSON.stringify(docs.map((d) => ({ title: d.title, text: d.text }))));
  return { corpus, build, textMb: docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0) / 1e6, jsonl, array };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-bench-'));
  const lines: string[] = [];
  const log = (s: string) => {
    console.log(s);
    lines.push(s);
  };
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  try {
    // Generated in a function of its own, so that the articles are garbage before anything is timed:
    // a heap holding them would slow Loupe's collections, and nothing of the baseline's.
    const { corpus, build, textMb, jsonl, array } = generate(dir);
    (globalThis as { gc?: () => void }).gc?.();
    const labels = openCorpusStore(corpus, { create: false });
    const schema = labels.labels();
    labels.close();

    log(`# Corpus benchmarks (Node side)\n`);
    log(`- machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${os.platform()} ${os.release()}`);
    log(`- Node ${process.version}, sqlite3 CLI ${execFileSync('sqlite3', ['--version'], { encoding: 'utf8' }).split(' ')[0]}, run ${new Date().toISOString()}`);
    log(`- data: ${DOCS} documents, ${(textMb).toFixed(1)} MB of UTF-8 text, ${DOCS * SPANS_PER_DOC} spans (generated, seed 20261126; built in ${(build / 1000).toFixed(1)} s)`);
    log(`- each figure is the median of ${RUNS} runs; Loupe and the baselines alternate within a run\n`);

    // Export: Loupe's exporter against sqlite3 writing the same rows with its JSON functions and CSV mode,
    // and, for reference, against the narrower queries of the first version of this benchmark.
    log('| Export | Loupe (s) | sqlite3, same rows (s) | ratio | target | sqlite3, narrower rows (s) | ratio |');
    log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const format of ['jsonl', 'csv'] as const) {
      const out = path.join(dir, `out.${format}`);
      const base = path.join(dir, `base.${format}`);
      const baseLinks = linksCsvPath(base);
      const ours: number[] = [];
      const theirs: number[] = [];
      const narrow: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const reader = openCorpusStore(corpus, { create: false });
        ours.push(await timeAsync(() => exportFrom(reader, { format, path: out, offsets: 'codepoint' })));
        reader.close();
        theirs.push(time(() => (format === 'jsonl' ? sqlite3(corpus, SQL_JSONL, base) : sqlite3(corpus, sqlCsv(schema, base, baseLinks)))));
        if (r === 0 && format === 'jsonl') sameBytes(out, base);
        if (r === 0 && format === 'csv') {
          sameCsvRows(out, base);
          sameCsvRows(linksCsvPath(out), baseLinks);
        }
        const narrowOut = path.join(dir, `narrow.${format}`);
        narrow.push(time(() => sqlite3(corpus, NARROW_SQL[format], narrowOut)));
      }
      const ratio = median(ours) / median(theirs);
      log(
        `| ${format.toUpperCase()} | ${seconds(median(ours))} | ${seconds(median(theirs))} | ${ratio.toFixed(2)} | ≤ 1.5× ${ratio <= 1.5 ? 'met' : '**not met**'} ` +
          `| ${seconds(median(narrow))} | ${(median(ours) / median(narrow)).toFixed(2)} |`,
      );
    }
    log('\nThe sqlite3 baseline writes what Loupe writes (checked on the first run): the JSONL byte for byte; the spans CSV');
    log('with all its columns (context, fragments, note, offset unit, one per attribute) and the links CSV beside it, quoting');
    log('more fields than Loupe. Loupe also fsyncs its files and renames them into place; sqlite3 does neither. The narrower');
    log("rows, the first version's baseline: JSONL without meta, status, note, fragments, attrs and links, spans in index");
    log('order; a 7-column CSV (no status, fragments, context, note, unit or attributes) and no links CSV.');

    // Memory of the export, in a process of its own.
    log('\n| Export memory | idle RSS (MB) | peak RSS (MB) | growth (MB) | target | JS heap peak (MB, sampled) |');
    log('| --- | --- | --- | --- | --- | --- |');
    let peakFrom = '';
    for (const format of ['jsonl', 'csv']) {
      const m = exportMemory(corpus, format, path.join(dir, `mem.${format}`));
      const growth = m.peakMb - m.idleMb;
      peakFrom = m.peakFrom;
      log(`| ${format.toUpperCase()} | ${m.idleMb.toFixed(0)} | ${m.peakMb.toFixed(0)} | ${growth.toFixed(0)} | ≤ 64 MB ${growth <= 64 ? 'met' : '**not met**'} | ${m.heapPeakMb.toFixed(0)} |`);
    }
    log('\nIdle: the resident set of a process that has opened the corpus and exported one document (so the code is loaded');
    log(`and compiled), after a full GC. Peak: its high-water mark during the export of the whole corpus (${peakFrom === 'VmHWM' ? 'VmHWM, reset just before the export' : 'sampled as the event loop turns'}).`);

    // Import: 10,000 articles from JSONL into a fresh corpus, against sqlite3 loading the same articles
    // (as a JSON array, which json_each reads) into the same schema.
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
        FROM json_each(readfile(${sqlString(array)}));`;
      theirs.push(time(() => execFileSync('sqlite3', [base], { input: sql })));
    }
    const ratio = median(ours) / median(theirs);
    log('\n| Import | Loupe (s) | sqlite3 (s) | ratio | target |');
    log('| --- | --- | --- | --- | --- |');
    log(`| ${DOCS} articles, JSONL | ${seconds(median(ours))} | ${seconds(median(theirs))} | ${ratio.toFixed(2)} | ≤ 2× ${ratio <= 2 ? 'met' : '**not met**'} |`);
    log('\nThe editor (opening, typing, tagging, the renderer heap) is measured by bench/editorBench.ts: see bench/RESULTS-editor.md.');
    fs.writeFileSync(OUT, `${lines.join('\n')}\n`);
    console.log(`\nwritten to ${OUT}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
