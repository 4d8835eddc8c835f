import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCorpusStore } from '../../src/main/services/loupeService';
import { parseSchemaFile, serializeSchemaFile } from '../../src/shared/schema';
import { CORPUS_FIXTURES } from '../fixturePaths';

const REPO = path.resolve(__dirname, '../..');
const CORPUS = CORPUS_FIXTURES;
const BIN = path.join(REPO, 'bin/loupe.cjs');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const loupe = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });

describe('loupe CLI', () => {
  it('imports (reporting a bad file), reports stats and exports the imported texts as JSONL', () => {
    const corpus = path.join(dir, 'c.loupe');
    const junk = path.join(dir, 'junk.bin');
    fs.writeFileSync(junk, Buffer.from([0, 1, 2, 3, 0, 0, 0xff, 0]));
    const imp = loupe('import', corpus, path.join(CORPUS, 'jinzhong-two-sessions.gb18030.txt'), junk, path.join(CORPUS, 'tricky-offsets.txt'));
    expect(imp.stdout).toMatch(/2 documents imported, 0 files skipped, 1 failed/);
    expect(imp.stdout).toMatch(/\(text, GB18030\) as document 1/);
    expect(imp.stderr).toMatch(/junk\.bin/);
    expect(imp.status).toBe(1);

    const stats = loupe('stats', corpus);
    expect(stats.status).toBe(0);
    expect(stats.stdout).toMatch(/documents: 2/);
    expect(stats.stdout).toMatch(/quote: 0/);

    const out = path.join(dir, 'out.jsonl');
    const exp = loupe('export', corpus, '--format', 'jsonl', '--out', out);
    expect(exp.status).toBe(0);
    const docs = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { title: string; offset_unit: string });
    expect(docs.map((d) => d.title)).toEqual(['攀“高”逐“新” 共绘美好未来', expect.stringContaining('𠮷')]);
    expect(docs[0]!.offset_unit).toBe('codepoint');
  });

  it('imports a folder recursively, pairing brat files and skipping hidden ones; --format overrides detection', () => {
    const folder = path.join(dir, 'news');
    fs.mkdirSync(path.join(folder, 'more', '.git'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'a.txt'), '第一篇\n正文。');
    fs.writeFileSync(path.join(folder, 'more', 'b.md'), '# 第二篇\n\n正文。');
    fs.writeFileSync(path.join(folder, 'more', '.git', 'config'), 'not an article');
    fs.writeFileSync(path.join(folder, 'orphan.ann'), 'T1\tquote 0 1\t第');
    const corpus = path.join(dir, 'c.loupe');
    const imp = loupe('import', corpus, folder, '--format', 'text');
    expect(imp.stdout).toMatch(/imported news\/a\.txt \(text/);
    expect(imp.stdout).toMatch(/imported news\/more\/b\.md \(text/); // forced: read as plain text
    expect(imp.stdout).toMatch(/skipped news\/orphan\.ann: a brat annotation file without orphan\.txt/);
    expect(imp.stdout).not.toMatch(/config/);
    expect(imp.status).toBe(0);
    const bad = loupe('import', corpus, folder, '--format', 'pdf');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--format must be auto or one of text/);
  });

  it('exports with filters and reports what a format could not carry', () => {
    const corpus = path.join(dir, 'c.loupe');
    const jsonl = path.join(dir, 'in.jsonl');
    const line = (title: string, status: string) =>
      JSON.stringify({ title, text: `赵书记说好${title}`, status, spans: [{ id: 'a', label: 'official', start: 0, end: 3 }, { id: 'b', label: 'quote', start: 4, end: 5 }], links: [{ id: 'l', type: 'speaker', from: 'b', to: 'a' }] });
    fs.writeFileSync(jsonl, `${line('一', 'done')}\n${line('二', 'new')}\n`);
    expect(loupe('import', corpus, jsonl).status).toBe(0);
    const out = path.join(dir, 'out.jsonl');
    const exp = loupe('export', corpus, '--format', 'jsonl', '--out', out, '--status', 'done', '--label', 'quote');
    expect(exp.status).toBe(0);
    const docs = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { title: string; spans: { label: string }[]; links: unknown[] });
    expect(docs.map((d) => [d.title, d.spans.map((s) => s.label), d.links.length])).toEqual([['一', ['quote'], 0]]);
    expect(loupe('export', corpus, '--format', 'jsonl', '--out', out, '--label', 'nope').stderr).toMatch(/no label called nope/);
    expect(loupe('export', corpus, '--format', 'jsonl', '--out', out, '--documents', '2').status).toBe(0);
    expect(fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { title: string }).title)).toEqual(['二']);
    expect(loupe('export', corpus, '--format', 'jsonl', '--out', out, '--documents', 'x').status).toBe(2);
    expect(loupe('export', corpus, '--format', 'jsonl', '--out', out, '--status', 'later').status).toBe(2);
  });

  it('fails clearly: unknown command, bad format, missing corpus', () => {
    const unknown = loupe('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const format = loupe('export', path.join(dir, 'c.loupe'), '--format', 'xml', '--out', 'x');
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/--format must be one of jsonl, json, csv/);
    const schema = loupe('schema', 'frob', path.join(dir, 'c.loupe'));
    expect(schema.status).toBe(2);
    expect(schema.stderr).toMatch(/schema takes "export" or "import"/);
    const missing = loupe('stats', path.join(dir, 'nothing.loupe'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no corpus at/);
    expect(fs.existsSync(path.join(dir, 'nothing.loupe'))).toBe(false);
  });

  it('refuses to run on a Node older than 22.12 with a message saying so', () => {
    // The system's own Node may be new enough; fake an old one by overriding the version check input.
    const result = spawnSync(
      process.execPath,
      ['-e', `Object.defineProperty(process.versions, 'node', { value: '20.11.0' }); require(${JSON.stringify(BIN)})`, '--', 'stats'],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Node 20\.11\.0 is too old; Loupe needs Node 22\.12/);
  });
});

/** A corpus with one annotated document (a quote, its speaker, a pledge) and one untouched. */
function annotatedCorpus(): string {
  const file = path.join(dir, 'a.loupe');
  const store = openCorpusStore(file, { create: true });
  const id = store.insertDocument({
    title: 'Q',
    text: '赵书记说:“𠮷好”。他承诺2030年完成。',
    spans: [
      { id: 'o', label: 'official', start: 0, end: 3, attrs: { name: '赵' } },
      { id: 'q', label: 'quote', start: 5, end: 9, attrs: { kind: 'direct' } },
      { id: 'p', label: 'pledge', start: 13, end: 20, attrs: { measurable: true, target_year: 2030 } },
    ],
    links: [
      { id: 'l1', type: 'speaker', from: 'q', to: 'o' },
      { id: 'l2', type: 'pledged_by', from: 'p', to: 'o' },
    ],
  });
  store.saveDocument({ id, status: 'done', upsert: [], remove: [] });
  store.insertDocument({ title: 'N', text: 'nothing yet' });
  store.close();
  return file;
}

/** What a corpus holds, to check a refused command changed nothing. */
function contents(file: string) {
  const store = openCorpusStore(file, { create: false });
  try {
    return { schema: store.schema(), docs: [...store.documents()].map(({ spans, links, status }) => ({ spans, links, status })) };
  } finally {
    store.close();
  }
}

describe('loupe export, stats and schema with attribution', () => {
  it('export --format csv prints both files it wrote; --format csv-links writes the links CSV alone', () => {
    const corpus = annotatedCorpus();
    const csv = path.join(dir, 'out.csv');
    const exp = loupe('export', corpus, '--format', 'csv', '--out', csv, '--offsets', 'utf8');
    expect(exp.stderr).toBe('');
    expect(exp.status).toBe(0);
    expect(exp.stdout).toBe(
      `wrote 2 documents, 3 spans to ${csv} (offsets: utf8)\nwrote 2 links to ${path.join(dir, 'out.links.csv')}\n` +
        "not carried by csv: document texts (a row holds its span's text and 30 characters on each side): 2\n" +
        'not carried by csv: documents without spans (a row is a span: their titles and statuses are not in the file): 1\n',
    );
    expect(fs.readFileSync(path.join(dir, 'out.links.csv'), 'utf8')).toBe(
      '\uFEFFlink_id,type,from_span_id,from_text,to_span_id,to_text,doc_id,annotator\r\n' +
        'l1,speaker,q,“𠮷好”,o,赵书记,1,\r\nl2,pledged_by,p,2030年完成,o,赵书记,1,\r\n',
    );
    // UTF-8 bytes: 赵书记说 12, ":" 1; “ 3, 𠮷 4, 好 3, ” 3.
    expect(fs.readFileSync(csv, 'utf8')).toContain('\r\n1,Q,done,q,quote,13,26,“𠮷好”,13-26,赵书记说:,。他承诺2030年完成。,,utf8,,direct,,,,\r\n');

    const only = path.join(dir, 'only.csv');
    const links = loupe('export', corpus, '--format', 'csv-links', '--out', only);
    expect(links.status).toBe(0);
    expect(links.stdout).toBe(`wrote 2 links to ${only}\n`);
    expect(fs.readFileSync(only, 'utf8')).toBe(fs.readFileSync(path.join(dir, 'out.links.csv'), 'utf8'));
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()).toEqual(['only.csv', 'out.csv', 'out.links.csv']);

    const jsonl = loupe('export', corpus, '--format', 'jsonl', '--out', 'x.jsonl');
    expect(jsonl.stdout).toBe(`wrote 2 documents, 3 spans, 2 links to ${path.join(dir, 'x.jsonl')} (offsets: codepoint)\n`);
  });

  it('stats prints documents per status, spans per label and links per type', () => {
    const stats = loupe('stats', annotatedCorpus());
    expect(stats.status).toBe(0);
    expect(stats.stdout).toBe(
      [
        'corpus: a',
        'documents: 2',
        '  new: 1',
        '  in_progress: 0',
        '  done: 1',
        'spans: 3',
        '  quote: 1',
        '  official: 1',
        '  pledge: 1',
        '  slogan: 0',
        'links: 2',
        '  speaker: 1',
        '  pledged_by: 1',
        '',
      ].join('\n'),
    );
  });

  it('schema export writes the schema file (replacing an old one, no temporary file left); import of it changes nothing', () => {
    const corpus = annotatedCorpus();
    const file = path.join(dir, 'team.loupe-schema.json');
    fs.writeFileSync(file, 'an older schema file');
    const exp = loupe('schema', 'export', corpus, file);
    expect(exp.stderr).toBe('');
    expect(exp.status).toBe(0);
    expect(exp.stdout).toBe(`wrote 4 labels, 2 link types to ${file}\n`);
    const before = contents(corpus);
    expect(fs.readFileSync(file, 'utf8')).toBe(serializeSchemaFile(before.schema));
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);

    const imp = loupe('schema', 'import', corpus, file);
    expect(imp.stderr).toBe('');
    expect(imp.status).toBe(0);
    expect(imp.stdout).toBe(`imported 4 labels, 2 link types from ${file}\n`);
    expect(contents(corpus)).toEqual(before);
  });

  it('schema import matches by name, refuses deletions without --yes (saying what would go), and applies them with it', () => {
    const corpus = annotatedCorpus();
    const file = path.join(dir, 'schema.json');
    expect(loupe('schema', 'export', corpus, file).status).toBe(0);
    const schema = parseSchemaFile(fs.readFileSync(file, 'utf8'));
    // The team dropped pledges, recoloured quotes, renamed official.name (a delete plus an add, by name)
    // and added a label.
    schema.labels = schema.labels.filter((l) => l.name !== 'pledge');
    schema.linkTypes = schema.linkTypes.filter((t) => t.name !== 'pledged_by');
    schema.labels[0]!.color = '#000000';
    schema.labels[1]!.attributes[0]!.name = 'full_name';
    schema.labels.push({ name: 'person', color: '#123456', hotkey: '5', description: '', attributes: [] });
    fs.writeFileSync(file, serializeSchemaFile(schema));
    const before = contents(corpus);

    const refused = loupe('schema', 'import', corpus, file);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `loupe: importing ${file} would delete:\n` +
        '  label "pledge": 1 span, 1 link\n' +
        '  attribute "name" of "official": 1 value\n' +
        'Nothing was changed. Run again with --yes to import it anyway.\n',
    );
    expect(contents(corpus)).toEqual(before);

    const applied = loupe('schema', 'import', corpus, file, '--yes');
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    expect(applied.stdout).toBe(
      'deleted:\n  label "pledge": 1 span, 1 link\n  attribute "name" of "official": 1 value\n' +
        `imported 4 labels, 1 link type from ${file}\n`,
    );
    const after = contents(corpus);
    expect(after.schema).toEqual(schema);
    expect(after.docs[0]!.spans.map((s) => [s.id, s.label, s.attrs])).toEqual([
      ['o', 'official', {}],
      ['q', 'quote', { kind: 'direct' }],
    ]);
    expect(after.docs[0]!.links.map((l) => l.id)).toEqual(['l1']);
  });

  it('schema import refuses a file that is not a valid schema, and a missing corpus, changing nothing', () => {
    const corpus = annotatedCorpus();
    const before = contents(corpus);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ format: 'loupe-schema', version: 1, labels: [{ name: 'a', hotkey: 'q' }] }));
    const invalid = loupe('schema', 'import', corpus, bad, '--yes');
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toBe('loupe: the schema file is not valid: the key “q” of “a” is used by annotate mode itself\n');
    fs.writeFileSync(bad, JSON.stringify({ format: 'loupe-schema', version: 9, labels: [] }));
    expect(loupe('schema', 'import', corpus, bad).stderr).toMatch(/has version 9; this Loupe reads version 1/);
    fs.writeFileSync(bad, Buffer.from([0xff, 0xfe, 0x00]));
    expect(loupe('schema', 'import', corpus, bad).stderr).toMatch(/is not UTF-8 text/);
    expect(contents(corpus)).toEqual(before);
    const nowhere = loupe('schema', 'export', path.join(dir, 'none.loupe'), path.join(dir, 's.json'));
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toMatch(/no corpus at/);
    expect(fs.existsSync(path.join(dir, 's.json'))).toBe(false);
    expect(loupe('schema', 'import', corpus).status).toBe(2);
  });
});
