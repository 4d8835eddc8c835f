/**
 * Zips and brat folders: a brat folder (one with .ann files) imports only its .txt/.ann pairs and says
 * what it skipped (README, LICENSE, files without an extension, a .txt without its .ann); a zip imports
 * as the folder it holds (brat's, Loupe's own brat export, or any zip of supported files), and a zip
 * bomb, an absurd entry count, an entry leaving its folder or a zip inside the zip are refused or
 * skipped, saying why, with nothing stored from a refused zip.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { zipSync } from 'fflate';
import mammoth from 'mammoth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectImportFiles } from '../../src/main/cli/main';
import { writeExportFile } from '../../src/main/formats/export';
import { importerFor } from '../../src/main/formats/import';
import { importBatch } from '../../src/main/services/importer';
import type { ImportInput } from '../../src/main/formats/import/types';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import { IMPORT_EXTENSIONS } from '../../src/shared/formats';
import { planImportChunks } from '../../src/shared/importPlan';
import { MAX_ZIP_ENTRIES } from '../../src/shared/limits';
import { emptyImportReport, IMPORT_FORMATS, mergeImportReports, type ImportReport, type LoupeDocument } from '../../src/shared/types';
import { FIXTURES } from '../fixturePaths';
import { rawZip, zeroBomb } from '../reliability/importFuzz';
import { sourceOf } from './corpusHelpers';

const EXAMPLE = path.join(FIXTURES, 'brat', 'example-data');
const BIN = path.resolve(__dirname, '../../bin/loupe.cjs');
const utf8 = (s: string) => new TextEncoder().encode(s);
const MB = 1024 * 1024;

let dir: string;
const stores: CorpusStore[] = [];
const newStore = (name = 'c'): CorpusStore => {
  const s = openCorpusStore(path.join(dir, `${name}.loupe`), { create: true });
  stores.push(s);
  return s;
};
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-zip-'));
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A folder's files as the CLI and the folder dialog hand them over: named by their path from the folder's parent. */
async function folderFiles(folder: string): Promise<ImportInput[]> {
  const { files, root } = await collectImportFiles([folder]);
  return files.map((f) => ({ name: root.get(f)!, data: new Uint8Array(fs.readFileSync(f)) }));
}

/** A zip of a folder, its entries named by their path from the folder's parent (as `zip -r` does). */
async function zipOf(folder: string): Promise<Uint8Array> {
  const entries: Record<string, Uint8Array> = {};
  for (const f of await folderFiles(folder)) entries[f.name] = f.data;
  return zipSync(entries);
}

/** The zip with a ZIP64 end record claiming `count` entries, as an archive of millions of entries has. */
function withZip64Count(zip: Uint8Array, count: number): Uint8Array {
  const end = Buffer.from(zip.subarray(zip.length - 22));
  const directoryOffset = end.readUInt32LE(16);
  const directorySize = end.readUInt32LE(12);
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(directorySize), 40);
  record.writeBigUInt64LE(BigInt(directoryOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(zip.length - 22), 8);
  locator.writeUInt32LE(1, 16);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  return Buffer.concat([zip.subarray(0, zip.length - 22), record, locator, end]);
}

/** What the tree shaped like brat's example-data gives, with `prefix` before every name. */
function exampleReport(prefix: string) {
  const skip = (name: string, why: string) => ({ name: `${prefix}${name}`, why });
  return {
    imported: ['example-data/bio/PMID-1.txt', 'example-data/news/doc-1.txt', 'example-data/news/doc-2.txt'].map((n) => `${prefix}${n}`),
    skipped: [
      skip('example-data/README', 'the README of a brat folder, not an article'),
      skip('example-data/bio/LICENSE', 'the LICENSE of a brat folder, not an article'),
      skip('example-data/news/LICENSE', 'the LICENSE of a brat folder, not an article'),
      skip('example-data/news/README', 'the README of a brat folder, not an article'),
      skip('example-data/news/annotation.conf', 'a brat configuration file: read with the .txt/.ann pairs of its folder'),
      skip('example-data/news/doc-3.txt', 'a .txt without doc-3.ann beside it, in a brat folder (brat reads a .txt only with its .ann)'),
      skip('example-data/news/visual.conf', 'a brat configuration file: read with the .txt/.ann pairs of its folder'),
    ],
  };
}

const view = (report: ImportReport) => ({ imported: report.imported.map((r) => r.name), skipped: report.skipped });

/** What a reader sees of a corpus: each document's text, its spans as label and text, its links as type and end texts. */
function corpusView(store: CorpusStore) {
  return [...store.documents()].map((d: LoupeDocument) => {
    const cut = (id: string) => {
      const s = d.spans.find((x) => x.id === id)!;
      return s.fragments.map(([a, b]) => Array.from(d.text).slice(a, b).join('')).join(' | ');
    };
    return {
      title: d.title,
      text: d.text,
      spans: d.spans.map((s) => [s.label, cut(s.id), s.attrs, s.note]),
      links: d.links.map((l) => [l.type, cut(l.from), cut(l.to)]),
    };
  });
}

describe('a brat folder', () => {
  it('imports only the .txt/.ann pairs of a tree shaped like brat\'s example-data, and says what it skipped', async () => {
    const store = newStore();
    const report = importBatch(store, await folderFiles(EXAMPLE));
    expect(report.failed).toEqual([]);
    expect(view(report)).toEqual(exampleReport(''));
    expect(report.imported.map((r) => r.format)).toEqual(['brat', 'brat', 'brat']);
    expect(corpusView(store).map((d) => d.spans.map(([label, text]) => `${String(label)}:${String(text)}`))).toEqual([
      ['Protein:IL-2', 'Gene_expression:expression', 'Positive_regulation:requires', 'Protein:NF-kappa B', 'Entity:T cells'],
      // brat's Official and Quote are the corpus's official and quote (names match regardless of case).
      ['official:寿阳县委书记赵宏钟', 'quote:“我们要抓落实。”'],
      ['official:市长王小明', 'quote:“明年开店一百家”'],
    ]);
  });

  it('still imports a .txt in a folder without .ann files, and every file of a folder that is not brat\'s', async () => {
    const store = newStore();
    const report = importBatch(store, [
      { name: 'corpus/README', data: utf8('About this corpus') },
      { name: 'corpus/brat/a.txt', data: utf8('寿阳县') },
      { name: 'corpus/brat/a.ann', data: utf8('T1\tPlace 0 3\t寿阳县\n') },
      // An article that happens to be called "notice", with its .ann.
      { name: 'corpus/brat/notice.txt', data: utf8('停电通知') },
      { name: 'corpus/brat/notice.ann', data: utf8('T1\tEvent 0 2\t停电\n') },
      { name: 'corpus/plain/b.txt', data: utf8('第二篇') },
      { name: 'other/README', data: utf8('Not brat') },
    ]);
    expect(view(report)).toEqual({
      imported: ['corpus/brat/a.txt', 'corpus/brat/notice.txt', 'corpus/plain/b.txt', 'other/README'],
      skipped: [{ name: 'corpus/README', why: 'the README of a brat folder, not an article' }],
    });
  });

  it('imported as another format on purpose, its .txt files need no .ann, and a README is still no article', async () => {
    const report = importBatch(newStore(), await folderFiles(path.join(EXAMPLE, 'news')), { format: 'text' });
    expect(report.imported.map((r) => [r.name, r.format])).toEqual([
      ['news/doc-1.txt', 'text'],
      ['news/doc-2.txt', 'text'],
      ['news/doc-3.txt', 'text'],
    ]);
    expect(report.skipped.map((s) => s.name)).toEqual([
      'news/LICENSE',
      'news/README',
      'news/annotation.conf',
      'news/doc-1.ann',
      'news/doc-2.ann',
      'news/visual.conf',
    ]);
  });

  it('decides the same when the app sends a batch in chunks', async () => {
    const files = await folderFiles(EXAMPLE);
    const whole = importBatch(newStore('whole'), files);
    // Every pair apart, as a large batch is sent: the skipped files must travel with an .ann of their folder.
    const chunks = planImportChunks(files, { groups: 1 });
    expect(chunks.length).toBeGreaterThan(2);
    const store = newStore('chunked');
    const total = emptyImportReport();
    for (const chunk of chunks) mergeImportReports(total, importBatch(store, chunk));
    expect(view(total).imported).toEqual(view(whole).imported);
    expect(new Set(view(total).skipped.map((s) => JSON.stringify(s)))).toEqual(new Set(view(whole).skipped.map((s) => JSON.stringify(s))));
  });
});

describe('zip import', () => {
  it('imports a zip of brat\'s example-data as the folder, entries named by their path inside the zip', async () => {
    const store = newStore();
    const report = importBatch(store, [{ name: 'example-data.zip', data: await zipOf(EXAMPLE) }]);
    expect(report.failed).toEqual([]);
    expect(view(report)).toEqual(exampleReport('example-data.zip/'));
    const fromFolder = newStore('folder');
    importBatch(fromFolder, await folderFiles(EXAMPLE));
    expect(corpusView(store)).toEqual(corpusView(fromFolder));
  });

  it('imports Loupe\'s own brat export back: texts, spans, fragments, attributes, notes and links', async () => {
    const source = newStore('source');
    const text = '寿阳县委书记赵宏钟表示，“我们要抓落实，”他说，“不搞形式。”';
    const at = (piece: string): [number, number] => {
      const i = Array.from(text).join('').indexOf(piece);
      const start = Array.from(text.slice(0, i)).length;
      return [start, start + Array.from(piece).length];
    };
    const [q1, q2] = [at('“我们要抓落实，”'), at('“不搞形式。”')];
    source.insertDocument({
      title: '寿阳',
      text,
      spans: [
        { id: 'zhao', label: 'official', start: at('寿阳县委书记赵宏钟')[0], end: at('寿阳县委书记赵宏钟')[1], attrs: { name: '赵宏钟' } },
        { id: 'q', label: 'quote', start: q1[0], end: q2[1], fragments: [q1, q2], attrs: { kind: 'direct' }, note: '两段' },
      ],
      links: [{ id: 'l1', type: 'speaker', from: 'q', to: 'zhao' }],
    });
    const file = path.join(dir, 'export.zip');
    await writeExportFile(file, 'brat', sourceOf(source), 'codepoint');

    const target = newStore('target');
    const report = importBatch(target, [{ name: 'export.zip', data: new Uint8Array(fs.readFileSync(file)) }]);
    expect(report.failed).toEqual([]);
    expect(report.imported.map((r) => [r.name, r.format, r.spans, r.links])).toEqual([['export.zip/1-寿阳.txt', 'brat', 2, 1]]);
    expect(report.skipped).toEqual([
      { name: 'export.zip/README.txt', why: 'the README of a brat folder, not an article' },
      { name: 'export.zip/annotation.conf', why: 'a brat configuration file: read with the .txt/.ann pairs of its folder' },
    ]);
    const [back] = corpusView(target);
    const [original] = corpusView(source);
    expect({ ...back, title: undefined }).toEqual({ ...original, title: undefined }); // brat has no titles
  });

  it('imports any zip of supported files, each through its own format', () => {
    const store = newStore();
    const zip = zipSync({
      'news/a.md': utf8('# 标题\n\n正文。'),
      'news/b.jsonl': utf8(`${JSON.stringify({ text: '李强在北京', label: [[0, 2, 'PER']] })}\n`),
      'news/c.conll': utf8('北\tB-LOC\n京\tI-LOC\n'),
      'news/d.txt': utf8('第四篇\n正文'),
      'news/': new Uint8Array(), // a folder's own entry
      '__MACOSX/news/._a.md': utf8('resource fork'),
      'news/.DS_Store': utf8('finder'),
    });
    const report = importBatch(store, [{ name: 'news.zip', data: zip }]);
    expect(report.failed).toEqual([]);
    expect(report.imported.map((r) => [r.name, r.format])).toEqual([
      ['news.zip/news/a.md', 'markdown'],
      ['news.zip/news/b.jsonl', 'doccano'],
      ['news.zip/news/c.conll', 'conll'],
      ['news.zip/news/d.txt', 'text'],
    ]);
    expect(report.skipped).toEqual([]); // hidden files and macOS's __MACOSX folder are left out, as in a folder
  });

  it('skips a zip inside the zip, saying why', () => {
    const inner = zipSync({ 'x.txt': utf8('inner') });
    const report = importBatch(newStore(), [{ name: 'outer.zip', data: zipSync({ 'a.txt': utf8('外层'), 'inner.zip': inner }) }]);
    expect(report.imported.map((r) => r.name)).toEqual(['outer.zip/a.txt']);
    expect(report.skipped).toEqual([{ name: 'outer.zip/inner.zip', why: 'a zip inside a zip is not opened (unzip it and import its files)' }]);
  });

  describe('refuses, storing nothing of it, and the rest of the batch still imports', () => {
    const document = utf8('正文');
    const cases: [string, () => Uint8Array, string | RegExp][] = [
      [
        'an entry that would leave its folder',
        () => zipSync({ 'ok.txt': document, '../evil.txt': document }),
        'refused: the entry “../evil.txt” would be unpacked outside the folder the zip is in (a crafted zip?)',
      ],
      ['an absolute entry name', () => zipSync({ '/etc/evil.txt': document }), /^refused: the entry “\/etc\/evil\.txt” would be unpacked outside/],
      ['a drive in an entry name', () => zipSync({ 'C:\\evil.txt': document }), /^refused: the entry “C:\\evil\.txt” would be unpacked outside/],
      [
        'an entry declaring more than the import limit',
        () => rawZip([{ name: 'big.txt', method: 8, data: zeroBomb(1000), declared: 100 * MB }]),
        'refused: big.txt would unpack to 100 MB, over the 64 MB limit of a file (a zip bomb?)',
      ],
      [
        'an entry unpacking to far more than it packs',
        () => rawZip([{ name: 'bomb.txt', method: 8, data: zeroBomb(20_000), declared: 5 * MB }]),
        /^refused: bomb\.txt would unpack to 5 MB from \d+ kB, more than 100 times its packed size \(a zip bomb\?\)$/,
      ],
      [
        'an entry that unpacks to more than it declares',
        () => rawZip([{ name: 'liar.txt', method: 8, data: zeroBomb(4000), declared: 1000 }]),
        'liar.txt unpacks to more than the 1000 bytes it declares (a zip bomb, or a damaged file)',
      ],
      [
        'entries unpacking to more than 256 MB in all',
        // Each declares 60 MB from 700 kB (an honest ratio for text); refused before anything is inflated.
        () => rawZip(Array.from({ length: 5 }, (_, i) => ({ name: `part${i}.txt`, method: 8, data: new Uint8Array(700 * 1024), declared: 60 * MB }))),
        'refused: its entries would unpack to more than 256 MB in all (a zip bomb?)',
      ],
      [
        'more entries than a zip without ZIP64 holds',
        () => withZip64Count(rawZip([{ name: 'a.txt', method: 0, data: document, declared: document.length }]), 1_000_000),
        `refused: the zip lists 1000000 entries, more than the ${MAX_ZIP_ENTRIES} Loupe opens (a zip bomb?)`,
      ],
      ['a name listed twice', () => rawZip([{ name: 'a.txt', method: 0, data: document, declared: document.length }, { name: 'a.txt', method: 0, data: document, declared: document.length }]), 'refused: the zip lists a.txt twice'],
      ['a file that is not a zip', () => utf8('just text, named .zip'), 'it is not a zip archive, or it is cut short (no zip directory at its end)'],
      [
        'a stored entry whose bytes do not match the CRC-32 the zip records for it',
        () => rawZip([
          { name: 'news/a.txt', method: 0, data: document, declared: document.length },
          { name: 'news/b.txt', method: 0, data: utf8('县委'), declared: utf8('县委').length, crc: crc32(utf8('厾委')) },
        ]),
        'the file is damaged: news/b.txt does not match the checksum (CRC-32) the archive records for it (a flipped bit, or a bad copy); nothing of it was imported',
      ],
    ];
    for (const [what, make, error] of cases) {
      it(what, () => {
        const store = newStore();
        const report = importBatch(store, [
          { name: 'bad.zip', data: make() },
          { name: 'good.txt', data: utf8('好的') },
        ]);
        expect(report.failed).toHaveLength(1);
        expect(report.failed[0]!.name).toBe('bad.zip');
        if (typeof error === 'string') expect(report.failed[0]!.error).toBe(error);
        else expect(report.failed[0]!.error).toMatch(error);
        expect(report.imported.map((r) => r.name)).toEqual(['good.txt']);
        expect(store.documentCount()).toBe(1);
      });
    }
  });
});

describe('a damaged archive (CRC-32)', () => {
  const WORD = path.join(FIXTURES, 'docx', 'word-single-paragraph.docx');
  const FLIPPED = path.join(FIXTURES, 'docx', 'word-single-paragraph-flipped-bit.docx');
  const read = (file: string) => new Uint8Array(fs.readFileSync(file));

  /** Where word/document.xml's deflated bytes lie in a docx (from its local header). */
  function documentData(data: Uint8Array): { start: number; end: number } {
    const bytes = Buffer.from(data);
    for (let at = 0; at + 30 <= bytes.length; ) {
      if (bytes.readUInt32LE(at) !== 0x04034b50) break;
      const nameLength = bytes.readUInt16LE(at + 26);
      const start = at + 30 + nameLength + bytes.readUInt16LE(at + 28);
      const end = start + bytes.readUInt32LE(at + 18);
      if (bytes.toString('utf8', at + 30, at + 30 + nameLength) === 'word/document.xml') return { start, end };
      at = end;
    }
    throw new Error('no word/document.xml in the fixture');
  }

  it('the fixture differs from a Word document by one bit of word/document.xml\'s deflated data, which still inflates, to other words', async () => {
    const good = read(WORD);
    const bad = read(FLIPPED);
    expect(bad.length).toBe(good.length);
    const changed = [...good.keys()].filter((i) => good[i] !== bad[i]);
    expect(changed).toHaveLength(1);
    const at = changed[0]!;
    expect((good[at]! ^ bad[at]!).toString(2).replace(/0/g, '')).toBe('1');
    const { start, end } = documentData(good);
    expect(at).toBeGreaterThanOrEqual(start);
    expect(at).toBeLessThan(end);
    // Without the CRC the damage goes unseen: the part inflates, with a word changed.
    const xml = (data: Uint8Array) => inflateRawSync(data.subarray(start, end)).toString('utf8');
    expect(xml(good)).toContain('Walking on imported air');
    expect(xml(bad)).toContain('Walving on imported air');
    // The intact document is Word's, read as Word's text by mammoth too.
    expect((await mammoth.extractRawText({ buffer: Buffer.from(good) })).value.trim()).toBe('Walking on imported air');
  });

  it('a Word document with a flipped bit is refused, naming the file and the part; nothing of it is stored', () => {
    const store = newStore();
    const report = importBatch(store, [
      { name: 'word-single-paragraph-flipped-bit.docx', data: read(FLIPPED) },
      { name: 'word-single-paragraph.docx', data: read(WORD) },
    ]);
    expect(report.failed.map((f) => [f.name, f.error])).toEqual([
      [
        'word-single-paragraph-flipped-bit.docx',
        'the file is damaged: word/document.xml does not match the checksum (CRC-32) the archive records for it (a flipped bit, or a bad copy); nothing of it was imported',
      ],
    ]);
    // The intact copy in the same batch imports, with its words as Word wrote them.
    expect(report.imported.map((r) => r.name)).toEqual(['word-single-paragraph.docx']);
    expect(store.documentCount()).toBe(1);
    expect(store.getDocument(report.imported[0]!.documentId).text).toBe('Walking on imported air');
  });

  it('a Word document whose stored (uncompressed) document.xml does not match its CRC-32 is refused', () => {
    const xml = utf8('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>县委</w:t></w:r></w:p></w:body></w:document>');
    const zip = (crc?: number) => rawZip([{ name: 'word/document.xml', method: 0, data: xml, declared: xml.length, crc }]);
    const store = newStore();
    const report = importBatch(store, [
      { name: 'stored.docx', data: zip(crc32(xml) ^ 1) },
      { name: 'honest.docx', data: zip() },
    ]);
    expect(report.failed.map((f) => [f.name, f.error])).toEqual([
      [
        'stored.docx',
        'the file is damaged: word/document.xml does not match the checksum (CRC-32) the archive records for it (a flipped bit, or a bad copy); nothing of it was imported',
      ],
    ]);
    expect(report.imported.map((r) => r.name)).toEqual(['honest.docx']);
    expect(store.getDocument(report.imported[0]!.documentId).text).toBe('县委');
  });
});

describe('zips from the CLI, its folder walk and the file dialogs', () => {
  it('File › Import offers zips, and every extension a Loupe importer reads, in the native dialog and the browser', () => {
    const read = IMPORT_FORMATS.flatMap((f) => importerFor(f)?.extensions ?? []).map((e) => e.slice(1));
    expect(IMPORT_EXTENSIONS).toEqual(expect.arrayContaining([...read, 'ann', 'conf', 'zip']));
  });

  it('the CLI imports a zip named on the command line and one found in a folder', async () => {
    const folder = path.join(dir, 'drop');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'example-data.zip'), await zipOf(EXAMPLE));
    const single = path.join(dir, 'one.zip');
    fs.writeFileSync(single, zipSync({ 'one/a.txt': utf8('一篇'), 'one/a.ann': utf8('T1\tX 0 1\t一\n') }));
    const corpus = path.join(dir, 'cli.loupe');
    const run = spawnSync(process.execPath, [BIN, 'import', corpus, folder, single], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^imported drop\/example-data\.zip\/example-data\/news\/doc-1\.txt \(brat, UTF-8, 2 spans, 1 link\)/m);
    expect(run.stdout).toMatch(/^skipped drop\/example-data\.zip\/example-data\/README: the README of a brat folder, not an article$/m);
    expect(run.stdout).toMatch(/^imported .*one\.zip\/one\/a\.txt \(brat/m);
    expect(run.stdout).toMatch(/4 documents imported, 7 files skipped, 0 failed/);
    expect(run.status).toBe(0);
  });

});
