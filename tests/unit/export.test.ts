import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportBytes, exportChunks, writeCsvExport, writeExportFile, type ExportSource } from '../../src/main/formats/export';
import { DEFAULT_LABELS, DEFAULT_LINK_TYPES } from '../../src/shared/labels';
import type { LoupeDocument, OffsetUnit, Span } from '../../src/shared/types';
import { EXPORT_FORMATS, OFFSET_UNITS } from '../../src/shared/types';
import { EXPORT_SCHEMA_VERSION, LOUPE_VERSION } from '../../src/shared/version';
import { PY_CUT } from './pythonSlicing';
import { makeDoc } from './docBuilder';
import { CORPUS_FIXTURES } from '../fixturePaths';

const corpusDir = CORPUS_FIXTURES;

/** The tricky sample as the importer hands it to the store: no BOM, LF line ends. */
function trickyText(): string {
  return fs.readFileSync(path.join(corpusDir, 'tricky-offsets.txt'), 'utf8').replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
}

const tricky = trickyText();
const doc1 = makeDoc(
  7,
  'Tricky offsets',
  tricky,
  [
    { id: 'head', label: 'official', text: '吉野家' },
    { id: 'yoshi', label: 'slogan', text: '𠮷' },
    { id: 'yoshi-quoted', label: 'quote', text: '“𠮷”' },
    // A quote broken by other text: two pieces, each with an astral character or a quotation mark.
    { id: 'split', label: 'quote', text: '“𠮷”字不是“吉”', pieces: ['“𠮷”', '“吉”'], attrs: { kind: 'mixed' } },
    { id: 'yoshi-2', label: 'slogan', text: '𠮷', occurrence: 1 },
    { id: 'pieces-3', label: 'quote', text: '社长说,“我们会坚持品质👍🏽', pieces: ['社长', '“我们', '👍🏽'] },
    { id: 'thumb', label: 'slogan', text: '👍🏽' },
    // Crosses the empty paragraph; "overlap" starts inside it and runs past its end.
    { id: 'cross', label: 'quote', text: '品质👍🏽。”\n\n記者', note: 'crosses an empty paragraph, "quoted", with a comma' },
    { id: 'overlap', label: 'quote', text: '。”\n\n記者在臺北' },
    { id: 'mayor-quote', label: 'quote', text: '市長', attrs: { kind: 'indirect' } },
    { id: 'mayor-official', label: 'official', text: '市長', attrs: { name: '柯文哲', role: '臺北市長' } },
    { id: 'cafe', label: 'official', text: 'Cafe\u0301' },
    { id: 'family', label: 'slogan', text: '👨\u200d👩\u200d👧' },
    { id: 'flag', label: 'slogan', text: '🇨🇳' },
    { id: 'tail', label: 'pledge', text: '最后一段没有换行符。', attrs: { measurable: true, target_year: 2026 } },
  ],
  {
    status: 'in_progress',
    note: 'offsets checked; 𠮷 twice',
    links: [
      { id: 'l1', type: 'speaker', from: 'yoshi-quoted', to: 'head' },
      { id: 'l2', type: 'speaker', from: 'mayor-quote', to: 'mayor-official' },
    ],
  },
);
const chineseText = '他说:"好,我们走"。\n第二段\u2028同一行,=SUM(A1)。\n最后一段:晋中市两会精神。';
const doc2 = makeDoc(
  8,
  'Jinzhong, "two sessions" 晋中',
  chineseText,
  [
    { id: 'comma-quote', label: 'quote', text: '"好,我们走"', attrs: { kind: 'direct' } },
    { id: 'newline', label: 'quote', text: '我们走"。\n第二段' },
    { id: 'formula', label: 'slogan', text: '=SUM(A1)' },
    { id: 'sep', label: 'pledge', text: '第二段\u2028同一行', attrs: { measurable: false } },
    { id: 'jz', label: 'official', text: '晋中市', attrs: { role: '=HYPERLINK("x")' } },
  ],
  {
    status: 'done',
    note: 'second pass, by "A"\nall fine',
    links: [
      { id: 'm1', type: 'speaker', from: 'comma-quote', to: 'jz' },
      { id: 'm2', type: 'pledged_by', from: 'sep', to: 'jz' },
    ],
  },
);
const allSpans = doc1.spans.length + doc2.spans.length;
const allLinks = doc1.links.length + doc2.links.length;

function sourceOf(docs: LoupeDocument[]): ExportSource {
  return { labels: [...DEFAULT_LABELS], linkTypes: [...DEFAULT_LINK_TYPES], corpusName: 'Test corpus', documents: () => docs };
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
  fragments: [number, number][];
  attrs: Record<string, unknown>;
  note: string;
}
interface ExportedDoc {
  id: number;
  title: string;
  text: string;
  meta: Record<string, unknown>;
  status: string;
  note: string;
  offset_unit: string;
  spans: ExportedSpan[];
  links: { id: string; type: string; from: string; to: string; annotator: string | null }[];
}

function checkDocuments(docs: ExportedDoc[], unit: OffsetUnit): void {
  expect(docs.map((d) => d.id)).toEqual([7, 8]);
  const originals = [doc1, doc2];
  docs.forEach((doc, i) => {
    const original = originals[i]!;
    expect(Object.keys(doc)).toEqual(['id', 'title', 'text', 'meta', 'status', 'note', 'offset_unit', 'spans', 'links']);
    expect(doc.text).toBe(original.text);
    expect(doc.title).toBe(original.title);
    expect(doc.meta).toEqual(original.meta);
    expect(doc.status).toBe(original.status);
    expect(doc.note).toBe(original.note);
    expect(doc.offset_unit).toBe(unit);
    // Each link says its annotator: that of its spans (none here).
    expect(doc.links).toEqual(original.links.map((l) => ({ ...l, annotator: null })));
    expect(doc.spans.map((s) => s.id)).toEqual(original.spans.map((s) => s.id));
    doc.spans.forEach((s, k) => {
      const o = original.spans[k]!;
      expect(Object.keys(s)).toEqual(['id', 'label', 'start', 'end', 'text', 'fragments', 'attrs', 'note', 'annotator']);
      expect(s.text, s.id).toBe(Array.from(original.text).slice(o.start, o.end).join(''));
      expect(sliceIn(unit, doc.text, s.start, s.end), `${unit} ${s.id}`).toBe(s.text);
      expect(s.label).toBe(o.label);
      expect(s.attrs).toEqual(o.attrs);
      expect(s.note).toBe(o.note);
      // Each fragment, in the export's unit, slices out the text of the same piece in code points.
      expect(s.fragments.map(([a, b]) => sliceIn(unit, doc.text, a, b)), `${unit} ${s.id} fragments`).toEqual(
        o.fragments.map(([a, b]) => Array.from(original.text).slice(a, b).join('')),
      );
      expect(s.fragments[0]![0]).toBe(s.start);
      expect(s.fragments[s.fragments.length - 1]![1]).toBe(s.end);
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

    it(`JSON in ${unit}: header, labels, link types and the same documents as JSONL`, () => {
      const parsed = JSON.parse([...exportChunks('json', source, unit)].join('')) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual([
        'loupe_version',
        'schema_version',
        'offset_unit',
        'corpus',
        'labels',
        'link_types',
        'documents',
      ]);
      expect(parsed.loupe_version).toBe(LOUPE_VERSION);
      expect(parsed.schema_version).toBe(EXPORT_SCHEMA_VERSION);
      expect(parsed.schema_version).toBe(2);
      expect(parsed.offset_unit).toBe(unit);
      expect(parsed.corpus).toBe('Test corpus');
      const labels = parsed.labels as Record<string, unknown>[];
      expect(labels).toEqual(DEFAULT_LABELS);
      expect(Object.keys(labels[0]!)).toEqual(['name', 'color', 'hotkey', 'description', 'attributes']);
      expect(Object.keys((labels[0]!.attributes as Record<string, unknown>[])[0]!)).toEqual([
        'name',
        'kind',
        'options',
        'default',
        'description',
      ]);
      expect(parsed.link_types).toEqual(DEFAULT_LINK_TYPES);
      const docs = parsed.documents as ExportedDoc[];
      checkDocuments(docs, unit);
      const jsonl = [...exportChunks('jsonl', source, unit)].join('').trim().split('\n').map((l) => JSON.parse(l));
      expect(docs).toEqual(jsonl);
    });
  }

  it('writes the offsets a consumer of each unit expects for 𠮷, and for the fragments around it', () => {
    const spanIn = (unit: OffsetUnit, id: string) => {
      const line = [...exportChunks('jsonl', sourceOf([doc1]), unit)].join('');
      return (JSON.parse(line) as ExportedDoc).spans.find((s) => s.id === id)!;
    };
    const yoshi = (unit: OffsetUnit) => [spanIn(unit, 'yoshi').start, spanIn(unit, 'yoshi').end];
    expect(yoshi('codepoint')).toEqual([5, 6]);
    expect(yoshi('utf16')).toEqual([5, 7]);
    expect(yoshi('utf8')).toEqual([15, 19]);
    // “𠮷”字不是“吉” starts at code point 4: “ is 3 UTF-8 bytes, 𠮷 4 (2 UTF-16 units), 字不是 9 bytes.
    expect(spanIn('codepoint', 'split').fragments).toEqual([[4, 7], [10, 13]]);
    expect(spanIn('utf16', 'split').fragments).toEqual([[4, 8], [11, 14]]);
    expect(spanIn('utf8', 'split').fragments).toEqual([[12, 22], [31, 40]]);
  });

  it('exports an empty corpus as valid, empty files', () => {
    const empty = sourceOf([]);
    expect([...exportChunks('jsonl', empty, 'codepoint')].join('')).toBe('');
    expect((JSON.parse([...exportChunks('json', empty, 'codepoint')].join('')) as { documents: unknown[] }).documents).toEqual([]);
    expect([...exportChunks('csv', empty, 'codepoint')].join('')).toBe(
      '\uFEFFdoc_id,doc_title,doc_status,span_id,label,start,end,text,fragments,left_context,right_context,note,offset_unit,annotator,' +
        'quote.kind,official.name,official.role,pledge.measurable,pledge.target_year\r\n',
    );
    expect([...exportChunks('csv-links', empty, 'codepoint')].join('')).toBe(
      '\uFEFFlink_id,type,from_span_id,from_text,to_span_id,to_text,doc_id,annotator\r\n',
    );
  });

  it('refuses a span that does not fit its text, naming the document and the span', () => {
    const bad = makeDoc(9, 'Short', '短文', []);
    bad.spans.push({ ...doc2.spans[0]!, id: 'too-far', start: 1, end: 5, fragments: [[1, 5]] });
    expect(() => [...exportChunks('jsonl', sourceOf([bad]), 'utf8')]).toThrow(/document 9 \("Short"\): span too-far/);
    expect(() => [...exportChunks('csv', sourceOf([bad]), 'codepoint')]).toThrow(/span too-far/);
    const badPiece = makeDoc(9, 'Short', '短文', [{ id: 'ok', label: 'quote', text: '短文' }]);
    badPiece.spans[0]!.fragments = [[0, 1], [1, 9]];
    expect(() => [...exportChunks('jsonl', sourceOf([badPiece]), 'utf16')]).toThrow(/span ok/);
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

const CSV_COLUMNS = [
  'doc_id',
  'doc_title',
  'doc_status',
  'span_id',
  'label',
  'start',
  'end',
  'text',
  'fragments',
  'left_context',
  'right_context',
  'note',
  'offset_unit',
  'annotator',
  'quote.kind',
  'official.name',
  'official.role',
  'pledge.measurable',
  'pledge.target_year',
];

describe('CSV export', () => {
  const bytes = Buffer.from([...exportChunks('csv', source, 'codepoint')].join(''), 'utf8');
  const content = bytes.toString('utf8');
  const rows = parseRfc4180(content.slice(1));
  const byId = (id: string) => Object.fromEntries(CSV_COLUMNS.map((c, k) => [c, rows.find((r) => r[3] === id)![k]!]));

  it('starts with a UTF-8 BOM and the header, one column per label attribute', () => {
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(content.startsWith(`\uFEFF${CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
  });

  it('is strict RFC 4180, one row per span, text and context exact', () => {
    expect(rows).toHaveLength(allSpans + 1);
    expect(rows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    const cps2 = Array.from(chineseText);
    const formula = doc2.spans.find((s) => s.id === 'formula')!;
    const row = rows.find((r) => r[3] === 'formula')!;
    expect(row).toEqual([
      '8',
      'Jinzhong, "two sessions" 晋中',
      'done',
      'formula',
      'slogan',
      String(formula.start),
      String(formula.end),
      '=SUM(A1)',
      `${formula.start}-${formula.end}`,
      cps2.slice(formula.start - 30 < 0 ? 0 : formula.start - 30, formula.start).join(''),
      cps2.slice(formula.end, formula.end + 30).join(''),
      '',
      'codepoint',
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
    const tail = byId('tail');
    expect(tail.right_context).toBe('');
    expect(tail.left_context).toBe(Array.from(tricky).slice(Number(tail.start) - 30, Number(tail.start)).join(''));
    expect(Array.from(tail.left_context!)).toHaveLength(30);
  });

  it('writes status, fragments, notes and each attribute in its own column (only on its label’s rows)', () => {
    expect(byId('tail')).toMatchObject({ doc_status: 'in_progress', 'pledge.measurable': 'true', 'pledge.target_year': '2026', 'quote.kind': '' });
    expect(byId('sep')).toMatchObject({ 'pledge.measurable': 'false', 'pledge.target_year': '' });
    expect(byId('mayor-official')).toMatchObject({ 'official.name': '柯文哲', 'official.role': '臺北市長', 'quote.kind': '' });
    expect(byId('mayor-quote')).toMatchObject({ 'quote.kind': 'indirect', 'official.name': '' });
    expect(byId('jz')['official.role']).toBe('=HYPERLINK("x")');
    const split = byId('split');
    expect(split.fragments).toBe('4-7;10-13');
    expect(split.text).toBe('“𠮷”字不是“吉”');
    expect(split['quote.kind']).toBe('mixed');
    expect(byId('cross').note).toBe('crosses an empty paragraph, "quoted", with a comma');
    expect(content).toContain(',"crosses an empty paragraph, ""quoted"", with a comma",');
  });

  it('quotes fields with comma, quote or newline and doubles inner quotes; leaves formulas as they are', () => {
    expect(content).toContain('\r\n8,"Jinzhong, ""two sessions"" 晋中",done,comma-quote,quote,');
    expect(content).toContain(',"""好,我们走""",');
    expect(content).toContain(',"我们走""。\n第二段",');
    expect(content).toContain(',=SUM(A1),');
  });
});

describe('links CSV export', () => {
  const content = [...exportChunks('csv-links', source, 'utf8')].join('');

  it('has one row per link with the text at both ends, whatever the offset unit', () => {
    expect(content.startsWith('\uFEFFlink_id,type,from_span_id,from_text,to_span_id,to_text,doc_id,annotator\r\n')).toBe(true);
    expect(parseRfc4180(content.slice(1))).toEqual([
      ['link_id', 'type', 'from_span_id', 'from_text', 'to_span_id', 'to_text', 'doc_id', 'annotator'],
      ['l1', 'speaker', 'yoshi-quoted', '“𠮷”', 'head', '吉野家', '7', ''],
      ['l2', 'speaker', 'mayor-quote', '市長', 'mayor-official', '市長', '7', ''],
      ['m1', 'speaker', 'comma-quote', '"好,我们走"', 'jz', '晋中市', '8', ''],
      ['m2', 'pledged_by', 'sep', '第二段\u2028同一行', 'jz', '晋中市', '8', ''],
    ]);
    for (const unit of OFFSET_UNITS) expect([...exportChunks('csv-links', source, unit)].join('')).toBe(content);
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

  const counts = { documents: 2, spans: allSpans, links: allLinks, losses: [] };
  // The spans CSV is a row per span: the documents' texts, notes and metadata are not in it.
  const csvCounts = {
    ...counts,
    losses: [
      "document texts (a row holds its span's text and 30 characters on each side): 2",
      'document notes: 2',
      'document metadata (file name, source…): 2',
    ],
  };

  for (const unit of OFFSET_UNITS) {
    it(`writes files that Python reads back with the same span and fragment texts (${unit})`, async () => {
      const jsonlPath = path.join(dir, 'corpus.jsonl');
      const jsonPath = path.join(dir, 'corpus.json');
      const csvPath = path.join(dir, 'corpus.csv');
      const linksPath = path.join(dir, 'corpus.links.csv');
      expect(await writeExportFile(jsonlPath, 'jsonl', source, unit)).toEqual(counts);
      expect(await writeExportFile(jsonPath, 'json', source, unit)).toEqual(counts);
      expect(await writeExportFile(csvPath, 'csv', source, unit)).toEqual(csvCounts);
      expect(await writeExportFile(linksPath, 'csv-links', source, unit)).toEqual(counts);
      expect(fs.readdirSync(dir).sort()).toEqual(['corpus.csv', 'corpus.json', 'corpus.jsonl', 'corpus.links.csv']);
      // What each fragment must slice out, found by searching the text (not by Loupe's offset maths).
      const pieces = Object.fromEntries(
        [...doc1.spans, ...doc2.spans].map((s) => {
          const doc = doc1.spans.includes(s) ? doc1 : doc2;
          return [`${doc.id}/${s.id}`, s.fragments.map(([a, b]) => Array.from(doc.text).slice(a, b).join(''))];
        }),
      );

      const script = String.raw`
import csv, json, sys
jsonl_path, json_path, csv_path, links_path, unit, expected_rows, expected_links = sys.argv[1:8]
pieces = json.loads(sys.argv[8])
expected_rows, expected_links = int(expected_rows), int(expected_links)

${PY_CUT}
with open(jsonl_path, encoding="utf-8") as f:
    lines = f.read().splitlines()
assert len(lines) == 2, "JSONL lines: %d" % len(lines)
docs = [json.loads(line) for line in lines]
spans = {}
texts = {}
for doc in docs:
    assert doc["offset_unit"] == unit
    assert doc["status"] in ("new", "in_progress", "done")
    for s in doc["spans"]:
        assert cut(doc["text"], s["start"], s["end"]) == s["text"], (doc["id"], s)
        got = [cut(doc["text"], a, b) for a, b in s["fragments"]]
        assert got == pieces["%d/%s" % (doc["id"], s["id"])], (doc["id"], s["id"], got)
        spans[(str(doc["id"]), s["id"])] = (doc, s)
        texts[s["id"]] = s["text"]
with open(json_path, encoding="utf-8") as f:
    whole = json.load(f)
assert whole["documents"] == docs
assert whole["offset_unit"] == unit
attr_columns = ["%s.%s" % (l["name"], a["name"]) for l in whole["labels"] for a in l["attributes"]]
with open(csv_path, encoding="utf-8-sig", newline="") as f:
    reader = csv.DictReader(f)
    rows = list(reader)
assert reader.fieldnames == ["doc_id", "doc_title", "doc_status", "span_id", "label", "start", "end", "text",
    "fragments", "left_context", "right_context", "note", "offset_unit", "annotator"] + attr_columns, reader.fieldnames
assert len(rows) == expected_rows == len(spans), (len(rows), expected_rows, len(spans))
for r in rows:
    doc, s = spans[(r["doc_id"], r["span_id"])]
    start, end = int(r["start"]), int(r["end"])
    assert (start, end) == (s["start"], s["end"])
    assert r["doc_title"] == doc["title"]
    assert r["doc_status"] == doc["status"]
    assert r["label"] == s["label"]
    assert r["note"] == s["note"]
    assert r["text"] == s["text"] == cut(doc["text"], start, end), r
    assert [[int(x) for x in p.split("-")] for p in r["fragments"].split(";")] == s["fragments"], r
    for column in attr_columns:
        label, name = column.split(".")
        value = s["attrs"].get(name) if s["label"] == label else None
        want = "" if value is None else ("true" if value is True else "false" if value is False else str(value))
        assert r[column] == want, (r["span_id"], column, r[column], want)
with open(links_path, encoding="utf-8-sig", newline="") as f:
    reader = csv.DictReader(f)
    links = list(reader)
assert reader.fieldnames == ["link_id", "type", "from_span_id", "from_text", "to_span_id", "to_text", "doc_id", "annotator"], reader.fieldnames
assert len(links) == expected_links == sum(len(d["links"]) for d in docs)
for l in links:
    doc = next(d for d in docs if str(d["id"]) == l["doc_id"])
    link = next(x for x in doc["links"] if x["id"] == l["link_id"])
    assert (l["type"], l["from_span_id"], l["to_span_id"]) == (link["type"], link["from"], link["to"])
    assert l["from_text"] == texts[link["from"]] and l["to_text"] == texts[link["to"]], l
print("ok", len(rows), len(links))
`;
      const py = spawnSync(
        'python3',
        ['-X', 'utf8', '-c', script, jsonlPath, jsonPath, csvPath, linksPath, unit, String(allSpans), String(allLinks), JSON.stringify(pieces)],
        { encoding: 'utf8' },
      );
      expect(py.error).toBeUndefined();
      expect(py.stderr).toBe('');
      expect(py.status).toBe(0);
      expect(py.stdout.trim()).toBe(`ok ${allSpans} ${allLinks}`);
    });
  }


  it('writes byte-identical files for the same source, equal to the streamed chunks', async () => {
    for (const format of EXPORT_FORMATS) {
      for (const unit of OFFSET_UNITS) {
        const a = path.join(dir, `a.${format}`);
        const b = path.join(dir, `b.${format}`);
        await writeExportFile(a, format, source, unit);
        await writeExportFile(b, format, source, unit);
        const bytesA = fs.readFileSync(a);
        expect(bytesA.equals(fs.readFileSync(b)), `${format} ${unit}`).toBe(true);
        expect(bytesA.equals(await exportBytes(format, source, unit)), `${format} ${unit} streamed`).toBe(true);
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
    linkTypes: [...DEFAULT_LINK_TYPES],
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

  it('writes the CSV export\'s two files from one pass, each equal to its own export', async () => {
    let passes = 0;
    const once: ExportSource = {
      ...source,
      *documents() {
        passes++;
        yield* source.documents();
      },
    };
    const csvPath = path.join(dir, 'corpus.csv');
    const linksPath = path.join(dir, 'corpus.links.csv');
    for (const unit of OFFSET_UNITS) {
      passes = 0;
      expect(await writeCsvExport(csvPath, linksPath, once, unit)).toEqual(csvCounts);
      expect(passes).toBe(1);
      expect(fs.readFileSync(csvPath, 'utf8')).toBe([...exportChunks('csv', source, unit)].join(''));
      expect(fs.readFileSync(linksPath, 'utf8')).toBe([...exportChunks('csv-links', source, unit)].join(''));
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['corpus.csv', 'corpus.links.csv']);
  });

  it('leaves both CSV files as they were when the source fails midway', async () => {
    const csvPath = path.join(dir, 'out.csv');
    const linksPath = path.join(dir, 'out.links.csv');
    fs.writeFileSync(csvPath, 'the previous spans');
    fs.writeFileSync(linksPath, 'the previous links');
    await expect(writeCsvExport(csvPath, linksPath, failing, 'codepoint')).rejects.toThrow(`Could not export to ${csvPath}: database went away`);
    expect(fs.readdirSync(dir).sort()).toEqual(['out.csv', 'out.links.csv']);
    expect(fs.readFileSync(csvPath, 'utf8')).toBe('the previous spans');
    expect(fs.readFileSync(linksPath, 'utf8')).toBe('the previous links');
  });

  it('writes exports many times larger than its write buffers byte for byte', async () => {
    // Astral characters and a long document put buffer boundaries inside multi-byte characters and
    // make one chunk larger than a buffer.
    const text = '晋中市两会精神𠮷👍🏽abc, "quoted"\n'.repeat(2000);
    const length = Array.from(text).length;
    const many: LoupeDocument[] = Array.from({ length: 120 }, (_, i) => {
      const spans = Array.from({ length: 200 }, (_, k): Span => {
        const start = (i * 7 + k * 331) % (length - 40);
        const end = start + 1 + (k % 37);
        return { ...doc1.spans[0]!, id: `d${i}s${k}`, start, end, fragments: [[start, end]] };
      }).sort((a, b) => a.start - b.start || a.end - b.end);
      return { ...doc1, id: i + 1, text: i === 60 ? text.repeat(20) : text, spans, links: [] };
    });
    for (const format of ['jsonl', 'csv'] as const) {
      const file = path.join(dir, `many.${format}`);
      await writeExportFile(file, format, sourceOf(many), 'utf8');
      const written = fs.readFileSync(file);
      expect(written.length).toBeGreaterThan(4 * 2 ** 20);
      expect(written.equals(Buffer.from([...exportChunks(format, sourceOf(many), 'utf8')].join(''), 'utf8')), format).toBe(true);
    }
  });

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
      const end = start + 1 + (k % 17);
      spans.push({ ...doc1.spans[0]!, id: `s${k}`, start, end, fragments: [[start, end]] });
    }
    spans.sort((a, b) => a.start - b.start || a.end - b.end);
    const big: LoupeDocument = { ...doc1, id: 1, text, spans, links: [] };
    const file = path.join(dir, 'big.jsonl');
    const started = performance.now();
    expect(await writeExportFile(file, 'jsonl', sourceOf([big]), 'utf8')).toEqual({ documents: 1, spans: 20_000, links: 0, losses: [] });
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
