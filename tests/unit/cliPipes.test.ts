/**
 * The CLI in pipelines: `--out -` writes text exports to stdout (and says why not for the others),
 * `-` imports stdin; an import where nothing could be imported creates no corpus; a folder where a
 * corpus file is wanted is called a folder.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoupeService, openCorpusStore } from '../../src/main/services/loupeService';

const BIN = path.resolve(__dirname, '../../bin/loupe.cjs');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-pipes-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const loupe = (args: string[], input?: string | Buffer, stdio?: 'ignore') =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    ...(input !== undefined ? { input } : {}),
    ...(stdio ? { stdio: [stdio, 'pipe', 'pipe'] } : {}),
  });

/** A corpus with a quote, its speaker and a link. */
function annotated(): string {
  const file = path.join(dir, 'a.loupe');
  const store = openCorpusStore(file, { create: true });
  store.insertDocument({
    title: '一',
    text: '赵书记说:“𠮷好”。',
    spans: [
      { id: 'o', label: 'official', start: 0, end: 3 },
      { id: 'q', label: 'quote', start: 6, end: 8 },
    ],
    links: [{ id: 'l', type: 'speaker', from: 'q', to: 'o' }],
  });
  store.close();
  return file;
}

const titles = (corpus: string): string[] => {
  const store = openCorpusStore(corpus, { create: false, readOnly: true });
  try {
    return store.listDocuments().map((d) => d.title);
  } finally {
    store.close();
  }
};

describe('loupe export --out -', () => {
  it('writes JSONL to stdout, byte for byte what --out FILE writes, the report on stderr, no file named -', () => {
    const corpus = annotated();
    const piped = loupe(['export', corpus, '--format', 'jsonl', '--out', '-']);
    expect(piped.status).toBe(0);
    expect(fs.existsSync(path.join(dir, '-'))).toBe(false);
    const [doc] = piped.stdout.trim().split('\n').map((l) => JSON.parse(l) as { text: string; spans: { start: number; end: number; text: string }[] });
    expect(doc!.spans.map((s) => [...doc!.text].slice(s.start, s.end).join(''))).toEqual(doc!.spans.map((s) => s.text));
    expect(piped.stderr).toBe('wrote 1 document, 2 spans, 1 link to stdout (offsets: codepoint)\n');
    const file = path.join(dir, 'out.jsonl');
    expect(loupe(['export', corpus, '--format', 'jsonl', '--out', file]).status).toBe(0);
    expect(piped.stdout).toBe(fs.readFileSync(file, 'utf8'));
  });

  it('writes the links CSV and doccano JSONL to stdout, and says what a format could not carry on stderr', () => {
    const corpus = annotated();
    const links = loupe(['export', corpus, '--format', 'csv-links', '--out', '-']);
    expect(links.status).toBe(0);
    expect(links.stdout).toMatch(/^\ufefflink_id,type,from_span_id/);
    expect(links.stdout).toMatch(/l,speaker,q,𠮷好,o,赵书记,1,\r\n$/);
    const doccano = loupe(['export', corpus, '--format', 'doccano', '--out', '-']);
    expect(doccano.status).toBe(0);
    expect(JSON.parse(doccano.stdout.trim())).toMatchObject({ text: '赵书记说:“𠮷好”。' });
    expect(doccano.stderr).toMatch(/not carried by doccano: /);
  });

  it('refuses the two-file CSV and the brat zip for stdout, saying what to do, writing nothing', () => {
    const corpus = annotated();
    const csv = loupe(['export', corpus, '--format', 'csv', '--out', '-']);
    expect(csv.status).toBe(2);
    expect(csv.stdout).toBe('');
    expect(csv.stderr).toMatch(/--format csv writes two files \(spans and links\), which stdout cannot hold: name a file with --out, or use --format csv-links/);
    const brat = loupe(['export', corpus, '--format', 'brat', '--out', '-']);
    expect(brat.status).toBe(2);
    expect(brat.stdout).toBe('');
    expect(brat.stderr).toMatch(/--format brat writes a binary file \(brat standoff \(zip\)\), not text for stdout: name a file with --out/);
    expect(fs.readdirSync(dir)).toEqual(['a.loupe']);
  });
});

describe('loupe import CORPUS -', () => {
  it('imports plain text from stdin, named "stdin" in the report', () => {
    const corpus = path.join(dir, 'c.loupe');
    const result = loupe(['import', corpus, '-'], '晋中两会\n正文一段。\n');
    expect(result.stdout).toMatch(/^imported stdin \(text, UTF-8\) as document 1: 晋中两会$/m);
    expect(result.status).toBe(0);
    expect(titles(corpus)).toEqual(['晋中两会']);
  });

  it('detects JSON Lines (Loupe\'s and doccano\'s) from the content, or from --name, and takes --format', () => {
    const corpus = path.join(dir, 'c.loupe');
    const loupeLine = JSON.stringify({ title: '一', text: '赵书记说好', spans: [{ id: 'a', label: 'official', start: 0, end: 3 }] });
    const jsonl = loupe(['import', corpus, '-', '--name', 'feed'], `${loupeLine}\n`);
    expect(jsonl.stdout).toMatch(/imported feed \(loupe-jsonl, UTF-8, 1 span, 0 links\) as document 1: 一/);
    const doccano = loupe(['import', corpus, '-'], `${JSON.stringify({ text: '王部长说好', label: [[0, 3, 'official']] })}\n`);
    expect(doccano.stdout).toMatch(/imported stdin \(doccano, UTF-8, 1 span, 0 links\)/);
    // A name with an extension is read as a file of that name: here, as plain text.
    const named = loupe(['import', corpus, '-', '--name', 'note.txt'], `${loupeLine}\n`);
    expect(named.stdout).toMatch(/imported note\.txt \(text, UTF-8\)/);
    const conll = loupe(['import', corpus, '-', '--format', 'conll'], '赵 B-official\n书 I-official\n记 I-official\n说 O\n\n');
    expect(conll.stdout).toMatch(/imported stdin \(conll, UTF-8, 1 span, 0 links\)/);
    expect(conll.status).toBe(0);
  });

  it('takes --text-field/--label-field into account, and reads a zip of Word files as a zip', () => {
    const corpus = path.join(dir, 'c.loupe');
    // doccano's text classification layout, fields named by the user: not Loupe JSONL.
    const intent = loupe(['import', corpus, '-', '--label-field', 'intent'], `${JSON.stringify({ text: '明天开会吗', intent: ['ask'] })}\n`);
    expect(intent.stdout).toMatch(/imported stdin \(doccano, UTF-8\)/);
    // A zip holding a .docx stored as it is: its bytes contain "word/document.xml", yet it is no Word file.
    const docx = zipSync({ '[Content_Types].xml': new TextEncoder().encode('<Types/>'), 'word/document.xml': new TextEncoder().encode('<w:document/>') });
    const zip = Buffer.from(zipSync({ 'a.docx': [docx, { level: 0 }], 'b.txt': new TextEncoder().encode('标题\n正文。') }));
    const zipped = loupe(['import', corpus, '-'], zip);
    expect(zipped.stdout).toMatch(/imported stdin\.zip\/b\.txt \(text, UTF-8\)/);
  });

  it('reads Loupe\'s JSON export of an empty corpus (one line) as Loupe\'s, not as doccano\'s', () => {
    const empty = path.join(dir, 'empty.loupe');
    openCorpusStore(empty, { create: true }).close();
    const exported = loupe(['export', empty, '--format', 'json', '--out', '-']);
    expect(exported.status).toBe(0);
    const result = loupe(['import', path.join(dir, 'c.loupe'), '-', '--name', 'empty.jsonl'], exported.stdout);
    expect(result.stderr).not.toMatch(/cannot tell which field/);
    expect(result.stderr).not.toMatch(/doccano/);
  });

  it('reads stdin alongside files, once; --name without - is a usage error', () => {
    const corpus = path.join(dir, 'c.loupe');
    const file = path.join(dir, 'a.txt');
    fs.writeFileSync(file, '文件\n正文。');
    const both = loupe(['import', corpus, file, '-'], '管道\n正文。');
    expect(both.stdout).toMatch(/2 documents imported/);
    expect(titles(corpus)).toEqual(['文件', '管道']);
    const twice = loupe(['import', corpus, '-', '-'], 'x');
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/"-" \(stdin\) can be named once/);
    const stray = loupe(['import', corpus, file, '--name', 'x']);
    expect(stray.status).toBe(2);
    expect(stray.stderr).toMatch(/--name names the file read from stdin/);
  });

  it.skipIf(process.platform === 'win32')('stops reading an endless stdin (/dev/zero) at the import limit and creates no corpus', () => {
    const corpus = path.join(dir, 'c.loupe');
    const started = Date.now();
    const result = spawnSync('sh', ['-c', `exec "$0" "$@" < /dev/zero`, process.execPath, BIN, 'import', corpus, '-'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.error).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.stderr).toMatch(/failed stdin: the file is larger than the 64 MB import limit/);
    expect(result.status).toBe(1);
    expect(fs.existsSync(corpus)).toBe(false);
  });
});

describe('an import where nothing can be imported', () => {
  it('creates no corpus file; an existing corpus stays as it was', () => {
    const junk = path.join(dir, 'junk.bin');
    fs.writeFileSync(junk, Buffer.from([0, 1, 2, 3, 0, 0, 0xff, 0]));
    const fresh = path.join(dir, 'fresh.loupe');
    const result = loupe(['import', fresh, junk, path.join(dir, 'missing.txt')]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/0 documents imported, 0 files skipped, 2 failed/);
    expect(result.stdout).toMatch(/nothing was imported, so .*fresh\.loupe was not created/);
    expect(fs.readdirSync(dir)).toEqual(['junk.bin']);

    const corpus = annotated();
    expect(loupe(['import', corpus, junk]).status).toBe(1);
    expect(titles(corpus)).toEqual(['一']);
  });
});

describe('a folder where a corpus file is wanted', () => {
  it('is called a folder by the CLI, and by the service when opening or creating a corpus', async () => {
    const folder = path.join(dir, 'news.loupe');
    fs.mkdirSync(folder);
    for (const args of [['stats', folder], ['import', folder, BIN]]) {
      const result = loupe(args);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/news\.loupe is a folder, not a corpus file; choose a \.loupe file in it/);
    }
    const service = createLoupeService({ dataDir: path.join(dir, 'data'), corpusPath: annotated(), backups: false });
    try {
      await expect(service.openCorpus({ path: folder })).rejects.toMatchObject({ reason: { key: 'error.corpusIsFolder', params: { path: folder } } });
      // Typed with its extension, or without (a folder "news" beside where news.loupe would go).
      for (const typed of [folder, path.join(dir, 'news')]) {
        fs.mkdirSync(typed, { recursive: true });
        await expect(service.createCorpus({ path: typed })).rejects.toMatchObject({
          message: expect.stringMatching(/is a folder; give the new corpus a file name, for example .*corpus\.loupe/),
          reason: { key: 'error.createInFolder' },
        });
      }
      expect(fs.existsSync(path.join(dir, 'news.loupe', 'corpus.loupe'))).toBe(false);
    } finally {
      service.close();
    }
  });
});
