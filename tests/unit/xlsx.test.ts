/**
 * The XLSX export: what openpyxl reads from it, its report, its limits, its bytes, and the ways to
 * ask for it (the CLI and the bridge's download). tests/realClients/spreadsheets.ts checks it,
 * with pandas and LibreOffice, on a whole corpus of traps.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startBridge } from '../../src/main/bridge/server';
import { registerExporter, writeExportFile, type ExportSource } from '../../src/main/formats/export';
import { xlsxExporter } from '../../src/main/formats/export/xlsx';
import { createLoupeService, openCorpusStore } from '../../src/main/services/loupeService';
import { EXPORT_FORMAT_INFO, exportFileName } from '../../src/shared/formats';
import { DEFAULT_LABELS, DEFAULT_LINK_TYPES } from '../../src/shared/labels';
import { MENU_EXPORT_FORMATS, type LoupeDocument } from '../../src/shared/types';
import { DEBIAN_PYTHON, python, requireTool, skipWithout } from '../externalTools';
import { makeDoc } from './docBuilder';

const OPENPYXL = python(['openpyxl'], ['python3-openpyxl']);
const REPO = path.resolve(__dirname, '../..');

type Cell = [value: string | number | boolean | null, type: string | null];

/** Every sheet of a workbook as openpyxl reads it: each cell's value and type ('s', 'n', 'b', 'f'…). */
function readWorkbook(file: string): Record<string, Cell[][]> {
  requireTool(OPENPYXL);
  const script = String.raw`
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
print(json.dumps({ws.title: [[[c.value, c.data_type if c.value is not None else None] for c in row] for row in ws.iter_rows()] for ws in book.worksheets}))
`;
  const py = spawnSync(DEBIAN_PYTHON, ['-c', script, file], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(`openpyxl could not read ${file}: ${py.stderr}`);
  return JSON.parse(py.stdout) as Record<string, Cell[][]>;
}

const sourceOf = (docs: LoupeDocument[]): ExportSource => ({
  labels: [...DEFAULT_LABELS],
  linkTypes: [...DEFAULT_LINK_TYPES],
  corpusName: 'Test',
  documents: () => docs,
});

const news = makeDoc(
  1,
  '晋中',
  '他说:“好,我们走。”\n=SUM(A1:A2) 1989\n市长',
  [
    { id: 'q', label: 'quote', text: '“好,我们走。”', attrs: { kind: 'direct' } },
    { id: 'sum', label: 'slogan', text: '=SUM(A1:A2)', note: '=SUM(A1:A2)' },
    { id: 'year', label: 'slogan', text: '1989' },
    { id: 'mayor', label: 'official', text: '市长' },
  ],
  { links: [{ id: 'l1', type: 'speaker', from: 'q', to: 'mayor' }] },
);

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-xlsx-'));
});
afterEach(() => {
  vi.useRealTimers();
  registerExporter('xlsx', xlsxExporter());
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('XLSX export', () => {
  it('is offered wherever an export format is: File › Export, the CLI, the bridge, with its file name and type', () => {
    expect(MENU_EXPORT_FORMATS).toContain('xlsx');
    expect(EXPORT_FORMAT_INFO.xlsx).toMatchObject({ extension: 'xlsx', offsets: 'chosen', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    expect(exportFileName('News', 'xlsx', 'codepoint')).toBe('News.xlsx');
    expect(exportFileName('News', 'xlsx', 'utf8')).toBe('News.utf8.xlsx');
  });

  it.skipIf(skipWithout(OPENPYXL))('writes spans, links and documents sheets that openpyxl reads as typed cells, no formula', async () => {
    const file = path.join(dir, 'out.xlsx');
    const counts = await writeExportFile(file, 'xlsx', sourceOf([news]), 'utf8');
    expect(counts).toEqual({ documents: 1, spans: 4, links: 1, losses: [] });
    const book = readWorkbook(file);
    expect(Object.keys(book)).toEqual(['spans', 'links', 'documents']);
    const spans = book.spans!;
    expect(spans[0]!.map(([v]) => v).slice(0, 13)).toEqual(['doc_id', 'doc_title', 'doc_status', 'span_id', 'label', 'start', 'end', 'text', 'fragments', 'left_context', 'right_context', 'note', 'offset_unit']);
    const sum = spans.find((row) => row[3]![0] === 'sum')!;
    // UTF-8 offsets: “好,我们走。” and the line before =SUM are 3-byte characters
    const bytesBefore = Buffer.byteLength('他说:“好,我们走。”\n');
    expect(sum.slice(0, 13)).toEqual([
      [1, 'n'], ['晋中', 's'], ['new', 's'], ['sum', 's'], ['slogan', 's'], [bytesBefore, 'n'], [bytesBefore + 11, 'n'],
      ['=SUM(A1:A2)', 's'], [`${bytesBefore}-${bytesBefore + 11}`, 's'], ['他说:“好,我们走。”\n', 's'], [' 1989\n市长', 's'],
      ['=SUM(A1:A2)', 's'], ['utf8', 's'],
    ]);
    expect(spans.find((row) => row[3]![0] === 'year')![7]).toEqual(['1989', 's']);
    expect(spans.find((row) => row[3]![0] === 'q')![13]).toEqual([null, null]); // annotator: none (made outside the app)
    expect(spans.find((row) => row[3]![0] === 'q')![14]).toEqual(['direct', 's']); // quote.kind
    expect(book.links!.map((row) => row.map(([v]) => v))).toEqual([
      ['link_id', 'type', 'from_span_id', 'from_text', 'to_span_id', 'to_text', 'doc_id', 'annotator'],
      ['l1', 'speaker', 'q', '“好,我们走。”', 'mayor', '市长', 1, null],
    ]);
    expect(book.documents!.map((row) => row.map(([v]) => v))).toEqual([
      ['doc_id', 'doc_title', 'doc_status', 'doc_note', 'spans', 'links', 'length', 'offset_unit', 'meta', 'text'],
      [1, '晋中', 'new', null, 4, 1, Buffer.byteLength(news.text), 'utf8', '{"file":"doc1.txt","encoding":"utf-8"}', news.text],
    ]);
    const types = Object.values(book).flatMap((rows) => rows.flatMap((row) => row.map(([, type]) => type)));
    expect(types).not.toContain('f');
  });

  it.skipIf(skipWithout(OPENPYXL))('writes characters a cell cannot hold as U+FFFD and says how many', async () => {
    const doc = makeDoc(2, 'Form\u000cfeed', 'a\u0007b\rc\u007fd\te\nf', [{ id: 'all', label: 'quote', text: 'a\u0007b\rc\u007fd\te\nf' }]);
    const file = path.join(dir, 'ctl.xlsx');
    const counts = await writeExportFile(file, 'xlsx', sourceOf([doc]), 'codepoint');
    // in the title (spans and documents sheets), three in the span's text and three in the document's; tab and line feed stay
    expect(counts.losses).toEqual(['control characters a spreadsheet cell cannot hold, written as U+FFFD: 8']);
    const row = readWorkbook(file).spans![1]!;
    expect(row[1]).toEqual(['Form\uFFFDfeed', 's']);
    expect(row[7]).toEqual(['a\uFFFDb\uFFFDc\uFFFDd\te\nf', 's']);
    // offsets still count the document's own characters
    expect([row[5]![0], row[6]![0]]).toEqual([0, 11]);
  });

  it.skipIf(skipWithout(OPENPYXL))('writes a cell longer than spreadsheets keep whole, and says so', async () => {
    const text = '晋中市两会精神𠮷'.repeat(4000); // 36,000 UTF-16 units
    const doc = makeDoc(3, 'Long', text, [{ id: 'all', label: 'quote', text }]);
    const file = path.join(dir, 'long.xlsx');
    const counts = await writeExportFile(file, 'xlsx', sourceOf([doc]), 'codepoint');
    // the span's text and the document's
    expect(counts.losses).toEqual(['cells longer than the 32,767 characters Excel and LibreOffice keep (written whole, for pandas and openpyxl): 2']);
    expect(readWorkbook(file).spans![1]![7]![0]).toBe(text);
  });

  it('refuses an export past a sheet\'s row limit, saying what to do, and leaves no file', async () => {
    registerExporter('xlsx', xlsxExporter({ maxRows: 3 }));
    const file = path.join(dir, 'big.xlsx');
    await expect(writeExportFile(file, 'xlsx', sourceOf([news]), 'codepoint')).rejects.toThrow(
      `Could not export to ${file}: an XLSX sheet holds at most 3 spans (a spreadsheet's row limit); export fewer (filter by status or label, or per document), or export CSV or JSONL`,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('reads the documents once per sheet (not for links when there are none), and counts them once', async () => {
    let passes = 0;
    const counted = (docs: LoupeDocument[]): ExportSource => ({
      ...sourceOf(docs),
      *documents() {
        passes++;
        yield* docs;
      },
    });
    expect(await writeExportFile(path.join(dir, 'a.xlsx'), 'xlsx', counted([news, { ...news, id: 2 }]), 'codepoint')).toMatchObject({ documents: 2, spans: 8, links: 2 });
    expect(passes).toBe(3);
    passes = 0;
    expect(await writeExportFile(path.join(dir, 'b.xlsx'), 'xlsx', counted([{ ...news, links: [] }]), 'codepoint')).toMatchObject({ documents: 1, spans: 4, links: 0 });
    expect(passes).toBe(2);
  });

  it('gives the same bytes for the same corpus, whenever it is exported', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T08:00:00Z'));
    await writeExportFile(path.join(dir, 'a.xlsx'), 'xlsx', sourceOf([news]), 'codepoint');
    vi.setSystemTime(new Date('2031-06-15T17:31:07Z'));
    await writeExportFile(path.join(dir, 'b.xlsx'), 'xlsx', sourceOf([news]), 'codepoint');
    expect(fs.readFileSync(path.join(dir, 'a.xlsx')).equals(fs.readFileSync(path.join(dir, 'b.xlsx')))).toBe(true);
  });

  it.skipIf(skipWithout(OPENPYXL))('loupe export --format xlsx writes the workbook and says what it wrote', () => {
    const corpus = path.join(dir, 'c.loupe');
    const store = openCorpusStore(corpus, { create: true });
    store.insertDocument({ title: news.title, text: news.text, spans: news.spans, links: news.links });
    store.close();
    const out = path.join(dir, 'out.xlsx');
    const run = spawnSync(process.execPath, [path.join(REPO, 'bin/loupe.cjs'), 'export', corpus, '--format', 'xlsx', '--out', out, '--offsets', 'utf16'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`wrote 1 document, 4 spans, 1 link to ${out} (offsets: utf16)\n`);
    expect(run.status).toBe(0);
    const row = readWorkbook(out).spans![1]!;
    expect(row.slice(3, 8)).toEqual([['q', 's'], ['quote', 's'], [3, 'n'], [11, 'n'], ['“好,我们走。”', 's']]);
    expect(row[12]).toEqual(['utf16', 's']);
  });

  it.skipIf(skipWithout(OPENPYXL))('downloads through the bridge as a workbook', async () => {
    const service = createLoupeService({ dataDir: path.join(dir, 'data'), corpusPath: path.join(dir, 'web.loupe'), backups: false });
    const bridge = await startBridge({ service, staticDir: dir });
    try {
      const response = await fetch(`http://127.0.0.1:${bridge.port}/api/export?format=xlsx&offsets=codepoint&name=News.xlsx`, {
        headers: { authorization: `Bearer ${bridge.token}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(EXPORT_FORMAT_INFO.xlsx.mime);
      expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''News.xlsx");
      const file = path.join(dir, 'download.xlsx');
      fs.writeFileSync(file, Buffer.from(await response.arrayBuffer()));
      expect(Object.keys(readWorkbook(file))).toEqual(['spans', 'links', 'documents']);
    } finally {
      await bridge.close();
      service.close();
    }
  });
});
