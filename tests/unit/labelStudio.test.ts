import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectingContext, exportChunks } from '../../src/main/formats/export';
import { labelStudioConfig, labelStudioExporter } from '../../src/main/formats/export/labelStudio';
import { detectFormat, registerImporter } from '../../src/main/formats/import';
import { importBatch } from '../../src/main/services/importer';
import { labelStudioImporter } from '../../src/main/formats/import/labelStudio';
import { ImportError } from '../../src/main/formats/import/types';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import type { LoupeDocument, OffsetUnit } from '../../src/shared/types';
import { at, cpSlice } from './textHelpers';
import { docs, sourceOf } from './corpusHelpers';

const fixtures = path.resolve(__dirname, '../fixtures');
const enc = (s: string) => new TextEncoder().encode(s);

registerImporter(labelStudioImporter);

let dir: string;
const stores: CorpusStore[] = [];
function newStore(name = 'c'): CorpusStore {
  const store = openCorpusStore(path.join(dir, `${name}.loupe`), { create: true });
  stores.push(store);
  return store;
}
const textOf = (doc: LoupeDocument, id: string) => {
  const s = doc.spans.find((x) => x.id === id)!;
  return cpSlice(doc.text, s.start, s.end);
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-ls-'));
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const parse = (data: string | Uint8Array, name = 'tasks.json') =>
  labelStudioImporter.parse({ name, data: typeof data === 'string' ? enc(data) : data }, { get: () => undefined });

describe('Label Studio import', () => {
  it('reads a task Label Studio made with the mouse: one task object, its regions in code points', () => {
    // Real Label Studio 1.4.0 output (tests/realClients/labelStudio.ts drew it): 坚持品质👍🏽 and 社长 after
    // 𠮷 in the first paragraph, in code points; 市長 in the second paragraph, which Label Studio counted
    // in UTF-16 units up to the paragraph (its text tells), and so read in UTF-16 units.
    const store = newStore();
    const data = fs.readFileSync(path.join(fixtures, 'label-studio/drawn-in-label-studio.json'));
    const report = importBatch(store, [{ name: 'task.json', data }]); // auto-detected: one task object, not Loupe's JSON
    expect(report.failed).toEqual([]);
    expect(report.imported).toMatchObject([{ format: 'label-studio', spans: 3 }]);
    const [doc] = docs(store);
    expect(doc!.spans.map((s) => [s.label, cpSlice(doc!.text, s.start, s.end)]).sort()).toEqual([
      ['official', '市長'],
      ['official', '社长'],
      ['pledge', '坚持品质👍🏽'],
    ]);
    const shehzhang = doc!.spans.find((s) => cpSlice(doc!.text, s.start, s.end) === '社长')!;
    expect([shehzhang.start, shehzhang.end]).toEqual([17, 19]); // what Label Studio wrote: code points
    expect(report.imported[0]!.notes).toEqual([
      'Label Studio regions whose offsets count UTF-16 code units, not code points (their text shows it), read as such: 1',
    ]);
  });

  it('reads older UTF-16 exports where each region’s text proves that unit, and says so; with relations and notes', () => {
    const store = newStore();
    const data = fs.readFileSync(path.join(fixtures, 'label-studio/emoji-chinese.json'));
    const report = importBatch(store, [{ name: 'emoji-chinese.json', data }]); // auto-detected
    expect(report.failed).toEqual([]);
    expect(report.imported.map((r) => r.format)).toEqual(['label-studio', 'label-studio', 'label-studio']);
    expect(report.schemaAdded.labels).toEqual(['ORG']);
    const utf16 = (n: number) => `Label Studio regions whose offsets count UTF-16 code units, not code points (their text shows it), read as such: ${n}`;
    // The first task's earlier annotation and its prediction are not read, and the report says so.
    const leftOut = [
      "Label Studio annotations left out (the last was read; File › Merge annotations from… keeps each annotator's): 1",
      'Label Studio predictions left out (an annotation was read): 1',
    ];
    expect(report.imported.map((r) => r.notes)).toEqual([[utf16(3), ...leftOut], [utf16(2)], []]);
    const [one, two, three] = docs(store);

    // Task 101: the last annotation not cancelled (id 12); not the earlier one, the cancelled one or the prediction.
    const t1 = one!.text;
    const byText = (s: string) => one!.spans.filter((x) => cpSlice(t1, x.start, x.end) === s).map((x) => x.label).sort();
    expect(byText('𠮷野家')).toEqual(['ORG']);
    expect(byText('王小明')).toEqual(['official']);
    expect(byText('“明年开店一百家。”')).toEqual(['quote', 'slogan']); // one span per label
    expect(byText('点赞')).toEqual([]);
    expect(byText('表示')).toEqual([]);
    expect(one!.spans).toHaveLength(4);
    // Label Studio said 7..11 (UTF-16: 👍🏽 is 4 units); in code points 𠮷野家 is 5..8.
    const org = one!.spans.find((s) => s.label === 'ORG')!;
    expect([org.start, org.end]).toEqual([5, 8]);
    expect(t1.slice(7, 11)).toBe('𠮷野家');
    expect(one!.spans.find((s) => s.label === 'official')!.note).toBe('董事长');
    expect(one!.meta).toMatchObject({
      labelStudioTaskId: 101,
      labelStudioSource: 'annotation',
      labelStudioResultId: 12,
      labelStudioSkipped: 1,
      labelStudioBidirectional: 1,
      labelStudioData: { source: 'wire' },
      format: 'label-studio',
    });

    const label = (id: string) => one!.spans.find((s) => s.id === id)!.label;
    const links = one!.links.map((l) => `${l.type}: ${label(l.from)} ${textOf(one!, l.from)} → ${label(l.to)} ${textOf(one!, l.to)}`).sort();
    expect(links).toEqual([
      'related: ORG 𠮷野家 → quote “明年开店一百家。”', // 'bi', no labels: one link
      'speaker: quote “明年开店一百家。” → official 王小明',
      'works_for: official 王小明 → ORG 𠮷野家', // 'left': from/to swapped
    ]);

    // Task 102: its only annotation is cancelled, so predictions[0] (not predictions[1]).
    expect(two!.title).toBe('新华社快讯');
    expect(two!.meta.labelStudioSource).toBe('prediction');
    expect(two!.spans.map((s) => [s.label, cpSlice(two!.text, s.start, s.end)])).toEqual([
      ['official', '张三'],
      ['quote', '“加油💪干”'],
    ]);

    // Task 103: text from the first string field of data; title from its first line.
    expect(three!.text).toBe('没有标注的一篇。\n第二段。');
    expect(three!.title).toBe('没有标注的一篇。');
    expect(three!.spans).toEqual([]);
  });

  it('reads one task object, as Label Studio hands out a single task', () => {
    const store = newStore();
    const task = { id: 12, data: { text: '王小明表示：“加油”' }, annotations: [{ id: 3, result: [{ id: 'r', type: 'labels', value: { start: 0, end: 3, text: '王小明', labels: ['official'] } }] }] };
    const report = importBatch(store, [{ name: 'task.json', data: enc(JSON.stringify(task, null, 2)) }]); // pretty-printed, as downloaded
    expect(report.failed).toEqual([]);
    expect(report.imported).toMatchObject([{ format: 'label-studio', spans: 1 }]);
    const [doc] = docs(store);
    expect(doc!.spans.map((s) => [s.label, cpSlice(doc!.text, s.start, s.end)])).toEqual([['official', '王小明']]);
    expect(doc!.meta).toMatchObject({ labelStudioTaskId: 12, labelStudioSource: 'annotation' });
  });

  it('tells one Label Studio task (an object with "data") from Loupe’s JSON export (an object with "loupe_version")', () => {
    const file = (value: unknown, name = 'x.json') => ({ name, data: enc(JSON.stringify(value, null, 2)) });
    const text = { text: '𠮷野家' };
    expect(detectFormat(file({ id: 1, data: text, annotations: [] }))).toBe('label-studio');
    expect(detectFormat(file({ data: text, predictions: [{ result: [] }] }))).toBe('label-studio');
    expect(detectFormat(file([{ data: text }]))).toBe('label-studio');
    const store = newStore();
    importBatch(store, [{ name: 'a.jsonl', data: enc(`${JSON.stringify({ text: '𠮷野家', spans: [{ label: 'slogan', start: 0, end: 3 }] })}\n`) }]);
    const loupeJson = [...exportChunks('json', sourceOf(store), 'codepoint')].join('');
    expect(detectFormat({ name: 'corpus.json', data: enc(loupeJson) })).toBe('loupe-jsonl');
    expect(detectFormat(file({ ...JSON.parse(loupeJson), data: text }))).toBe('loupe-jsonl'); // loupe_version wins
    expect(detectFormat(file(text))).toBe('loupe-jsonl'); // a Loupe document; its importer reads it
    expect(detectFormat({ name: 'broken.json', data: enc('{"data": ') })).toBe('loupe-jsonl'); // its importer says what is wrong
  });

  it('refuses malformed files, naming the task and region', () => {
    const task = (value: object, text = '👍🏽 王小明') =>
      JSON.stringify([{ id: 7, data: { text }, annotations: [{ result: [{ id: 'a', type: 'labels', value }] }] }]);
    const cases: [string | Uint8Array, RegExp][] = [
      ['{"text": "x"}', /a JSON array of tasks, or one task object with its "data"/],
      ['[]', /no tasks/],
      ['[{"data": {"n": 1}}]', /task 1: .*no text/],
      ['[{"id": 3}]', /task 1 \(id 3\): .*"data"/],
      ['[1]', /task 1: a task must be an object/],
      ['[{"data": {"text": "x"}', /not valid JSON/],
      [task({ start: 5, end: 99, labels: ['official'] }), /task 1 \(id 7\), region a: 5–99 does not fit the text \(6 code points\)/],
      [task({ start: 5, end: 4, labels: ['official'] }), /task 1 \(id 7\), region a: it ends \(4\) before it starts \(5\)/],
      // Neither unit gives the region's text: both readings are named.
      [
        task({ start: 4, end: 6, text: '王小', labels: ['official'] }),
        /task 1 \(id 7\), region a: its text "王小" is not the text at 4–6: in code points that is "小明"; in UTF-16 units that is " 王"/,
      ],
      [
        task({ start: 1, end: 5, text: '王小明', labels: ['official'] }),
        /region a: its text "王小明" is not the text at 1–5: in code points that is "🏽 王小"; in UTF-16 units it does not fit \(UTF-16 offset 1 falls inside a surrogate pair\)/,
      ],
      [task({ start: 5, end: 8 }), /region a: the region has no labels/],
      [
        JSON.stringify([{ data: { text: 'ab' }, annotations: [{ result: [{ type: 'relation', from_id: 'x', to_id: 'y' }] }] }]),
        /task 1, relation 1: it joins region x, which the task does not have/,
      ],
    ];
    for (const [data, message] of cases) {
      expect(() => parse(data), String(message)).toThrow(ImportError);
      expect(() => parse(data), String(message)).toThrow(message);
    }
    // Code points pass; so do UTF-16 units when the text shows them (an older export), with a note.
    const inCodePoints = parse(task({ start: 3, end: 6, text: '王小明', labels: ['official'] })).documents[0]!;
    expect([inCodePoints.spans, inCodePoints.notes]).toMatchObject([[{ start: 3, end: 6 }], []]);
    const inUtf16 = parse(task({ start: 5, end: 8, text: '王小明', labels: ['official'] })).documents[0]!;
    expect([inUtf16.spans, inUtf16.notes]).toMatchObject([[{ start: 3, end: 6 }], [expect.stringMatching(/UTF-16 code units.*: 1$/)]]);
    // Without a text, offsets are code points (Label Studio's unit)…
    expect(parse(task({ start: 1, end: 2, labels: ['x'] })).documents[0]!.spans).toMatchObject([{ start: 1, end: 2 }]);
    // …unless the task is one of Loupe's older exports, which states its unit.
    const declared = JSON.stringify({ data: { text: '👍🏽 王小明', loupe_offset_unit: 'utf16' }, predictions: [{ result: [{ id: 'a', type: 'labels', value: { start: 5, end: 8, labels: ['x'] } }] }] });
    expect(parse(declared).documents[0]!.spans).toMatchObject([{ start: 3, end: 6 }]);
  });

  it('fails a bad file in a batch without storing anything of it', () => {
    const store = newStore();
    const bad = JSON.stringify([
      { data: { text: 'fine' } },
      { data: { text: 'short' }, predictions: [{ result: [{ id: 'r', type: 'labels', value: { start: 0, end: 50, labels: ['x'] } }] }] },
    ]);
    const binary = fs.readFileSync(path.join(fixtures, 'not-text.bin'));
    const report = importBatch(
      store,
      [
        { name: 'bad.json', data: enc(bad) },
        { name: 'binary.json', data: binary },
      ],
      { format: 'label-studio' },
    );
    expect(report.imported).toEqual([]);
    expect(report.failed.map((f) => f.name)).toEqual(['bad.json', 'binary.json']);
    expect(report.failed[0]!.error).toMatch(/task 2, region r: 0–50 does not fit/);
    expect(report.failed[1]!.reason?.key).toBe('error.binary');
    expect(store.documentCount()).toBe(0);
  });

  it('skips regions it does not read, and relations to them', () => {
    const file = JSON.stringify([
      {
        data: { text: 'abc' },
        annotations: [
          {
            result: [
              { id: 'h', type: 'hypertextlabels', value: { start: '/p[1]', end: '/p[1]', hypertextlabels: ['x'] } },
              { id: 'a', type: 'labels', value: { start: 0, end: 1, labels: ['x'] } },
              { type: 'relation', from_id: 'a', to_id: 'h', direction: 'right', labels: ['r'] },
            ],
          },
        ],
      },
    ]);
    const [doc] = parse(file).documents;
    expect(doc!.spans).toHaveLength(1);
    expect(doc!.links).toEqual([]);
    expect(doc!.meta.labelStudioSkipped).toBe(2);
  });
});

describe('Label Studio export', () => {
  const text1 = '👍🏽𠮷野家：王小明说：“明年，”他补充道，“开店一百家。”';
  const text2 = 'Plain 😀 text with a slogan: 𠮷 Make it so.';
  function loupeFixture(): string {
    const q = [at(text1, '“明年，”'), at(text1, '“开店一百家。”')];
    const doc1 = {
      title: '吉野家',
      text: text1,
      spans: [
        { id: 'org1', label: 'ORG', start: at(text1, '𠮷野家')[0], end: at(text1, '𠮷野家')[1] },
        { id: 'off1', label: 'official', start: at(text1, '王小明')[0], end: at(text1, '王小明')[1], attrs: { role: '董事长' }, note: '董事长 👔' },
        { id: 'quo1', label: 'quote', start: q[0]![0], end: q[1]![1], fragments: q, note: 'broken by 他补充道' },
      ],
      links: [
        { id: 'l1', type: 'speaker', from: 'quo1', to: 'off1' },
        { id: 'l2', type: 'works_for', from: 'off1', to: 'org1' },
      ],
    };
    const doc2 = {
      title: 'Plain',
      text: text2,
      spans: [{ id: 'slo1', label: 'slogan', start: at(text2, 'Make it so.')[0], end: at(text2, 'Make it so.')[1], note: 'line one\nline two' }],
      links: [],
    };
    return `${JSON.stringify(doc1)}\n${JSON.stringify(doc2)}\n`;
  }

  function exported(store: CorpusStore, unit: OffsetUnit = 'utf8') {
    const ctx = collectingContext(unit);
    const chunks = [...labelStudioExporter(sourceOf(store), ctx)];
    return { chunks, json: chunks.join(''), losses: ctx.losses };
  }

  it('writes tasks with code-point offsets, Label Studio’s unit (whatever unit was asked), that round-trip through the importer', () => {
    const source = newStore('source');
    const loaded = importBatch(source, [{ name: 'loupe.jsonl', data: enc(loupeFixture()) }]);
    expect(loaded.failed).toEqual([]);
    const { chunks, json, losses } = exported(source, 'utf8');

    expect(chunks[0]).toBe('[\n');
    expect(chunks.at(-1)).toBe('\n]\n');
    expect(chunks).toHaveLength(4); // one task per chunk
    const tasks = JSON.parse(json) as { id: number; data: Record<string, unknown>; predictions: { model_version: string; result: { id?: string; type: string; meta?: unknown; value: { start: number; end: number; text: string; labels: string[] } }[] }[] }[];
    const [first] = docs(source);
    expect(tasks[0]!.data).toEqual({ text: text1, title: '吉野家', loupe_document_id: first!.id, loupe_offset_unit: 'codepoint' });
    expect(tasks[0]!.predictions[0]!.model_version).toBe('loupe');
    const regions = tasks.flatMap((t) => t.predictions[0]!.result.filter((r) => r.type === 'labels').map((r) => ({ r, text: t.data.text as string })));
    expect(regions).toHaveLength(5); // the fragmented quote became two regions
    for (const { r, text } of regions) {
      // Code points: what Label Studio's frontend counts (and Python's str slices).
      expect(cpSlice(text, r.value.start, r.value.end)).toBe(r.value.text);
      expect(r).toMatchObject({ from_name: 'label', to_name: 'text', type: 'labels' });
      expect(r.value.labels).toHaveLength(1);
    }
    const org = regions.find(({ r }) => r.id === 'org1')!.r;
    expect([org.value.start, org.value.end]).toEqual([2, 5]); // 👍🏽 is 2 code points (4 UTF-16 units), 𠮷 one (2 units)
    expect(tasks[0]!.predictions[0]!.result.filter((r) => r.type === 'relation')).toEqual([
      { type: 'relation', from_id: 'quo1', to_id: 'off1', direction: 'right', labels: ['speaker'] },
      { type: 'relation', from_id: 'off1', to_id: 'org1', direction: 'right', labels: ['works_for'] },
    ]);
    expect(regions.find(({ r }) => r.id === 'off1')!.r.meta).toEqual({ text: ['董事长 👔'] });
    expect([...losses]).toEqual([
      ['fragmented spans written as one region per fragment', 1],
      ['attribute values (Label Studio needs a labelling config for them)', 1],
      ['document statuses (in progress, done)', 2],
      ['document metadata (file name, source…)', 2],
    ]);

    // Back in: same spans (the quote now two), links and notes.
    const target = newStore('target');
    const report = importBatch(target, [{ name: 'export.json', data: enc(json) }]);
    expect(report.failed).toEqual([]);
    expect(report.imported.every((r) => r.notes.length === 0)).toBe(true); // nothing read as UTF-16
    const before = docs(source);
    const after = docs(target);
    expect(after.map((d) => [d.title, d.text])).toEqual(before.map((d) => [d.title, d.text]));
    const flat = (d: LoupeDocument) =>
      d.spans.flatMap((s) => s.fragments.map(([a, b], k) => `${s.label} ${a}-${b} ${cpSlice(d.text, a, b)} [${k === 0 ? s.note : ''}]`)).sort();
    for (let i = 0; i < before.length; i++) {
      expect(after[i]!.spans.every((s) => s.fragments.length === 1)).toBe(true);
      expect(after[i]!.spans.map((s) => `${s.label} ${s.start}-${s.end} ${cpSlice(after[i]!.text, s.start, s.end)} [${s.note}]`).sort()).toEqual(
        flat(before[i]!),
      );
      expect(after[i]!.links.map((l) => [l.type, l.from, l.to])).toEqual(before[i]!.links.map((l) => [l.type, l.from, l.to]));
    }
    expect(textOf(after[0]!, 'quo1')).toBe('“明年，”'); // the first fragment kept the span's id (and its links)
  });

  it('is deterministic and valid for an empty corpus', () => {
    const source = newStore('source');
    expect(JSON.parse(exported(source).json)).toEqual([]);
    importBatch(source, [{ name: 'loupe.jsonl', data: enc(loupeFixture()) }]);
    expect(exported(source).json).toBe(exported(source, 'codepoint').json);
  });

  it('offers a labelling config naming the regions’ from_name and to_name', () => {
    const xml = labelStudioConfig(
      [
        { name: 'quote', color: '#d9480f' },
        { name: 'a "b" & <c>' },
      ],
      [{ name: 'speaker' }],
    );
    expect(xml).toBe(
      [
        '<View>',
        '  <Relations>',
        '    <Relation value="speaker"/>',
        '  </Relations>',
        '  <Labels name="label" toName="text">',
        '    <Label value="quote" background="#d9480f"/>',
        '    <Label value="a &quot;b&quot; &amp; &lt;c&gt;"/>',
        '  </Labels>',
        '  <Text name="text" value="$text"/>',
        '</View>',
        '',
      ].join('\n'),
    );
    expect(labelStudioConfig([{ name: 'x' }], [])).not.toContain('Relations');
  });
});
