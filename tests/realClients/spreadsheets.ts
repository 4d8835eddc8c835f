/**
 * Loupe's exports read by the tools their users load them into, the way those users would:
 *
 * - pandas: the JSONL (`pd.read_json(lines=True)`), the JSON, the spans and links CSVs
 *   (`encoding="utf-8-sig"`), the XLSX (`pd.read_excel`), in every offset unit;
 * - openpyxl: every cell of the XLSX, its value and its type;
 * - LibreOffice headless: the XLSX converted (saved again as XLSX, then read cell by cell with
 *   openpyxl), and the spans and links CSVs imported with the filter options the README documents.
 *
 * A corpus with the traps is built here (astral characters, emoji, Chinese, formulas, numbers and
 * signs at the start of texts, old span ids that start like a formula), exported through the
 * service, and every row compared with the corpus: see spreadsheets.py. `checkSpreadsheets` returns
 * the figures; tests/unit/realClientsSpreadsheets.test.ts asserts on them, and the reliability
 * runner can call it too.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportFrom, importFilesInto, openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import { EXPORT_FORMATS, OFFSET_UNITS, type Link, type OffsetUnit } from '../../src/shared/types';
import { command, DEBIAN_PYTHON, python, type ToolCheck } from '../externalTools';
import { CORPUS_FIXTURES } from '../fixturePaths';
import { makeDoc, type Want } from '../unit/docBuilder';

/** What the check read and what did not match. */
export interface SpreadsheetFigures {
  /** Files read: Loupe's exports and LibreOffice's conversions of them. */
  files: number;
  /** Rows compared (documents, spans, links, header rows). */
  rows: number;
  /** Values compared. */
  cells: number;
  /** Each difference, in words; empty when every file says what the corpus holds. */
  mismatches: string[];
  /** Seconds taken: all of it, and LibreOffice's part. */
  seconds: number;
  libreOfficeSeconds: number;
}

/** The tools: Debian's pandas and openpyxl, and LibreOffice's Calc. */
export const PANDAS: ToolCheck = python(['pandas', 'openpyxl'], ['python3-pandas', 'python3-openpyxl']);
export const libreOffice = (): ToolCheck => command('soffice', ['--headless', '--version'], 'libreoffice-calc-nogui');

const REPO = path.resolve(__dirname, '../..');

/**
 * The LibreOffice import filters the README documents for the spans CSV and the links CSV (from its
 * `soffice … --infilter="…"` lines), so that the README says what was tested.
 */
export function documentedCsvFilters(readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')): { spans: string; links: string } {
  const find = (file: string): string => {
    const line = readme.split('\n').find((l) => l.includes('soffice') && l.includes('--infilter=') && l.trimEnd().endsWith(file));
    const filter = line && /--infilter="([^"]+)"/.exec(line)?.[1];
    if (!filter) throw new Error(`README.md documents no \`soffice --infilter="…" … ${file}\` line`);
    return filter;
  };
  return { spans: find('corpus.csv'), links: find('corpus.links.csv') };
}

/** The columns a CSV filter's 5th token (column/format pairs) marks as text (format 2). */
export function textColumns(filter: string): number[] {
  const formats = (filter.split(':')[1] ?? '').split(',')[4] ?? '';
  const pairs = formats.split('/').map(Number);
  const columns: number[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i + 1] === 2) columns.push(pairs[i]!);
  return columns;
}

/** A document of traps for spreadsheets: formulas, signs, numbers, blanks, old ids that start like a formula. */
const TRAPS_TEXT = [
  '=SUM(A1:A2) 是公式吗?不是,是正文。',
  '1989年,他说:“-5% 的增长不可接受”。+86 10 1234 5678 是电话。',
  '@晋中日报 发文:NA、null 都不是空值;007 号文件;4-7 月;1e5 元。',
  '\u3000全角空格开头,Tab\t在中间,结尾有空格 ',
  '最后一段:“=HYPERLINK("http://example.com", "点击")”',
].join('\n');
const TRAPS: Want[] = [
  { id: '=old', label: 'quote', text: '=SUM(A1:A2)', note: '=SUM(A1:A2)', attrs: { kind: 'direct' } },
  { id: '-old', label: 'slogan', text: '-5% 的增长不可接受', note: '-1' },
  { id: '+old', label: 'official', text: '+86 10 1234 5678', attrs: { name: '+86', role: '=1+1' }, note: '+note' },
  { id: '@old', label: 'official', text: '@晋中日报', attrs: { name: '@晋中日报', role: '1989' } },
  { id: '1989', label: 'slogan', text: '1989' },
  { id: '007', label: 'slogan', text: '007' },
  { id: 'NA', label: 'slogan', text: 'NA' },
  { id: 'null', label: 'slogan', text: 'null' },
  { id: 'april', label: 'slogan', text: '4-7' },
  { id: 'sci', label: 'slogan', text: '1e5' },
  { id: 'blanks', label: 'quote', text: '\u3000全角空格开头,Tab\t在中间,结尾有空格 ', attrs: { kind: 'indirect' } },
  { id: 'across', label: 'quote', text: '不可接受”。+86 10 1234 5678 是电话。\n@晋中日报' },
  { id: 'hyper', label: 'quote', text: '“=HYPERLINK("http://example.com", "点击")”', attrs: { kind: 'mixed' } },
  { id: 'p1', label: 'pledge', text: '007 号文件', attrs: { measurable: false, target_year: 2026 } },
  { id: 'p2', label: 'pledge', text: '4-7 月', attrs: { measurable: true } },
];
const TRAPS_LINKS: Link[] = [
  { id: 'l-formula', type: 'speaker', from: '=old', to: '@old' },
  { id: '1990', type: 'speaker', from: 'blanks', to: '+old' },
  { id: '-link', type: 'pledged_by', from: 'p1', to: '@old' },
];

/** Spans of the tricky-offsets sample: astral characters, emoji sequences, a combining accent, fragments. */
const TRICKY: Want[] = [
  { id: 'head', label: 'official', text: '吉野家' },
  { id: 'yoshi', label: 'slogan', text: '𠮷' },
  { id: 'yoshi-quoted', label: 'quote', text: '“𠮷”' },
  { id: 'split', label: 'quote', text: '“𠮷”字不是“吉”', pieces: ['“𠮷”', '“吉”'], attrs: { kind: 'mixed' } },
  { id: 'thumb', label: 'slogan', text: '👍🏽' },
  { id: 'cross', label: 'quote', text: '品质👍🏽。”\n記者', note: '跨段, "quoted", with a comma' },
  { id: 'mayor', label: 'official', text: '市長', attrs: { name: '柯文哲', role: '臺北市長' } },
  { id: 'cafe', label: 'official', text: 'Cafe\u0301' },
  { id: 'family', label: 'slogan', text: '👨\u200d👩\u200d👧' },
  { id: 'flag', label: 'slogan', text: '🇨🇳' },
  { id: 'tail', label: 'pledge', text: '最后一段没有换行符。', attrs: { measurable: true, target_year: 2026 } },
];

/** Spans of the Jinzhong report (Chinese news, as imported). */
const JINZHONG: Want[] = [
  { id: 'zhang', label: 'official', text: '张英杰', attrs: { name: '张英杰', role: '市人大常委会副主任、榆次区委书记' } },
  { id: 'motto', label: 'quote', text: '“服务太原、当好副核,发展晋中、振兴中部”', attrs: { kind: 'direct' } },
  { id: 'nine', label: 'pledge', text: '报告中9次提到榆次' },
];

/** Adds spans and links to an imported document, located by their text in what the importer stored. */
function tag(store: CorpusStore, id: number, wants: Want[], links: Link[], extra: { note?: string; status?: 'done' | 'in_progress' } = {}): void {
  const doc = store.getDocument(id);
  const built = makeDoc(id, doc.title, doc.text, wants);
  store.saveDocument({ id, baseRevision: doc.revision, upsert: built.spans, remove: [], upsertLinks: links, ...extra });
}

/** Builds the corpus of the check in `dir`: the two samples, imported as a user would, and the traps. */
export function buildSpreadsheetCorpus(dir: string): CorpusStore {
  const store = openCorpusStore(path.join(dir, 'corpus.loupe'), { create: true });
  const files = ['tricky-offsets.txt', 'jinzhong-two-sessions.txt'].map((name) => ({
    name,
    data: fs.readFileSync(path.join(CORPUS_FIXTURES, name)),
  }));
  const report = importFilesInto(store, files);
  if (report.imported.length !== 2) throw new Error(`the samples did not import: ${JSON.stringify(report)}`);
  const [tricky, jinzhong] = report.imported.map((d) => d.documentId) as [number, number];
  // Two annotators' layers (a name a spreadsheet could take for a formula among them), and the traps of nobody.
  store.annotator = '=王芳';
  tag(store, tricky, TRICKY, [{ id: 'tl1', type: 'speaker', from: 'yoshi-quoted', to: 'head' }], { note: '𠮷 twice', status: 'in_progress' });
  store.annotator = 'li, "lee"';
  tag(store, jinzhong, JINZHONG, [{ id: 'jl1', type: 'speaker', from: 'motto', to: 'zhang' }], { status: 'done' });
  store.annotator = null;
  // The traps go in as a corpus from an older Loupe holds them: ids that start like a formula included.
  const traps = makeDoc(0, '=1+1 “陷阱” 1989', TRAPS_TEXT, TRAPS, { links: TRAPS_LINKS });
  store.insertDocument({ title: traps.title, text: traps.text, meta: { source: '@desk', year: 1989 }, status: 'done', note: '-note, "quoted"', spans: traps.spans, links: traps.links });
  return store;
}

/** The corpus as the Python check expects it: texts, and spans and links in code points. */
function manifestDocuments(store: CorpusStore) {
  return [...store.documents()].map((d) => ({
    id: d.id,
    title: d.title,
    text: d.text,
    status: d.status,
    note: d.note,
    meta: d.meta,
    spans: d.spans.map((s) => ({ id: s.id, label: s.label, start: s.start, end: s.end, fragments: s.fragments, attrs: s.attrs, note: s.note, annotator: s.annotator })),
    // A link is in its spans' layer.
    links: d.links.map((l) => ({ id: l.id, type: l.type, from: l.from, to: l.to, annotator: d.spans.find((s) => s.id === l.from)?.annotator ?? null })),
  }));
}

/**
 * Runs LibreOffice headless with a profile of its own (runs with different profiles may overlap:
 * LibreOffice starts slowly but uses little CPU); rejects with its output when it fails.
 */
function soffice(profile: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', '--norestore', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`soffice ${args.join(' ')} failed (${code ?? signal}): ${output}`));
    });
  });
}

/**
 * Exports a corpus full of spreadsheet traps in every format spreadsheets and pandas read, has
 * LibreOffice convert the XLSX and import the CSVs (unless `libreOffice` is false), and compares
 * every row of every file with the corpus. Needs Debian's Python with pandas and openpyxl, and
 * LibreOffice for its part.
 */
export async function checkSpreadsheets(options: { dir?: string; libreOffice?: boolean } = {}): Promise<SpreadsheetFigures> {
  const started = performance.now();
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-spreadsheets-'));
  const store = buildSpreadsheetCorpus(dir);
  const files: { kind: string; path: string; unit?: OffsetUnit; textColumns?: number[] }[] = [];
  let libreOfficeSeconds = 0;
  try {
    for (const unit of OFFSET_UNITS) {
      const out = path.join(dir, unit);
      fs.mkdirSync(out);
      for (const format of ['jsonl', 'json', 'csv', 'xlsx'] as const) {
        if (!EXPORT_FORMATS.includes(format)) throw new Error(`Loupe offers no ${format} export`);
        const result = await exportFrom(store, { format, path: path.join(out, `corpus.${format}`), offsets: unit });
        if (format === 'csv') {
          files.push({ kind: 'spans-csv', path: result.files[0]!, unit }, { kind: 'links-csv', path: result.files[1]!, unit });
        } else {
          files.push({ kind: format, path: result.path, unit });
        }
      }
    }
    if (options.libreOffice !== false) {
      const loStarted = performance.now();
      const filters = documentedCsvFilters();
      const codepoint = path.join(dir, 'codepoint');
      const conversions: Promise<void>[] = [];
      // Our XLSX, read and saved again by LibreOffice: what it made of every cell.
      conversions.push(soffice(path.join(dir, 'lo-profile-xlsx'), ['--convert-to', 'xlsx', '--outdir', path.join(dir, 'lo-xlsx'), path.join(codepoint, 'corpus.xlsx')]));
      files.push({ kind: 'libreoffice-xlsx', path: path.join(dir, 'lo-xlsx', 'corpus.xlsx'), unit: 'codepoint' });
      // Our CSVs imported with the README's filters (an --infilter applies to every file of a run).
      for (const [kind, name, filter] of [
        ['spans', 'corpus.csv', filters.spans],
        ['links', 'corpus.links.csv', filters.links],
      ] as const) {
        const outDir = path.join(dir, `lo-${kind}-csv`);
        conversions.push(soffice(path.join(dir, `lo-profile-${kind}`), [`--infilter=${filter}`, '--convert-to', 'xlsx', '--outdir', outDir, path.join(codepoint, name)]));
        files.push({ kind: `libreoffice-${kind}-csv`, path: path.join(outDir, name.replace(/\.csv$/, '.xlsx')), unit: 'codepoint', textColumns: textColumns(filter) });
      }
      // Every run ends before anything is read (or the folder removed).
      const failed = (await Promise.allSettled(conversions)).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      libreOfficeSeconds = (performance.now() - loStarted) / 1000;
    }
    const manifestPath = path.join(dir, 'manifest.json');
    fs.writeFileSync(
      manifestPath,
      JSON.stringify({
        documents: manifestDocuments(store),
        attributeColumns: store.labels().flatMap((l) => l.attributes.map((a) => ({ header: `${l.name}.${a.name}`, label: l.name, name: a.name, kind: a.kind }))),
        files,
      }),
    );
    const py = spawnSync(DEBIAN_PYTHON, [path.join(__dirname, 'spreadsheets.py'), manifestPath], { encoding: 'utf8', timeout: 300_000 });
    const last = py.stdout.trim().split('\n').pop() ?? '';
    if (py.status !== 0 || !last.startsWith('{')) throw new Error(`spreadsheets.py failed (${py.status ?? py.signal}): ${py.stderr}${py.stdout}`);
    const figures = JSON.parse(last) as Omit<SpreadsheetFigures, 'seconds' | 'libreOfficeSeconds'>;
    return { ...figures, seconds: (performance.now() - started) / 1000, libreOfficeSeconds };
  } finally {
    store.close();
    if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures in one line, for a test's output or a report. */
export function describeFigures(f: SpreadsheetFigures): string {
  return (
    `spreadsheets: ${f.files} files, ${f.rows} rows, ${f.cells} values checked with pandas/openpyxl` +
    `${f.libreOfficeSeconds ? ' and LibreOffice' : ''}, ${f.mismatches.length} mismatches ` +
    `(${f.seconds.toFixed(1)} s, LibreOffice ${f.libreOfficeSeconds.toFixed(1)} s)`
  );
}
