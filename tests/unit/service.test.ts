import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, parseArgs } from '../../src/shared/contract';
import { createLoupeService, DEFAULT_CORPUS_NAME, type LoupeService } from '../../src/main/services/loupeService';
import { systemAnnotator } from '../../src/main/services/settingsStore';
import { csvField } from '../../src/main/formats/export/csv';
import { CORPUS_FIXTURES } from '../fixturePaths';

const CORPUS = CORPUS_FIXTURES;
const bytes = (file: string) => new Uint8Array(fs.readFileSync(path.join(CORPUS, file)));

let dir: string;
let service: LoupeService;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-service-'));
  service = createLoupeService({ dataDir: dir });
});
afterEach(() => {
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('first start', () => {
  it('opens a default corpus in the data folder, seeded with the demo articles and the four labels', async () => {
    const info = await service.corpusInfo({});
    expect(info.path).toBe(path.join(dir, DEFAULT_CORPUS_NAME));
    expect(info.labels.map((l) => [l.name, l.hotkey])).toEqual([
      ['quote', '1'],
      ['official', '2'],
      ['pledge', '3'],
      ['slogan', '4'],
    ]);
    const docs = await service.listDocuments({});
    expect(docs.length).toBeGreaterThanOrEqual(2);
    const zh = await service.getDocument({ id: docs[0]!.id });
    expect(zh.text).toContain('县委书记周振华');
    expect(String(zh.meta.gloss)).toMatch(/Zhou Zhenhua/);
  });

  it('reopens the most recent corpus on the next start', async () => {
    const other = path.join(dir, 'second.loupe');
    await service.createCorpus({ path: other });
    service.close();
    service = createLoupeService({ dataDir: dir });
    expect((await service.corpusInfo({})).path).toBe(other);
  });
});

describe('import', () => {
  it('imports UTF-8, GB18030 and UTF-16 copies of the article as one identical text, and reports a bad file', async () => {
    const report = await service.importFiles({
      files: [
        { name: 'a.txt', data: bytes('jinzhong-two-sessions.txt') },
        { name: 'broken.bin', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0, 0xff, 0xfe, 0, 1]) },
        { name: 'b.txt', data: bytes('jinzhong-two-sessions.gb18030.txt') },
        { name: 'c.txt', data: bytes('jinzhong-two-sessions.utf16le-bom.txt') },
      ],
      duplicates: 'import', // the same text three times: skipped as duplicates otherwise
    });
    expect(report.imported.map((r) => r.encoding)).toEqual(['UTF-8', 'GB18030', 'UTF-16LE']);
    expect(report.failed).toEqual([
      { name: 'broken.bin', error: expect.stringMatching(/binary|not a text/i), reason: { key: 'error.binary' } },
    ]);
    const texts = await Promise.all(report.imported.map((r) => service.getDocument({ id: r.documentId })));
    expect(new Set(texts.map((d) => d.text)).size).toBe(1);
    expect(texts[0]!.title).toBe('攀“高”逐“新” 共绘美好未来');
    expect(texts[0]!.meta.fileName).toBe('a.txt');
  });
});

describe('corpus files', () => {
  it('refuses to create a corpus over an existing file, and keeps the current one open', async () => {
    const existing = path.join(dir, 'taken.loupe');
    fs.writeFileSync(existing, 'precious');
    await expect(service.createCorpus({ path: existing })).rejects.toThrow(/already exists/);
    expect(fs.readFileSync(existing, 'utf8')).toBe('precious');
    expect((await service.corpusInfo({})).path).toBe(path.join(dir, DEFAULT_CORPUS_NAME));
  });

  it('reports a file that is not a corpus as an ApiError and stays on the current corpus', async () => {
    const bogus = path.join(dir, 'bogus.loupe');
    fs.writeFileSync(bogus, 'hello');
    const error = await service.openCorpus({ path: bogus }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as Error).message).toMatch(/not a Loupe corpus/);
    expect((await service.listDocuments({})).length).toBeGreaterThan(0);
  });

  it('remembers the UI language', async () => {
    await service.updateSettings({ locale: 'zh-CN' });
    service.close();
    service = createLoupeService({ dataDir: dir });
    expect((await service.getSettings({})).locale).toBe('zh-CN');
  });
});

describe('saving', () => {
  it('never lands in another corpus, and never overwrites a save made elsewhere', async () => {
    const first = await service.corpusInfo({});
    const [doc] = await service.listDocuments({});
    const loaded = await service.getDocument({ id: doc!.id });
    const save = (revision: number, corpusId = first.id) =>
      service.saveDocument({ corpusId, id: loaded.id, baseRevision: revision, upsert: [{ id: 'x', label: 'quote', start: 0, end: 2 }], remove: [] });

    const saved = await save(loaded.revision);
    expect(saved.revision).toBe(loaded.revision + 1);
    // a second window still on the old revision is refused, and the first window's span stays
    await expect(save(loaded.revision)).rejects.toMatchObject({ code: 'conflict' });
    // a rename is a save like any other: it moves the revision on, and a window behind it is refused
    const renamed = await service.saveDocument({ corpusId: first.id, id: loaded.id, baseRevision: saved.revision, title: '新标题', upsert: [], remove: [] });
    expect(renamed.revision).toBe(saved.revision + 1);
    await expect(save(saved.revision)).rejects.toMatchObject({ code: 'conflict', reason: { key: 'error.changedElsewhere' } });
    expect((await save(renamed.revision)).revision).toBe(renamed.revision + 1);

    // another corpus opened meanwhile (by another tab): the old tab's save is refused there
    const other = await service.createCorpus({ path: path.join(dir, 'other.loupe') });
    expect(other.id).not.toBe(first.id);
    await expect(save(0)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/no longer open/) });

    // a copy of the first corpus (a backup) is another opening, with another id
    fs.copyFileSync(first.path, path.join(dir, 'copy.loupe'));
    const copy = await service.openCorpus({ path: path.join(dir, 'copy.loupe') });
    expect(copy.id).not.toBe(first.id);
    await expect(save(saved.revision + 1)).rejects.toMatchObject({ reason: { key: 'error.corpusNotOpen' } });
  });

  it('requires the base revision for every save: text, spans, title, status or note', () => {
    expect(() => parseArgs('saveDocument', { corpusId: 'c', id: 1, text: 'x', upsert: [], remove: [] })).toThrow(/baseRevision: required/);
    expect(() => parseArgs('saveDocument', { corpusId: 'c', id: 1, title: 'T', upsert: [], remove: [] })).toThrow(/baseRevision: required/);
    expect(parseArgs('saveDocument', { corpusId: 'c', id: 1, baseRevision: 0, title: 'T', upsert: [], remove: [] })).toMatchObject({ title: 'T' });
  });
});

describe('the contract boundary', () => {
  it('refuses malformed arguments with a message naming the field', () => {
    expect(() => parseArgs('getDocument', { id: 'x' })).toThrow(/getDocument: invalid argument \(id:/);
    expect(() => parseArgs('saveDocument', { corpusId: 'c', id: 1, upsert: [{ id: 'a', label: 'q', start: 5, end: 2 }], remove: [] })).toThrow(
      /end after it starts/,
    );
    expect(() => parseArgs('exportCorpus', { format: 'xml', path: '/tmp/x', offsets: 'codepoint' })).toThrow(/format/);
    expect(() => parseArgs('corpusInfo', { surprise: true })).toThrow(/invalid argument/);
    expect(() => parseArgs('nope' as 'corpusInfo', {})).toThrow(/unknown method/);
    expect(parseArgs('getDocument', { id: 3 })).toEqual({ id: 3 });
  });

  it('turns store errors into ApiErrors with a code', async () => {
    const error = await service.getDocument({ id: 9999 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('not-found');
  });
});

describe('export of attribution', () => {
  it('carries attrs, fragments, links, status and notes; the CSV export writes its links CSV next to it', async () => {
    const info = await service.corpusInfo({});
    const report = await service.importFiles({ files: [{ name: 'a.txt', data: new TextEncoder().encode('赵书记说:“𠮷好,”他又说,“👍🏽”。') }] });
    const documentId = report.imported[0]!.documentId;
    const doc = await service.getDocument({ id: documentId });
    expect(doc.status).toBe('new');
    const saved = await service.saveDocument({
      corpusId: info.id,
      id: documentId,
      baseRevision: doc.revision,
      note: 'checked twice',
      upsert: [
        { id: 'o', label: 'official', start: 0, end: 3, attrs: { name: '赵', role: '书记' } },
        // “𠮷好,” and “👍🏽”, counted in code points: 赵书记说: is 5, “𠮷好,” 5, 他又说, 4, “👍🏽” 4.
        { id: 'q', label: 'quote', start: 5, end: 18, fragments: [[5, 10], [14, 18]], attrs: { kind: 'direct' }, note: 'one quote, two pieces' },
      ],
      remove: [],
      upsertLinks: [{ id: 'l', type: 'speaker', from: 'q', to: 'o' }],
    });
    expect(saved.status).toBe('in_progress');
    await service.saveDocument({ corpusId: info.id, id: documentId, baseRevision: saved.revision, status: 'done', upsert: [], remove: [] });

    const jsonl = path.join(dir, 'out.jsonl');
    const result = await service.exportCorpus({ format: 'jsonl', path: jsonl, offsets: 'utf16', documentId });
    expect(result).toEqual({ path: jsonl, files: [jsonl], documents: 1, spans: 2, links: 1, losses: [] });
    const line = JSON.parse(fs.readFileSync(jsonl, 'utf8')) as Record<string, unknown> & { spans: Record<string, unknown>[] };
    expect(line).toMatchObject({ status: 'done', note: 'checked twice', links: [{ id: 'l', type: 'speaker', from: 'q', to: 'o' }] });
    expect(line.spans[1]).toEqual({
      id: 'q',
      label: 'quote',
      start: 5,
      end: 21,
      text: '“𠮷好,”他又说,“👍🏽”',
      fragments: [[5, 11], [15, 21]],
      attrs: { kind: 'direct' },
      note: 'one quote, two pieces',
      annotator: systemAnnotator(), // the app's user: no name chosen in this data folder
    });

    const json = path.join(dir, 'out.json');
    await service.exportCorpus({ format: 'json', path: json, offsets: 'codepoint', documentId });
    const whole = JSON.parse(fs.readFileSync(json, 'utf8')) as { link_types: { name: string }[]; documents: { spans: { fragments: number[][] }[] }[] };
    expect(whole.link_types.map((t) => t.name)).toEqual(['speaker', 'pledged_by']);
    expect(whole.documents[0]!.spans[1]!.fragments).toEqual([[5, 10], [14, 18]]);

    const csv = path.join(dir, 'out.csv');
    const both = await service.exportCorpus({ format: 'csv', path: csv, offsets: 'codepoint', documentId });
    expect(both).toMatchObject({ path: csv, files: [csv, path.join(dir, 'out.links.csv')], documents: 1, spans: 2, links: 1 });
    const rows = fs.readFileSync(csv, 'utf8').replace(/^\uFEFF/, '').split('\r\n');
    const me = csvField(systemAnnotator());
    expect(rows[0]).toBe(
      'doc_id,doc_title,doc_status,span_id,label,start,end,text,fragments,left_context,right_context,note,offset_unit,annotator,' +
        'quote.kind,official.name,official.role,pledge.measurable,pledge.target_year',
    );
    expect(rows[2]).toBe(`${documentId},"${doc.title}",done,q,quote,5,18,"“𠮷好,”他又说,“👍🏽”",5-10;14-18,赵书记说:,。,"one quote, two pieces",codepoint,${me},direct,,,,`);
    expect(rows[1]!.endsWith(`,codepoint,${me},,赵,书记,,`)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'out.links.csv'), 'utf8')).toBe(
      `\uFEFFlink_id,type,from_span_id,from_text,to_span_id,to_text,doc_id,annotator\r\nl,speaker,q,"“𠮷好,”他又说,“👍🏽”",o,赵书记,${documentId},${me}\r\n`,
    );
  });
});

describe('getDocument', () => {
  it('gives the editor each span without its bookkeeping, fragments only for a span of several', async () => {
    const info = await service.corpusInfo({});
    const [first] = await service.listDocuments({});
    const doc = await service.getDocument({ id: first!.id });
    await service.saveDocument({
      corpusId: info.id,
      id: doc.id,
      baseRevision: doc.revision,
      upsert: [
        { id: 'whole', label: 'quote', start: 0, end: 4, attrs: { kind: 'direct' }, note: '核对' },
        { id: 'broken', label: 'quote', start: 0, end: 9, fragments: [[0, 2], [5, 9]] },
      ],
      remove: [],
    });
    const spans = (await service.getDocument({ id: doc.id })).spans.filter((s) => s.id === 'whole' || s.id === 'broken');
    expect(spans).toEqual([
      { id: 'whole', label: 'quote', start: 0, end: 4, attrs: { kind: 'direct' }, note: '核对' },
      { id: 'broken', label: 'quote', start: 0, end: 9, fragments: [[0, 2], [5, 9]], attrs: {}, note: '' },
    ]);
  });
});
