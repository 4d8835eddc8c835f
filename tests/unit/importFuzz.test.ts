/**
 * The importer fuzzer at unit-test size (tests/reliability/importFuzz.ts says what it checks), the
 * 100 MB single-line file, one focused test per bug the fuzzer (or its probes) found, and the brat
 * export's zip entry names.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAnnotationConf } from '../../src/main/formats/bratConf';
import { collectingContext } from '../../src/main/formats/export';
import { bratChunks } from '../../src/main/formats/export/brat';
import { importBatch } from '../../src/main/services/importer';
import { parseDocx } from '../../src/main/formats/import/docx';
import { htmlText, MAX_NESTING } from '../../src/main/formats/import/html';
import { MAX_JSON_NESTING } from '../../src/main/formats/import/jsonl';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import type { ImportFormat } from '../../src/shared/types';
import { docxOf, fuzzImporters, rawZip, unclearMessage, zeroBomb } from '../reliability/importFuzz';
import { sourceOf } from './corpusHelpers';

const SEED = 20_240_611;
const ROUNDS = 8;
const MB = 1024 * 1024;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

let dir: string;
let store: CorpusStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-import-fuzz-test-'));
  store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const importOne = (name: string, data: Uint8Array | string, format?: ImportFormat) =>
  importBatch(store, [{ name, data: typeof data === 'string' ? utf8(data) : data }], format ? { format } : {});
/** The one error of a one-file import that failed. */
const errorOf = (name: string, data: Uint8Array | string, format?: ImportFormat): string => {
  const report = importOne(name, data, format);
  expect(report.imported).toEqual([]);
  expect(report.failed).toHaveLength(1);
  return report.failed[0]!.error;
};
const timed = <T>(run: () => T): { value: T; ms: number } => {
  const t0 = performance.now();
  const value = run();
  return { value, ms: performance.now() - t0 };
};

describe('importer fuzzing', () => {
  it(`seed ${SEED}, ${ROUNDS} rounds: every mutated input is imported or refused clearly, and a refused one leaves the corpus as it was`, async () => {
    const report = await fuzzImporters({ seed: SEED, rounds: ROUNDS, big: false });
    // Every kind ran, the one-offs included (deep HTML and Markdown, zip bombs, entry names).
    for (const kind of ['truncate', 'random-bytes', 'json-types', 'brat-offsets', 'conll-columns', 'deep-html', 'deep-markdown', 'zip-bomb', 'zip-names']) {
      expect(report.byKind[kind], kind).toBeGreaterThan(0);
    }
    expect(report.accepted).toBeGreaterThan(0);
    expect(report.rejectedClearly).toBeGreaterThan(0);
    expect(report.failures).toEqual([]);
  }, 120_000);

  it('refuses a 100 MB single-line text file (and as JSON Lines) at once, with the size limit in words', () => {
    const line = new Uint8Array(100 * MB).fill(0x61);
    for (const [name, format] of [['line.txt', undefined], ['line.jsonl', undefined], ['line.txt', 'markdown'], ['line.txt', 'docx']] as const) {
      const { value: error, ms } = timed(() => errorOf(name, line, format));
      expect(error).toMatch(/larger than the 64 MB import limit/);
      expect(ms).toBeLessThan(2000);
    }
    expect(store.documentCount()).toBe(0);
  });

  it('judges error messages as a user reads them', () => {
    expect(unclearMessage('line 3: a span needs a "label"')).toBeNull();
    expect(unclearMessage('a.ann line 1: “null” is not a brat annotation id')).toBeNull(); // quoted file content
    expect(unclearMessage('line 1: “{"text":"说：“好”。","entities":[null,” has no tag column')).toBeNull(); // quotes inside quotes
    expect(unclearMessage("Cannot read properties of undefined (reading 'x')")).not.toBeNull();
    expect(unclearMessage('task 1 (id [object Object]): …')).not.toBeNull();
    expect(unclearMessage('two spans have the id null')).not.toBeNull();
    expect(unclearMessage('Maximum call stack size exceeded')).not.toBeNull();
    expect(unclearMessage('RangeError: Invalid string length')).not.toBeNull();
  });
});

describe('bugs the fuzzer found', () => {
  it('HTML: a long paragraph with many source line breaks is read in linear time (it took 23 s for 20,000 lines)', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    const { value, ms } = timed(() => htmlText(lines.join('\n')));
    expect(value.paragraphs).toEqual([lines.join(' ')]);
    expect(ms).toBeLessThan(2000);
  });

  it('HTML: 100,000 nested elements are refused quickly instead of taking seconds in the parser', () => {
    const deep = `<html><body>${'<div>'.repeat(100_000)}深${'</div>'.repeat(100_000)}</body></html>`;
    const { value: error, ms } = timed(() => errorOf('deep.html', deep));
    expect(error).toBe(`the HTML is nested too deeply to read (more than ${MAX_NESTING} elements inside one another)`);
    expect(ms).toBeLessThan(2000);
    // Markdown renders inline HTML through the same walk.
    expect(errorOf('deep.md', `${'<div>\n\n'.repeat(30_000)}x`)).toMatch(/nested too deeply/);
    expect(importOne('ok.html', `${'<div>'.repeat(1000)}浅${'</div>'.repeat(1000)}`).imported).toHaveLength(1);
  });

  it('DOCX: an entry that declares a few bytes but inflates to a gigabyte is stopped at once', () => {
    const bomb = zeroBomb(4_161_000); // 1 GB of zeros in 6.7 MB
    const document = utf8(`<w:document ${W}><w:body><w:p><w:r><w:t>正文</w:t></w:r></w:p></w:body></w:document>`);
    const cases: [string, Uint8Array, RegExp][] = [
      ['document.xml', rawZip([{ name: 'word/document.xml', method: 8, data: bomb, declared: 1000 }]), /word\/document\.xml unpacks to more than the 1000 bytes it declares/],
      ['styles.xml', rawZip([
        { name: 'word/document.xml', method: 0, data: document, declared: document.length },
        { name: 'word/styles.xml', method: 8, data: bomb, declared: 500 },
      ]), /word\/styles\.xml unpacks to more than the 500 bytes it declares/],
      ['a part listed twice', rawZip([
        { name: 'word/document.xml', method: 8, data: bomb, declared: 100 * MB },
        { name: 'WORD/document.xml', method: 8, data: bomb, declared: 100 * MB },
      ]), /lists WORD\/document\.xml twice/],
      ['a stored part longer than it says', rawZip([{ name: 'word/document.xml', method: 0, data: document, declared: 5 }]), /holds more than the 5 bytes it declares/],
      ['an unknown method', rawZip([{ name: 'word/document.xml', method: 12, data: document, declared: document.length }]), /a method Loupe cannot read \(zip method 12\)/],
    ];
    for (const [what, data, message] of cases) {
      const { value: error, ms } = timed(() => errorOf('bomb.docx', data));
      expect(error, what).toMatch(message);
      expect(error, what).toMatch(/^not a Word document \(\.docx\): /);
      expect(ms, what).toBeLessThan(2000);
    }
    // An honest archive written the same way still reads.
    expect(parseDocx({ name: 'ok.docx', data: rawZip([{ name: 'word/document.xml', method: 0, data: document, declared: document.length }]) }).documents[0]!.text).toBe('正文');
  });

  it('DOCX: a part that unpacks to over 100 times its packed size is refused before it is inflated (150 MB from 150 kB took 12 s)', () => {
    const xml = (body: string) => utf8(`<w:document ${W}><w:body><w:p><w:r><w:t>${body}</w:t></w:r></w:p></w:body></w:document>`);
    const { value: error, ms } = timed(() => errorOf('bomb.docx', docxOf({ document: xml('a'.repeat(8 * MB)) })));
    expect(error).toMatch(/^refused: word\/document\.xml would unpack to 8 MB from \d+ kB, more than 100 times its packed size \(a zip bomb\?\)$/);
    expect(ms).toBeLessThan(2000);
    // A part under 1 MB may compress as well as it likes.
    expect(importOne('small.docx', docxOf({ document: xml('b'.repeat(500_000)) })).imported).toHaveLength(1);
  });

  it('DOCX: XML nested deeper than any Word document is refused instead of taking seconds', () => {
    const body = `${'<w:tbl><w:tr><w:tc>'.repeat(10_000)}<w:p><w:r><w:t>x</w:t></w:r></w:p>`;
    const data = docxOf({ document: utf8(`<w:document ${W}><w:body>${body}</w:body></w:document>`) });
    const { value: error, ms } = timed(() => errorOf('deep.docx', data));
    expect(error).toBe(`not a Word document (.docx): word/document.xml is nested too deeply to read (more than ${MAX_NESTING} elements inside one another)`);
    expect(ms).toBeLessThan(2000);
  });

  it('JSON nested thousands deep is refused with a message, not a stack overflow when its metadata is stored', () => {
    const deep = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;
    const tooDeep = `nested too deeply (more than ${MAX_JSON_NESTING} levels of lists and objects)`;
    expect(errorOf('a.jsonl', `{"text":"abc","label":[],"extra":${deep(100_000)}}`, 'doccano')).toBe(`line 1 is ${tooDeep}`);
    expect(errorOf('b.jsonl', `{"text":"abc"}\n{"text":"abc","meta":{"x":${deep(5000)}}}`)).toBe(`line 2 is ${tooDeep}`);
    expect(errorOf('c.json', `{"documents":[{"text":"abc","meta":${deep(5000)}}]}`)).toBe(`the file is ${tooDeep}`);
    expect(errorOf('d.json', `[{"data":{"text":"abc","more":${deep(5000)}}}]`)).toBe(`the file is ${tooDeep}`);
    // Brackets inside strings do not count, and moderate nesting is kept as it was.
    const report = importOne('e.jsonl', `{"text":"[[[[","label":[],"extra":${deep(500)}}`, 'doccano');
    expect(report.failed).toEqual([]);
    expect(JSON.stringify(store.getDocument(report.imported[0]!.documentId).meta.extra)).toBe(deep(500));
  });

  it('brat: an annotation.conf whose macros double at each step is read at once, the bomb line left out', () => {
    const n = 40;
    const macros = Array.from({ length: n }, (_, i) => `<M${n - i}>=<M${n - i - 1}>|<M${n - i - 1}>`);
    const conf = [...macros, '<M0>=Person', '[entities]', 'Quote', `<M${n}>`, '[attributes]', `Flag\tArg:<M${n}>`].join('\n');
    const { value, ms } = timed(() => parseAnnotationConf(conf));
    expect(ms).toBeLessThan(1000);
    expect(value.schema.labels.map((l) => l.name)).toEqual(['Quote']);
    // Macros that stay small still expand.
    expect(parseAnnotationConf('<P>=A|B\n[entities]\nA\nB\n[attributes]\nF\tArg:<P>').schema.labels.map((l) => l.attributes.length)).toEqual([1, 1]);
  });

  it('brat: a hand-edited loupe-schema comment with wrongly typed attributes falls back to what brat declares', () => {
    const comment = '# loupe-schema: {"labels":[{"name":"Claim","attributes":[{"name":"Kind","kind":"weird"},{"name":"Tone","kind":"choice","options":[1,{},"soft"],"default":{}}]}],"linkTypes":[]}';
    const conf = `${comment}\n[entities]\nClaim\n[attributes]\nKind\tArg:Claim, Value:direct|indirect\nTone\tArg:Claim, Value:soft|1`;
    const report = importBatch(store, [
      { name: 'a.txt', data: utf8('hello world') },
      { name: 'a.ann', data: utf8('T1\tClaim 0 5\thello\nA1\tKind T1 direct\nA2\tTone T1 soft') },
      { name: 'annotation.conf', data: utf8(conf) },
    ]);
    expect(report.failed).toEqual([]);
    // Not “Quote”: that would be the corpus's quote, whose attributes are its own.
    const claim = store.schema().labels.find((l) => l.name === 'Claim')!;
    expect(claim.attributes).toEqual([
      { name: 'Kind', kind: 'choice', options: ['direct', 'indirect'], default: null, description: '' },
      { name: 'Tone', kind: 'choice', options: ['1', 'soft'], default: null, description: '' },
    ]);
  });

  it('Label Studio and doccano ids that are null or objects never show as “null” or “[object Object]”', () => {
    const task = (t: unknown) => JSON.stringify([t]);
    expect(errorOf('a.json', task({ id: {}, data: 5 }))).toBe('task 1: a task needs a "data" object with its text');
    const region = { id: { x: 1 }, type: 'labels', value: { start: 0, end: 1, labels: ['x'], text: 'b' } };
    expect(errorOf('b.json', task({ id: 7, data: { text: 'abc' }, annotations: [{ result: [region] }] }))).toBe(
      'task 1 (id 7), region region-1: its text "b" is not the text at 0–1 ("a")',
    );
    const relation = { type: 'relation', from_id: null, to_id: 'r' };
    expect(errorOf('c.json', task({ data: { text: 'abc' }, annotations: [{ result: [relation] }] }))).toBe(
      'task 1, relation 1: a relation needs "from_id" and "to_id" (region ids)',
    );
    // doccano: entities without usable ids get fresh ones; a relation needs real ends.
    const entities = [{ label: 'x', start_offset: 0, end_offset: 1, id: null }, { label: 'x', start_offset: 1, end_offset: 2, id: null }];
    expect(importOne('d.jsonl', JSON.stringify({ text: 'abc', entities }), 'doccano').imported[0]!.spans).toBe(2);
    expect(errorOf('e.jsonl', JSON.stringify({ text: 'abc', entities, relations: [{ from_id: {}, to_id: 1, type: 'r' }] }), 'doccano')).toBe(
      'line 1, relation 1: a relation needs "from_id", "to_id" (entity ids) and "type"',
    );
  });

  it('Loupe JSONL: a wrong offset_unit and misplaced fragments are named with their line and span', () => {
    expect(errorOf('a.jsonl', JSON.stringify({ text: 'abc', offset_unit: null }))).toBe('line 1: "offset_unit" must be one of "codepoint", "utf16", "utf8"');
    expect(errorOf('b.jsonl', JSON.stringify({ text: 'abc', offset_unit: 'bytes' }))).toBe('line 1: "offset_unit" must be one of "codepoint", "utf16", "utf8", not "bytes"');
    const span = (fragments: number[][]) => JSON.stringify({ text: 'abcdef', spans: [{ label: 'x', start: 0, end: 4, fragments }] });
    for (const fragments of [[[2, 4], [0, 1]], [[0, 2], [1, 4]], [[0, 2], [2, 4]], [[0, 1], [2, 3]]]) {
      expect(errorOf('c.jsonl', span(fragments))).toBe('line 1, span 1: its fragments must be in order, apart (not touching or overlapping), and run from its start to its end');
    }
    expect(importOne('d.jsonl', span([[0, 1], [2, 4]])).imported[0]!.spans).toBe(1);
  });

  it('doccano: a field named "__proto__" is kept in the metadata, not taken as its prototype', () => {
    const report = importOne('a.jsonl', '{"text":"abc","label":[],"__proto__":{"source":"x"},"source":"y"}', 'doccano');
    const meta = store.getDocument(report.imported[0]!.documentId).meta;
    expect(Object.getPrototypeOf(meta)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(meta))).toMatchObject({ ['__proto__']: { source: 'x' }, source: 'y' });
  });

  it('HTML: a declared charset that names one of iconv-lite’s byte converters (base64, hex…) is ignored', () => {
    for (const charset of ['base64', 'hex', 'binary', 'ucs2', 'utf-32']) {
      const page = new Uint8Array([...utf8(`<meta charset="${charset}"><p>Caf`), 0xe9, ...utf8(' au lait, 一杯。</p>')]);
      const report = importOne('page.html', page);
      const text = report.imported[0] ? store.getDocument(report.imported[0].documentId).text : report.failed[0]!.error;
      expect(text, charset).not.toMatch(/^PG1ld|^3c6d65/); // the page's bytes spelled out in base64 or hex
    }
  });
});

describe('archive paths', () => {
  it('brat export: no title makes an entry that leaves the folder it is unzipped into', () => {
    const titles = ['../../etc/passwd', '..\\..\\x', 'C:\\evil', '/abs', 'a/../../b', '\u0000\u0001\u0007\u001b\u007f\u0085\u202e\u2028', '..', '.', ' ', '', 'CON', 'ok title'];
    for (const title of titles) store.insertDocument({ title, text: `text of ${JSON.stringify(title)}` });
    const zip = unzipSync(Buffer.concat([...bratChunks(sourceOf(store), collectingContext('codepoint'))]));
    const names = Object.keys(zip);
    expect(names).toHaveLength(titles.length * 2 + 2);
    for (const name of names) {
      expect(name, name).not.toBe('');
      expect(name.split('/'), name).not.toContain('..');
      expect(name, name).not.toMatch(/^[/\\]|^[A-Za-z]:|\\|[\p{Cc}\p{Cf}]/u);
      expect(path.posix.normalize(name), name).toBe(name);
      expect(path.resolve('/out', name).startsWith('/out/'), name).toBe(true);
    }
    expect(names).toContain('1-etc_passwd.txt');
    expect(names).toContain('12-ok_title.ann');
  });

  it('DOCX import uses entry names only to find its two parts and writes no files', () => {
    // The test's own folder whole; the shared ones (other tests run beside this one) for what the entries are named.
    const listing = (folder: string, only?: RegExp) => fs.readdirSync(folder).filter((name) => !only || only.test(name)).sort();
    const evilNamed = /evil|^abs$/i;
    const before = [listing(dir), listing(process.cwd(), evilNamed), listing(path.resolve(process.cwd(), '..'), evilNamed), listing('/', evilNamed)];
    const evil = { '../../evil': utf8('x'), '/abs/evil': utf8('x'), 'C:\\evil.txt': utf8('x'), '..\\..\\evil': utf8('x'), 'word/../../evil.xml': utf8('x'), '../evil': utf8('x') };
    const report = importOne('names.docx', docxOf({ extra: evil }));
    expect(report.failed).toEqual([]);
    expect(store.getDocument(report.imported[0]!.documentId).text).toContain('长江中游今年首场春汛平稳过境');
    expect([listing(dir), listing(process.cwd(), evilNamed), listing(path.resolve(process.cwd(), '..'), evilNamed), listing('/', evilNamed)]).toEqual(before);
    // And the readers do not even import the file system.
    for (const file of ['docx.ts', 'zip.ts']) {
      const source = fs.readFileSync(path.resolve(__dirname, '../../src/main/formats/import', file), 'utf8');
      expect(source, file).not.toMatch(/from ['"](node:)?fs(\/promises)?['"]/);
    }
  });
});
