import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportChunks, writeExportFile, type ExportSource } from '../../src/main/formats/export';
import { DEFAULT_LABELS } from '../../src/shared/labels';
import type { ExportFormat, LoupeDocument, OffsetUnit, Span } from '../../src/shared/types';
import { EXPORT_FORMATS, OFFSET_UNITS } from '../../src/shared/types';
import { EXPORT_SCHEMA_VERSION, LOUPE_VERSION } from '../../src/shared/version';

const corpusDir = path.resolve(__dirname, '../../../shared/corpus');

/** The tricky sample as the importer hands it to the store: no BOM, LF line ends. */
function trickyText(): string {
  return fs.readFileSync(path.join(corpusDir, 'tricky-offsets.txt'), 'utf8').replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
}

interface Want {
  id: string;
  label: string;
  /** The exact text under the span, and which occurrence of it in the document. */
  text: string;
  occurrence?: number;
  attrs?: Record<string, unknown>;
}

/** Builds a document whose spans are located by their text, counted in code points independently of Loupe. */
function makeDoc(id: number, title: string, text: string, wants: Want[]): LoupeDocument {
  const spans: Span[] = wants.map((w) => {
    let at = -1;
    for (let k = 0; k <= (w.occurrence ?? 0); k++) {
      at = text.indexOf(w.text, at + 1);
      if (at < 0) throw new Error(`test setup: "${w.text}" not found`);
    }
    const start = Array.from(text.slice(0, at)).length;
    return {
      id: w.id,
      label: w.label,
      start,
      end: start + Array.from(w.text).length,
      attrs: w.attrs ?? {},
      annotator: null,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    };
  });
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  return {
    id,
    title,
    text,
    meta: { file: `doc${id}.txt`, encoding: 'utf-8' },
    spans,
    revision: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

const tricky = trickyText();
const doc1 = makeDoc(7, 'Tricky offsets', tricky, [
  { id: 'head', label: 'official', text: '吉野家' },
  { id: 'yoshi', label: 'slogan', text: '𠮷' },
  { id: 'yoshi-quoted', label: 'quote', text: '“𠮷”' },
  { id: 'yoshi-2', label: 'slogan', text: '𠮷', occurrence: 1 },
  { id: 'thumb', label: 'slogan', text: '👍🏽' },
  // Crosses the empty paragraph; "overlap" starts inside it and runs past its end.
  { id: 'cross', label: 'quote', text: '品质👍🏽。”\n\n記者' },
  { id: 'overlap', label: 'quote', text: '。”\n\n記者在臺北' },
  { id: 'mayor-quote', label: 'quote', text: '市長', attrs: { note: 'same range, two labels' } },
  { id: 'mayor-official', label: 'official', text: '市長' },
  { id: 'cafe', label: 'official', text: 'Cafe\u0301' },
  { id: 'family', label: 'slogan', text: '👨\u200d👩\u200d👧' },
  { id: 'flag', label: 'slogan', text: '🇨🇳' },
  { id: 'tail', label: 'pledge', text: '最后一段没有换行符。' },
]);
const chineseText = '他说:"好,我们走"。\n第二段\u2028同一行,=SUM(A1)。\n最后一段:晋中市两会精神。';
const doc2 = makeDoc(8, 'Jinzhong, "two sessions" 晋中', chineseText, [
  { id: 'comma-quote', label: 'quote', text: '"好,我们走"', attrs: { speaker: '他' } },
  { id: 'newline', label: 'quote', text: '我们走"。\n第二段' },
  { id: 'formula', label: 'slogan', text: '=SUM(A1)' },
  { id: 'sep', label: 'pledge', text: '第二段\u2028同一行' },
  { id: 'jz', label: 'official', text: '晋中市' },
]);
const allSpans = doc1.spans.length + doc2.spans.length;

function sourceOf(docs: LoupeDocument[]): ExportSource {
  return { labels: [...DEFAULT_LABELS], corpusName: 'Test corpus', documents: () => docs };
}
const source = sourceOf([doc1, doc2]);

/** Slices an exported document's text the way a consumer of `unit` offsets would. */
function sliceIn(unit: OffsetUnit, text: string, start: number, end: number): string {
  switch (unit) {
    case 'utf16':
      return text.slice(start, end);
    case 'codepoint':
      return Array.from(text).slice(start, end).join('');
    case 'utf8':
      return Buffer.from(text, 'utf8').subarray(start, end).toString('utf8');
  }
}

interface ExportedSpan {
  id: string;
  label: string;
  start: number;
  end: number;
  text: string;
  attrs: Record<string, unknown>;
}
interface ExportedDoc {
  id: number;
  title: string;
  text: string;
  meta: Record<string, unknown>;
  offset_unit: string;
  spans: ExportedSpan[];
}

function checkDocuments(docs: ExportedDoc[], unit: OffsetUnit): void {
  expect(docs.map((d) => d.id)).toEqual([7, 8]);
  const originals = [doc1, doc2];
  docs.forEach((doc, i) => {
    const original = originals[i]!;
    expect(Object.keys(doc)).toEqual(['id', 'title', 'text', 'meta', 'offset_unit', 'spans']);
    expect(doc.text).toBe(original.text);
    expect(doc.title).toBe(original.title);
    expect(doc.meta).toEqual(original.meta);
    expect(doc.offset_unit).toBe(unit);
    expect(doc.spans.map((s) => s.id)).toEqual(original.spans.map((s) => s.id));
    doc.spans.forEach((s, k) => {
      const o = original.spans[k]!;
      expect(Object.keys(s)).toEqual(['id', 'label', 'start', 'end', 'text', 'attrs']);
      expect(s.text, s.id).toBe(Array.from(original.text).slice(o.start, o.end).join(''));
      expect(sliceIn(unit, doc.text, s.start, s.end), `${unit} ${s.id}`).toBe(s.text);
      expect(s.label).toBe(o.label);
      expect(s.attrs).toEqual(o.attrs);
    });
  });
}

describe('JSONL and JSON exports', () => {
  for (const unit of OFFSET_UNITS) {
    it(`JSONL in ${unit}: one document per line, each span's offsets slice out its text`, () => {
      const out = [...exportChunks('jsonl', source, unit)].join('');
      expect(out.endsWith('\n')).toBe(true);
      const lines = out.slice(0, -1).split('\n');
      expect(lines).toHaveLength(2);
      // Readers that split on Unicode line separators must see the same two lines.
      expect(out.split(/\r\n|[\n\r\u0085\u2028\u2029]/).length).toBe(3);
      checkDocuments(lines.map((l) => JSON.parse(l) as ExportedDoc), unit);
    });

    it(`JSON in ${unit}: header, labels and the same documents as JSONL`, () => {
      const parsed = JSON.parse([...exportChunks('json', source, unit)].join('')) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual(['loupe_version', 'schema_version', 'offset_unit', 'corpus', 'labels', 'documents']);
      expect(parsed.loupe_version).toBe(LOUPE_VERSION);
      expect(parsed.schema_version).toBe(EXPORT_SCHEMA_VERSION);
      expect(parsed.offset_unit).toBe(unit);
      expect(parsed.corpus).toBe('Test corpus');
      const labels = parsed.labels as Record<string, unknown>[];
      expect(labels).toEqual(DEFAULT_LABELS);
      expect(Object.keys(labels[0]!)).toEqual(['name', 'color', 'hotkey', 'description']);
      const docs = parsed.documents as ExportedDoc[];
      checkDocuments(docs, unit);
      const jsonl = [...exportChunks('jsonl', source, unit)].join('').trim().split('\n').map((l) => JSON.parse(l));
      expect(docs).toEqual(jsonl);
    });
  }

  it('writes the offsets a consumer of each unit expects for 𠮷', () => {
    const yoshi = (unit: OffsetUnit) => {
      const line = [...exportChunks('jsonl', sourceOf([doc1]), unit)].join('');
      const span = (JSON.parse(line) as ExportedDoc).spans.find((s) => s.id === 'yoshi')!;
      return [span.start, span.end];
    };
    expect(yoshi('codepoint')).toEqual([5, 6]);
    expect(yoshi('utf16')).toEqual([5, 7]);
    expect(yoshi('utf8')).toEqual([15, 19]);
  });

  it('exports an empty corpus as valid, empty files', () => {
    const empty = sourceOf([]);
    expect([...exportChunks('jsonl', empty, 'codepoint')].join('')).toBe('');
    expect((JSON.parse([...exportChunks('json', empty, 'codepoint')].join('')) as { documents: unknown[] }).documents).toEqual([]);
    expect([...exportChunks('csv', empty, 'codepoint')].join('')).toBe(
      '\uFEFFdoc_id,doc_title,span_id,label,start,end,text,left_context,right_context\r\n',
    );
  });

  it('refuses a span that does not fit its text, naming the document and the span', () => {
    const bad = makeDoc(9, 'Short', '短文', []);
    bad.spans.push({ ...doc2.spans[0]!, id: 'too-far', start: 1, end: 5 });
    expect(() => [...exportChunks('jsonl', sourceOf([bad]), 'utf8')]).toThrow(/document 9 \("Short"\): span too-far/);
    expect(() => [...exportChunks('csv', sourceOf([bad]), 'codepoint')]).toThrow(/span too-far/);
  });
});

/** Parses RFC 4180 strictly: CRLF record ends, quotes only around whole fields. */
function parseRfc4180(content: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (content[i] === '"') {
      i++;
      for (;;) {
        const q = content.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        field += content.slice(i, q);
        if (content[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const m = /[,\r\n"]|$/.exec(content.slice(i))!;
      field = content.slice(i, i + m.index);
      i += m.index;
      if (content[i] === '"') throw new Error(`bare quote at ${i}`);
    }
    row.push(field);
    if (content[i] === ',') {
      i++;
    } else if (content.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
      if (i === content.length) return rows;
    } else {
      throw new Error(`expected , or CRLF at ${i}, got ${JSON.stringify(content.slice(i, i + 5))}`);
    }
  }
}

describe('CSV export', () => {
  const bytes = Buffer.from([...exportChunks('csv', source, 'codepoint')].join(''), 'utf8');
  const content = bytes.toString('utf8');

  it('starts with a UTF-8 BOM and the header', () => {
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(content.startsWith('\uFEFFdoc_id,doc_title,span_id,label,start,end,text,left_context,right_context\r\n')).toBe(true);
  });

  it('is strict RFC 4180, one row per span, text and context exact', () => {
    const rows = parseRfc4180(content.slice(1));
    expect(rows).toHaveLength(allSpans + 1);
    const cps2 = Array.from(chineseText);
    const formula = doc2.spans.find((s) => s.id === 'formula')!;
    const row = rows.find((r) => r[2] === 'formula')!;
    expect(row).toEqual([
      '8',
      'Jinzhong, "two sessions" 晋中',
      'formula',
      'slogan',
      String(formula.start),
      String(formula.end),
      '=SUM(A1)',
      cps2.slice(formula.start - 30 < 0 ? 0 : formula.start - 30, formula.start).join(''),
      cps2.slice(formula.end, formula.end + 30).join(''),
    ]);
    const tail = rows.find((r) => r[2] === 'tail')!;
    expect(tail[8]).toBe('');
    expect(tail[7]).toBe(Array.from(tricky).slice(Number(tail[4]) - 30, Number(tail[4])).join(''));
    expect(Array.from(tail[7]!)).toHaveLength(30);
  });

  it('quotes fields with comma, quote or newline and doubles inner quotes; leaves formulas as they are', () => {
    expect(content).toContain('\r\n8,"Jinzhong, ""two sessions"" 晋中",comma-quote,quote,');
    expect(content).toContain(',"""好,我们走""",');
    expect(content).toContain(',"我们走""。\n第二段",');
    expect(content).toContain(',=SUM(A1),');
  });
});

describe('writeExportFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-export-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes files that Python reads back with the same span texts', async () => {
    const jsonlPath = path.join(dir, 'corpus.jsonl');
    const jsonPath = path.join(dir, 'corpus.json');
    const csvPath = path.join(dir, 'corpus.csv');
    expect(await writeExportFile(jsonlPath, 'jsonl', source, 'codepoint')).toEqual({ documents: 2, spans: allSpans });
    expect(await writeExportFile(jsonPath, 'json', source, 'codepoint')).toEqual({ documents: 2, spans: allSpans });
    expect(await writeExportFile(csvPath, 'csv', source, 'codepoint')).toEqual({ documents: 2, spans: allSpans });
    expect(fs.readdirSync(dir).sort()).toEqual(['corpus.csv', 'corpus.json', 'corpus.jsonl']);

    const script = String.raw`
import csv, json, sys
jsonl_path, json_path, csv_path, expected_rows = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(jsonl_path, encoding="utf-8") as f:
    lines = f.read().splitlines()
assert len(lines) == 2, "JSONL lines: %d" % len(lines)
docs = [json.loads(line) for line in lines]
spans = {}
for doc in docs:
    assert doc["offset_unit"] == "codepoint"
    for s in doc["spans"]:
        assert doc["text"][s["start"]:s["end"]] == s["text"], (doc["id"], s)
        spans[(str(doc["id"]), s["id"])] = (doc, s)
with open(json_path, encoding="utf-8") as f:
    whole = json.load(f)
assert whole["documents"] == docs
assert whole["offset_unit"] == "codepoint"
with open(csv_path, encoding="utf-8-sig", newline="") as f:
    reader = csv.DictReader(f)
    rows = list(reader)
assert reader.fieldnames == ["doc_id", "doc_title", "span_id", "label", "start", "end", "text", "left_context", "right_context"], reader.fieldnames
assert len(rows) == expected_rows == len(spans), (len(rows), expected_rows, len(spans))
for r in rows:
    doc, s = spans[(r["doc_id"], r["span_id"])]
    start, end = int(r["start"]), int(r["end"])
    assert (start, end) == (s["start"], s["end"])
    assert r["doc_title"] == doc["title"]
    assert r["label"] == s["label"]
    assert r["text"] == s["text"] == doc["text"][start:end], r
    assert r["left_context"] == doc["text"][max(0, start - 30):start], r
    assert r["right_context"] == doc["text"][end:end + 30], r
print("ok", len(rows))
`;
    const py = spawnSync('python3', ['-c', script, jsonlPath, jsonPath, csvPath, String(allSpans)], { encoding: 'utf8' });
    expect(py.error).toBeUndefined();
    expect(py.stderr).toBe('');
    expect(py.status).toBe(0);
    expect(py.stdout.trim()).toBe(`ok ${allSpans}`);
  });

  it('writes byte-identical files for the same source, equal to the streamed chunks', async () => {
    for (const format of EXPORT_FORMATS) {
      for (const unit of OFFSET_UNITS) {
        const a = path.join(dir, `a.${format}`);
        const b = path.join(dir, `b.${format}`);
        await writeExportFile(a, format, source, unit);
        await writeExportFile(b, format, source, unit);
        const bytesA = fs.readFileSync(a);
        expect(bytesA.equals(fs.readFileSync(b)), `${format} ${unit}`).toBe(true);
        expect(bytesA.equals(Buffer.from([...exportChunks(format, source, unit)].join(''), 'utf8'))).toBe(true);
      }
    }
  });

  it('replaces an existing file', async () => {
    const file = path.join(dir, 'out.jsonl');
    fs.writeFileSync(file, 'old export\n');
    await writeExportFile(file, 'jsonl', source, 'utf16');
    expect(fs.readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    expect(fs.readdirSync(dir)).toEqual(['out.jsonl']);
  });

  /** A store that fails after the first document. */
  const failing: ExportSource = {
    labels: [...DEFAULT_LABELS],
    corpusName: 'Failing',
    *documents() {
      yield doc1;
      throw new Error('database went away');
    },
  };

  for (const format of EXPORT_FORMATS) {
    it(`leaves no file behind when the source fails midway (${format})`, async () => {
      const file = path.join(dir, `out.${format}`);
      await expect(writeExportFile(file, format, failing, 'codepoint')).rejects.toThrow(
        `Could not export to ${file}: database went away`,
      );
      expect(fs.readdirSync(dir)).toEqual([]);
    });

    it(`leaves an existing file untouched when the source fails midway (${format})`, async () => {
      const file = path.join(dir, `out.${format}`);
      fs.writeFileSync(file, 'the previous export');
      await expect(writeExportFile(file, format, failing, 'utf8')).rejects.toThrow(/database went away/);
      expect(fs.readdirSync(dir)).toEqual([`out.${format}`]);
      expect(fs.readFileSync(file, 'utf8')).toBe('the previous export');
    });
  }

  it('explains a missing folder', async () => {
    const file = path.join(dir, 'no-such-folder', 'out.csv');
    await expect(writeExportFile(file, 'csv', source, 'codepoint')).rejects.toThrow(/does not exist/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('streams a 1,000,000-character document with 20,000 spans', async () => {
    const piece = '晋中市两会精神𠮷👍🏽abc\n';
    const pieceLength = Array.from(piece).length;
    const text = piece.repeat(Math.ceil(1_000_000 / pieceLength));
    const length = Array.from(text).length;
    const spans: Span[] = [];
    for (let k = 0; k < 20_000; k++) {
      const start = (k * 50) % (length - 20);
      spans.push({ ...doc1.spans[0]!, id: `s${k}`, start, end: start + 1 + (k % 17) });
    }
    spans.sort((a, b) => a.start - b.start || a.end - b.end);
    const big: LoupeDocument = { ...doc1, id: 1, text, spans };
    const file = path.join(dir, 'big.jsonl');
    const started = performance.now();
    expect(await writeExportFile(file, 'jsonl', sourceOf([big]), 'utf8')).toEqual({ documents: 1, spans: 20_000 });
    const elapsed = performance.now() - started;
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as ExportedDoc;
    const buf = Buffer.from(written.text, 'utf8');
    for (const s of written.spans.filter((_, k) => k % 997 === 0)) {
      expect(buf.subarray(s.start, s.end).toString('utf8')).toBe(s.text);
    }
    expect(written.spans).toHaveLength(20_000);
    // Quadratic offset maths would take minutes here.
    expect(elapsed).toBeLessThan(10_000);
  });
});
