/**
 * Fuzzes every importer through importBatch, the way the app imports: seed files of every format
 * (the test fixtures, the sample corpus's GB18030 / Big5 / UTF-16 articles, a .docx built in memory, a
 * brat .txt/.ann/annotation.conf triple) are mutated with a seeded PRNG, and each mutated input is
 * imported into a real CorpusStore on a temp file, once with format detection and once as each format.
 *
 * A failure is: an exception escaping importBatch; a per-file error that is not a message for a user
 * (see unclearMessage); an import slower than SLOW_MS (plus SLOW_MS_PER_MB per MB of input); a failed file
 * that changed the corpus (a hash over every row of every table, and the user_version, before and
 * after; no column is excluded, since a failed file's transaction must leave no trace at all); or an
 * accepted file that leaves a store failing `PRAGMA integrity_check` / `foreign_key_check`, a span
 * outside its document's text, or a document without a title.
 *
 * The report counts imports: `inputs` and `byKind` count each input once per way it is imported (so
 * one mutated file is ten inputs), and each import is either rejected clearly, accepted, or a failure.
 *
 * Replaying: every input has an id (`round/kind`, or `0/kind/variant` for the one-off inputs) and is
 * built from a PRNG seeded by (seed, round, kind) alone, so `only: id` rebuilds that one input.
 * Limit: importBatch is synchronous, so an input that never finishes hangs the run instead of being
 * reported; every input is timed, so one that is merely slow is reported.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { crc32 } from 'node:zlib';
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { importBatch } from '../../src/main/services/importer';
import type { ImportInput } from '../../src/main/formats/import/types';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import { codePointLength } from '../../src/shared/offsets';
import { IMPORT_FORMATS, type ImportFormat, type ImportReport } from '../../src/shared/types';
import type { FuzzReport } from './fuzzReport';

export type { FuzzReport } from './fuzzReport';
import { Rng } from './rng';

export interface ImportFuzzOptions {
  seed: number;
  /** How many times each mutation kind is applied (to a seed file picked at random each time). */
  rounds: number;
  /** Adds the huge inputs: 100 MB single-line files, 60 MB files under the import limit, gigabyte zip bombs. */
  big: boolean;
  log?: (line: string) => void;
  /** Replays one input by its id (as failures print it), e.g. "3/truncate" or "0/deep-html/table". */
  only?: string;
}

/**
 * An import of a small input slower than this is a failure; each MB of input adds SLOW_MS_PER_MB, so
 * the huge inputs are held to half a megabyte a second (storing is linear but not free: the store
 * writes some 40,000 spans a second, marked renders about 1 MB of Markdown a second).
 */
export const SLOW_MS = 3000;
export const SLOW_MS_PER_MB = 2000;

const REPO = path.resolve(__dirname, '../..');
const FIXTURES = path.join(REPO, 'tests/fixtures');
const CORPUS = path.join(FIXTURES, 'corpus');
const MODES: readonly (ImportFormat | 'auto')[] = ['auto', ...IMPORT_FORMATS];
const MB = 1024 * 1024;

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

// ---------------------------------------------------------------------------------------------
// A seeded PRNG (mulberry32), and seeds derived from (seed, round, kind) so an input replays alone.

export { Rng };

/** A 32-bit hash of a few integers and strings (FNV-1a), to seed one input's PRNG. */
function seedOf(...parts: (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    for (const c of `${part}\u0000`) {
      h ^= c.codePointAt(0)!;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// Seeds: one or more files of each format. Mutations go to `files[target]`.

interface Seed {
  id: string;
  format: ImportFormat;
  files: ImportInput[];
  target: number;
}

const LOUPE_DOC = {
  title: '晋中两会',
  text: '寿阳县委书记赵宏钟表示:“我们要抓落实。”\n𠮷野家😀说。',
  offset_unit: 'codepoint',
  status: 'in_progress',
  note: 'checked',
  meta: { source: 'fuzz' },
  spans: [
    { id: 's1', label: 'official', start: 0, end: 9, text: '寿阳县委书记赵宏钟', attrs: { name: '赵宏钟', role: '寿阳县委书记' }, note: 'a' },
    { id: 's2', label: 'quote', start: 12, end: 21, attrs: { kind: 'direct' } },
    { id: 's3', label: 'Org', start: 22, end: 26, fragments: [[22, 23], [24, 26]], attrs: { score: 2, ok: true } },
  ],
  links: [{ id: 'l1', type: 'speaker', from: 's2', to: 's1' }],
};

const LOUPE_UTF16_DOC = {
  text: '😀 Alice met Bob.',
  offset_unit: 'utf16',
  spans: [{ id: 'a', label: 'Person', start: 3, end: 8, text: 'Alice' }],
};

const LOUPE_JSON = {
  format: 'loupe',
  offset_unit: 'codepoint',
  labels: [
    { name: 'Org', color: '#1864ab', hotkey: 'o', description: 'An organisation', attributes: [{ name: 'k', kind: 'choice', options: ['a', 'b'], default: null, description: '' }] },
  ],
  link_types: [{ name: 'member', from: ['official'], to: ['Org'], color: '#d9480f', description: '' }],
  documents: [LOUPE_DOC, { text: '第二篇', spans: [] }],
};

function docxXml(): { document: string; styles: string } {
  const w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const run = (t: string) => `<w:r><w:t xml:space="preserve">${t}</w:t></w:r>`;
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ${w}><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>${run('长江中游今年首场春汛平稳过境')}</w:p>
<w:p>${run('新华社武汉3月18日电')}<w:r><w:tab/><w:t>记者</w:t><w:br/><w:t>第二行</w:t><w:noBreakHyphen/></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p>${run('汉口')}</w:p></w:tc><w:tc><w:p>${run('21.35')}</w:p></w:tc></w:tr></w:tbl>
<w:p><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>${run('𠮷野家😀 &amp; Café')}</w:p>
<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr>${run('各站水位')}</w:p>
</w:body></w:document>`;
  const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles ${w}><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="Title"/></w:style></w:styles>`;
  return { document, styles };
}

/** A .docx around the given parts (the seed's own when not given). */
export function docxOf(parts: { document?: Uint8Array; styles?: Uint8Array; extra?: Record<string, Uint8Array> } = {}): Uint8Array {
  const own = docxXml();
  return zipSync({
    '[Content_Types].xml': utf8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    '_rels/.rels': utf8('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'),
    'word/document.xml': parts.document ?? utf8(own.document),
    'word/styles.xml': parts.styles ?? utf8(own.styles),
    ...parts.extra,
  });
}

const read = (file: string): Uint8Array => new Uint8Array(fs.readFileSync(file));

/** Every seed: the fixtures, and the sample corpus's articles (tests/fixtures/corpus). */
function loadSeeds(): Seed[] {
  const seeds: Seed[] = [];
  const one = (id: string, format: ImportFormat, name: string, data: Uint8Array) => seeds.push({ id, format, files: [{ name, data }], target: 0 });
  const fixture = (rel: string) => read(path.join(FIXTURES, rel));

  const article = text(fixture('brat/basic/article.txt'));
  one('article.txt', 'text', 'article.txt', utf8(article));
  one('article.gb18030.txt', 'text', 'article.gb18030.txt', iconv.encode(article, 'gb18030'));
  one('article.big5.txt', 'text', 'article.big5.txt', iconv.encode(article.replace(/𠮷|😀|Café/g, '吉'), 'big5'));
  one('article.utf16le-bom.txt', 'text', 'article.utf16le.txt', iconv.encode(article, 'utf-16le', { addBOM: true }));
  one('article.utf16be.txt', 'text', 'article.utf16be.txt', iconv.encode(article, 'utf-16be'));
  for (const name of fs.readdirSync(CORPUS).sort()) {
    if (name.endsWith('.txt')) one(`corpus/${name}`, 'text', name, read(path.join(CORPUS, name)));
  }
  one('not-text.bin', 'text', 'not-text.bin', fixture('not-text.bin'));
  one('loupe.jsonl', 'loupe-jsonl', 'loupe.jsonl', utf8(`${JSON.stringify(LOUPE_DOC)}\n${JSON.stringify(LOUPE_UTF16_DOC)}\n`));
  one('loupe.json', 'loupe-jsonl', 'loupe.json', utf8(JSON.stringify(LOUPE_JSON, null, 1)));
  one('doccano/emoji.jsonl', 'doccano', 'emoji.jsonl', fixture('doccano/emoji.jsonl'));
  one('doccano/entities.jsonl', 'doccano', 'entities.jsonl', utf8(`${JSON.stringify({
    text: '王小明在北京说：“好”。',
    entities: [{ id: 1, label: 'official', start_offset: 0, end_offset: 3 }, { id: 2, label: 'quote', start_offset: 8, end_offset: 11 }],
    relations: [{ id: 1, from_id: 2, to_id: 1, type: 'speaker' }],
    label: ['news'],
  })}\n`));
  one('label-studio/emoji-chinese.json', 'label-studio', 'emoji-chinese.json', fixture('label-studio/emoji-chinese.json'));
  seeds.push({
    id: 'brat/basic',
    format: 'brat',
    files: ['article.txt', 'article.ann', 'annotation.conf'].map((f) => ({ name: `basic/${f}`, data: fixture(`brat/basic/${f}`) })),
    target: 1,
  });
  for (const f of ['chinese-words.bioes', 'conll2003-iob1.conll', 'missing-tag.conll']) one(`conll/${f}`, 'conll', f, fixture(`conll/${f}`));
  one('news.md', 'markdown', 'news.md', fixture('documents/news.md'));
  one('news.html', 'html', 'news.html', fixture('documents/news.html'));
  one('news-gb18030.html', 'html', 'news-gb18030.html', fixture('documents/news-gb18030.html'));
  one('news.docx', 'docx', 'news.docx', docxOf());
  return seeds;
}

// ---------------------------------------------------------------------------------------------
// Mutations. Each returns new bytes; none changes its argument.

const INVALID_UTF8: readonly number[][] = [
  [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe], [0xff], [0xe4, 0xb8], [0xf0, 0x9f, 0x98],
];
const SPECIAL_BYTES = [0x00, 0x0a, 0x0d, 0x09, 0x22, 0x7b, 0x7d, 0x5b, 0x5d, 0x3c, 0x3e, 0x26, 0x23, 0x3b, 0x5c, 0xef, 0xbb, 0xbf, 0xff, 0xfe];

function splice(data: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(data.length - remove + insert.length);
  out.set(data.subarray(0, at), 0);
  out.set(insert, at);
  out.set(data.subarray(at + remove), at + insert.length);
  return out;
}

const truncate = (d: Uint8Array, r: Rng): Uint8Array => d.slice(0, r.int(d.length + 1));

function flipBytes(d: Uint8Array, r: Rng): Uint8Array {
  const out = d.slice();
  if (out.length === 0) return out;
  for (let k = r.range(1, 16); k > 0; k--) {
    const i = r.int(out.length);
    out[i] = r.chance(0.5) ? out[i]! ^ (1 << r.int(8)) : r.chance(0.5) ? r.pick(SPECIAL_BYTES) : r.int(256);
  }
  return out;
}

function insertBytes(d: Uint8Array, r: Rng): Uint8Array {
  let out = d;
  for (let k = r.range(1, 8); k > 0; k--) {
    const bytes = r.chance(0.5) ? Array.from({ length: r.range(1, 4) }, () => r.pick(SPECIAL_BYTES)) : r.bytes(r.range(1, 32));
    out = splice(out, r.int(out.length + 1), 0, bytes);
  }
  return out;
}

function deleteBytes(d: Uint8Array, r: Rng): Uint8Array {
  let out = d;
  for (let k = r.range(1, 6); k > 0 && out.length > 0; k--) {
    const at = r.int(out.length);
    out = splice(out, at, Math.min(out.length - at, r.range(1, 64)), []);
  }
  return out;
}

function invalidUtf8(d: Uint8Array, r: Rng): Uint8Array {
  let out = d;
  for (let k = r.range(1, 4); k > 0; k--) {
    const at = r.chance(0.2) ? out.length : r.int(out.length + 1);
    out = splice(out, at, 0, r.pick(INVALID_UTF8));
  }
  return out;
}

function bomGames(d: Uint8Array, r: Rng): Uint8Array {
  const BOMS = [[0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xff, 0xfe, 0x00, 0x00], [0x00, 0x00, 0xfe, 0xff]];
  const hasUtf8Bom = d[0] === 0xef && d[1] === 0xbb && d[2] === 0xbf;
  const asText = text(hasUtf8Bom ? d.subarray(3) : d);
  switch (r.int(8)) {
    case 0: // another BOM in front of the bytes as they are (a UTF-16 BOM on UTF-8, a double BOM…)
      return splice(d, 0, 0, r.pick(BOMS));
    case 1: // the BOM removed
      return hasUtf8Bom ? d.slice(3) : d[0] === 0xff || d[0] === 0xfe ? d.slice(2) : d;
    case 2: // re-encoded as UTF-16, with or without BOM
      return iconv.encode(asText, r.pick(['utf-16le', 'utf-16be']), { addBOM: r.chance(0.5) });
    case 3: // a BOM in the middle
      return splice(d, r.int(d.length + 1), 0, r.pick(BOMS));
    case 4: { // UTF-16 with an odd byte count
      const utf16 = iconv.encode(asText, 'utf-16le', { addBOM: true });
      return utf16.subarray(0, utf16.length - 1);
    }
    case 5: // UTF-16 with a lone surrogate
      return splice(iconv.encode(asText, 'utf-16le', { addBOM: true }), 2 + 2 * r.int(Math.max(1, asText.length)), 0, [0x00, 0xd8]);
    case 6: // U+FEFF as text at each line start
      return utf8(asText.split('\n').join('\n\ufeff'));
    default: // UTF-32
      return Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), ...Array.from(asText, (c) => { const b = Buffer.alloc(4); b.writeUInt32LE(c.codePointAt(0)!); return b; })]);
  }
}

function randomBytes(_d: Uint8Array, r: Rng): Uint8Array {
  const n = r.pick([0, 1, 2, 3, 17, r.int(4096), r.int(65536)]);
  if (r.chance(0.3)) return r.bytes(n);
  // Mostly printable, with line breaks and a few high bytes: reaches further into the parsers.
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r.chance(0.05) ? 0x0a : r.chance(0.05) ? r.int(256) : r.range(0x20, 0x7e);
  return out;
}

function lineGames(d: Uint8Array, r: Rng): Uint8Array {
  const lines = text(d).split(/(?<=\n)/);
  if (lines.length === 0) return d;
  switch (r.int(6)) {
    case 0: {
      const i = r.int(lines.length);
      lines.splice(i, 0, ...Array.from({ length: r.range(1, 50) }, () => lines[i]!));
      break;
    }
    case 1:
      for (let i = lines.length - 1; i > 0; i--) {
        const j = r.int(i + 1);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      }
      break;
    case 2:
      lines.splice(r.int(lines.length), r.range(1, 5));
      break;
    case 3:
      return utf8(lines.join('').replace(/\n/g, r.pick(['\r\n', '\r', '\n\n', '\u2028', '\u0085'])));
    case 4:
      return utf8(lines.join('').replace(/\r?\n/g, ' ')); // one line
    default:
      lines.reverse();
  }
  return utf8(lines.join(''));
}

const WRONG_VALUES: readonly unknown[] = [
  null, true, false, 0, -1, 1.5, -0.5, 2 ** 53 + 2, 1e308, -1e308, '', 'x', '0', '-1', 'NaN', 'null', 'undefined',
  [], {}, [[]], [0, 1, 'x'], [null], [1, 2, 3, 4], { a: 1 }, 'a'.repeat(10_000), '\u0000', '\ud800', '😀', '\u0085\u2028',
  { start: 1, end: 0 }, [5, 2, 'Person'], [0, 1e9, 'Person'], [-1, 3, 'x'], { toString: 'x', valueOf: 1 },
];

/** Sets or deletes a few fields anywhere in a JSON value to a value of the wrong type. */
function wrongTypes(value: unknown, r: Rng): unknown {
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 12 || typeof v !== 'object' || v === null || containers.length > 2000) return;
    containers.push(v as Record<string, unknown>);
    for (const child of Object.values(v)) walk(child, depth + 1);
  };
  walk(value, 0);
  if (containers.length === 0 || r.chance(0.05)) return r.pick(WRONG_VALUES);
  for (let k = r.range(1, 3); k > 0; k--) {
    const c = r.pick(containers);
    const keys = Object.keys(c);
    const key = keys.length && r.chance(0.8) ? r.pick(keys) : r.pick(['text', 'spans', 'label', 'start', 'end', 'id', '__proto__', 'constructor', 'offset_unit', 'data']);
    if (r.chance(0.15) && !Array.isArray(c)) delete (c as Record<string, unknown>)[key];
    else if (Array.isArray(c) && r.chance(0.1)) c.push(r.pick(WRONG_VALUES));
    else Object.defineProperty(c, key, { value: structuredClone(r.pick(WRONG_VALUES)), enumerable: true, writable: true, configurable: true });
  }
  return value;
}

function jsonTypes(d: Uint8Array, r: Rng): Uint8Array {
  const source = text(d).replace(/^\ufeff/, '');
  try {
    return utf8(JSON.stringify(wrongTypes(JSON.parse(source), r)));
  } catch {
    // JSON Lines: one line's value.
    const lines = source.split('\n');
    const candidates = lines.map((l, i) => [l, i] as const).filter(([l]) => l.trim() !== '');
    if (candidates.length === 0) return d;
    const [line, i] = r.pick(candidates);
    try {
      lines[i] = JSON.stringify(wrongTypes(JSON.parse(line), r));
    } catch {
      return d;
    }
    return utf8(lines.join('\n'));
  }
}

/** A field of the JSON nested thousands deep (arrays or objects). */
function jsonDeep(d: Uint8Array, r: Rng): Uint8Array {
  const depth = r.pick([1_000, 10_000, 100_000]);
  const array = r.chance(0.5);
  const deep = array ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const source = text(d).replace(/^\ufeff/, '');
  const field = r.pick(['meta', 'attrs', 'data', 'note', 'extra', 'label', 'spans', 'annotations', 'result', 'value']);
  // Put it in as the value of a new field of the first object, wherever that is.
  const at = source.indexOf('{');
  if (at < 0) return utf8(deep);
  return utf8(`${source.slice(0, at + 1)}"${field}":${deep},${source.slice(at + 1)}`);
}

function bratOffsets(d: Uint8Array, r: Rng): Uint8Array {
  const lines = text(d).split('\n');
  const tLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^T\d+\t/.test(l));
  for (let k = r.range(1, 3); k > 0; k--) {
    const choice = r.int(14);
    if (choice < 8 && tLines.length > 0) {
      const [line, i] = r.pick(tLines);
      const [id, data, tail] = line.split('\t');
      const type = (data ?? 'X').split(' ')[0];
      const offsets = [
        '9999 10005', '-3 5', '5 2', '4 4', '99999999999999999999 99999999999999999999', '1.5 3', '0x1 0x5', '',
        '0 1;1 2;2 3', '0 5;3 8', `${Array.from({ length: 2000 }, (_, j) => `${j} ${j + 1}`).join(';')}`, '0 5;', ';0 5', '0  5', '٣ ٥', '0 5 7',
      ][r.int(16)]!;
      lines[i] = r.chance(0.2) ? `${id}\t${type} ${offsets}` : `${id}\t${type} ${offsets}\t${tail ?? ''}`;
    } else {
      lines.splice(r.int(lines.length + 1), 0, r.pick([
        'R9\tspeaker Arg1:T99 Arg2:T1', 'R9\tspeaker Arg1:T1 Arg2:T1', 'R9\tspeaker Arg1:T1', 'A9\tNegated R1', 'A9\tKind T1 nonsense',
        '#9\tAnnotatorNotes T1', '#9\tAnnotatorNotes', 'T1\tOfficial 0 1\t寿', 'X1\tfoo 0 1', '\t', 'T\tQuote 0 1', 'T77',
        'E9\tSpeak:T99', '*\tEquiv', 'N9\tReference', 'M9\tNegated', 'A10\tKind T2', 'T78\t 0 1\t寿', 'T79\tOfficial 0 1\t',
        'R10\t Arg1:T1 Arg2:T2', `T80\t${'x'.repeat(5000)} 0 1\t寿`, 'T81\tOfficial 0 0\t', 'A11\tConfidence T1 1e999',
      ]));
    }
  }
  return utf8(lines.join('\n'));
}

function bratConf(d: Uint8Array, r: Rng): Uint8Array {
  const lines = text(d).split('\n');
  switch (r.int(5)) {
    case 0: {
      // Macros defined from the outermost in, each twice the one before it: expansion doubles per macro.
      const n = r.range(10, 40);
      const defs = Array.from({ length: n }, (_, i) => `<M${n - i}>=<M${n - i - 1}>|<M${n - i - 1}>`);
      lines.unshift(...defs, '<M0>=Person');
      lines.push('[attributes]', `Flag\tArg:<M${n}>`, '[entities]', `<M${n}>`);
      break;
    }
    case 1:
      lines.unshift(`# loupe-schema: ${JSON.stringify(wrongTypes({ labels: [{ name: 'Quote', color: '#123456', attributes: [{ name: 'Kind', kind: 'choice', options: ['direct'] }] }], linkTypes: [{ name: 'speaker', from: [], to: [] }] }, r))}`);
      break;
    case 2:
      lines.splice(r.int(lines.length + 1), 0, r.pick(['[entities', '[]', '[attributes]', 'Kind\tArg:Quote, Value:', 'Kind\tValue:a|b|a', '\t\t', '!', '<>', '<X>=', '[relations]', 'r\tArg1:, Arg2:', 'speaker\tArg1:Quote', '-', `${'a'.repeat(10000)}`]));
      break;
    case 3:
      return lineGames(d, r);
    default:
      return flipBytes(d, r);
  }
  return utf8(lines.join('\n'));
}

function conllColumns(d: Uint8Array, r: Rng): Uint8Array {
  const lines = text(d).split('\n');
  for (let k = r.range(1, 5); k > 0; k--) {
    const i = r.int(lines.length);
    const cols = lines[i]!.split(/\t| /);
    switch (r.int(9)) {
      case 0:
        lines[i] = cols[0] ?? ''; // no tag column
        break;
      case 1:
        lines[i] = [...cols, 'extra', 'B-X'].join('\t');
        break;
      case 2:
        lines[i] = cols.join(r.pick(['  ', ' \t', '\t\t', '\u3000']));
        break;
      case 3:
        lines[i] = [cols[0] ?? 'x', r.pick(['B-', 'I-', 'b-x', 'X', 'B-a b', '', 'S-', 'O-', 'B--', 'E-😀', 'U-\u0000', 'L-x'])].join('\t');
        break;
      case 4:
        lines[i] = ['', cols[cols.length - 1] ?? 'O'].join('\t');
        break;
      case 5:
        lines.splice(i, 0, r.pick(['-DOCSTART-', '# title = ', '# doc_id = x', '# newdoc', '#', '#\tO', '# = ', '# title = T\n# title = T', '-DOCSTART-\t-X-\tO']));
        break;
      case 6:
        lines[i] = `${'字'.repeat(r.pick([1000, 50000]))}\tB-X`;
        break;
      case 7:
        lines.splice(i, 0, ...Array.from({ length: r.range(1, 20) }, () => r.pick(['', '\t', ' ', '\r'])));
        break;
      default:
        lines[i] = `${cols[0] ?? 'x'}\t${r.pick(['I-X', 'E-X', 'L-X'])}`; // a continuation with nothing to continue
    }
  }
  return utf8(lines.join('\n'));
}

const HTML_TAGS = [
  'div', 'p', 'table', 'tr', 'td', 'th', 'pre', 'article', 'main', 'header', 'footer', 'h1', 'h2', 'title', 'script',
  'style', 'br', 'li', 'ul', 'span', 'b', 'img', 'rt', 'ruby', 'template', 'svg', 'math', 'textarea', 'plaintext', 'xmp',
  'noscript', 'iframe', 'html', 'body', 'head', 'meta', 'caption', 'tbody',
];
const HTML_TEXT = ['王小明', ' ', '\n', '&nbsp;', '&#0;', '&#x110000;', '&#xD800;', '&amp', '&bogus;', '<!--', '-->', '<![CDATA[x]]>', '😀', '\u3000', 'a\r\nb', '<?xml encoding="gb2312"?>', '<', '>', '"', 'Café'];

function htmlSoup(d: Uint8Array, r: Rng): Uint8Array {
  const parts: string[] = r.chance(0.5) ? [text(d)] : [];
  for (let k = r.range(10, 400); k > 0; k--) {
    const tag = r.pick(HTML_TAGS);
    switch (r.int(4)) {
      case 0:
        parts.push(`<${tag}${r.pick(['', ' hidden', ' style="display:none"', ' charset="big5"', ' class="x"', ' a=', ' /'])}>`);
        break;
      case 1:
        parts.push(`</${tag}>`);
        break;
      case 2:
        parts.push(r.pick(['<meta charset="gbk">', '<meta http-equiv="Content-Type" content="text/html; charset=utf-16">', '<meta charset="x-unknown">', '<meta charset="base64">', '<meta charset="hex">', '<meta charset="ucs2">', '<meta charset="utf-32">']));
        break;
      default:
        parts.push(r.pick(HTML_TEXT));
    }
  }
  return utf8(parts.join(''));
}

const MARKDOWN_LINES = [
  '# 标题', '## h2', '> 引用', '> > > nested', '- item', '  - nested', '    - deeper', '1. first', '```', '~~~', '| a | b |', '|---|---|',
  '<div>', '</div>', '[x]: http://example.com', '![img](a.png)', '**bold', '_i_', '---', 'setext', '===', '\tcode', '<!-- c', '-->',
  '\\', '&amp;', '$$', '* * *', '[link](<a b>)', '<script>x</script>', '中文段落，', '继续一行。', '', '', '- [ ] task', '<span>', '`code',
];

function markdownSoup(d: Uint8Array, r: Rng): Uint8Array {
  const lines = r.chance(0.5) ? text(d).split('\n') : [];
  for (let k = r.range(5, 200); k > 0; k--) {
    const line = r.pick(MARKDOWN_LINES);
    const indent = r.chance(0.2) ? ' '.repeat(r.int(120)) : '';
    lines.splice(r.int(lines.length + 1), 0, indent + line);
  }
  return utf8(lines.join('\n'));
}

/** Mutates word/document.xml or word/styles.xml, then zips a .docx around it. */
function docxXmlGames(_d: Uint8Array, r: Rng): Uint8Array {
  const own = docxXml();
  const target = r.chance(0.75) ? 'document' : 'styles';
  let xml = utf8(own[target]);
  const byteLevel = [truncate, flipBytes, insertBytes, deleteBytes, invalidUtf8, bomGames, lineGames, htmlSoup];
  switch (r.int(5)) {
    case 0:
      xml = utf8(text(xml).replace('<w:body>', `<w:body>${'<w:tbl><w:tr><w:tc>'.repeat(r.pick([1000, 30000]))}<w:p><w:r><w:t>x</w:t></w:r></w:p>`));
      break;
    case 1:
      xml = utf8(text(xml).replace('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>').replace('汉口', '&c;&c;&c;'));
      break;
    case 2:
      xml = utf8(text(xml).replace(/w:/g, r.pick(['x:', '', 'w:w:'])).replace('xmlns:x:', 'xmlns:x'));
      break;
    default:
      for (let k = r.range(1, 3); k > 0; k--) xml = r.pick(byteLevel)(xml, r);
  }
  return docxOf({ [target]: xml });
}

// ---------------------------------------------------------------------------------------------
// Zip archives written by hand, to lie about sizes and names the way zip bombs do.

interface RawEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  data: Uint8Array;
  /** The uncompressed size the archive declares. */
  declared: number;
  /** The CRC-32 the archive records: a stored entry's own by default, else 0 (a bomb is refused before its CRC counts). */
  crc?: number;
}

/** A zip of the given entries, with whatever sizes and CRCs they declare. */
export function rawZip(entries: readonly RawEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = utf8(e.name);
    const crc = e.crc ?? (e.method === 0 ? crc32(e.data) : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(Math.min(e.declared, 0xffffffff), 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x800, 8);
    dir.writeUInt16LE(e.method, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(e.data.length, 20);
    dir.writeUInt32LE(Math.min(e.declared, 0xffffffff), 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, e.data);
    central.push(dir, name);
    offset += 30 + name.length + e.data.length;
  }
  const size = central.reduce((n, c) => n + c.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

/**
 * A raw DEFLATE stream (one fixed-Huffman block) that inflates to `1 + 258 * repeats` zero bytes: a
 * literal 0, then "copy 258 bytes from distance 1" over and over, 13 bits each (a ratio of about 160:1
 * per code; built directly, since deflating gigabytes of zeros to make it would take minutes).
 */
export function zeroBomb(repeats: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((3 + 8 + 13 * repeats + 7) / 8) + 1);
  let bit = 0;
  const put = (value: number, n: number) => {
    for (let i = 0; i < n; i++, bit++) if ((value >>> i) & 1) out[bit >>> 3]! |= 1 << (bit & 7);
  };
  /** Huffman codes go most significant bit first. */
  const code = (value: number, n: number) => {
    let reversed = 0;
    for (let i = 0; i < n; i++) reversed |= ((value >>> i) & 1) << (n - 1 - i);
    put(reversed, n);
  };
  put(1, 1); // BFINAL
  put(1, 2); // fixed Huffman
  code(0x30, 8); // literal 0
  for (let k = 0; k < repeats; k++) {
    code(0b11000101, 8); // length code 285: 258 bytes
    code(0, 5); // distance code 0: distance 1
  }
  code(0, 7); // end of block (256)
  return out;
}

// ---------------------------------------------------------------------------------------------
// The inputs of a run.

interface Input {
  id: string;
  kind: string;
  from: string;
  files: ImportInput[];
}

type Mutation = (data: Uint8Array, r: Rng) => Uint8Array;

/** Mutation kinds applied once per round, each to a seed (of the formats it suits) picked at random. */
const MUTATIONS: readonly { kind: string; formats?: readonly ImportFormat[]; mutate: Mutation; brat?: 'txt' | 'ann' | 'conf' }[] = [
  { kind: 'truncate', mutate: truncate },
  { kind: 'byte-flip', mutate: flipBytes },
  { kind: 'byte-insert', mutate: insertBytes },
  { kind: 'byte-delete', mutate: deleteBytes },
  { kind: 'invalid-utf8', mutate: invalidUtf8 },
  { kind: 'bom', mutate: bomGames },
  { kind: 'random-bytes', mutate: randomBytes },
  { kind: 'lines', mutate: lineGames },
  { kind: 'stacked', mutate: (d, r) => [0, 1, 2].reduce((x) => r.pick([truncate, flipBytes, insertBytes, deleteBytes, invalidUtf8, bomGames, lineGames])(x, r), d) },
  { kind: 'json-types', formats: ['loupe-jsonl', 'doccano', 'label-studio'], mutate: jsonTypes },
  { kind: 'json-deep', formats: ['loupe-jsonl', 'doccano', 'label-studio'], mutate: jsonDeep },
  { kind: 'brat-offsets', formats: ['brat'], mutate: bratOffsets, brat: 'ann' },
  { kind: 'brat-text', formats: ['brat'], mutate: (d, r) => r.pick([truncate, flipBytes, lineGames, bomGames, invalidUtf8])(d, r), brat: 'txt' },
  { kind: 'brat-conf', formats: ['brat'], mutate: bratConf, brat: 'conf' },
  { kind: 'conll-columns', formats: ['conll'], mutate: conllColumns },
  { kind: 'html-structure', formats: ['html'], mutate: htmlSoup },
  { kind: 'markdown-structure', formats: ['markdown'], mutate: markdownSoup },
  { kind: 'docx-xml', formats: ['docx'], mutate: docxXmlGames },
];

function mutated(seed: Seed, mutate: Mutation, r: Rng, target = seed.target): ImportInput[] {
  return seed.files.map((f, i) => (i === target ? { name: f.name, data: mutate(f.data, r) } : f));
}

const repeat = (unit: string, n: number) => unit.repeat(n);

/** Inputs made once per run (their own kinds): pathological structure, zip bombs, evil entry names, huge files. */
function* oneOffs(big: boolean): Generator<{ kind: string; variant: string; from: string; files: () => ImportInput[] }> {
  const depth = big ? 1_000_000 : 100_000;
  const html = (variant: string, body: string, name = 'deep.html') => ({ kind: 'deep-html', variant, from: 'generated', files: () => [{ name, data: utf8(body) }] });
  yield html('div', `<html><body>${repeat('<div>', depth)}深${repeat('</div>', depth)}</body></html>`);
  yield html('div-unclosed', repeat('<div>x', depth));
  yield html('table', `${repeat('<table><tr><td>', depth / 10)}格${repeat('</td></tr></table>', depth / 10)}`);
  yield html('p-unclosed', repeat('<p>段', depth));
  yield html('span', `<p>${repeat('<span><b>', depth)}字</p>`);
  yield html('xhtml', `<?xml version="1.0"?>${repeat('<div/>', depth)}${repeat('<![CDATA[', 1000)}`, 'deep.xhtml');
  if (big) {
    yield html('pre', `${repeat('<pre>', depth)}a\nb${repeat('</pre>', depth)}`);
    yield html('header-article', repeat('<article><header>标题', depth / 10));
    yield html('list', `${repeat('<ul><li>', depth / 10)}x`);
  }

  const md = (variant: string, body: string) => ({ kind: 'deep-markdown', variant, from: 'generated', files: () => [{ name: 'deep.md', data: utf8(body) }] });
  yield md('quotes', `${repeat('>', depth)} 深`);
  yield md('list-indent', Array.from({ length: 2000 }, (_, i) => `${repeat(' ', i * 2)}- x`).join('\n'));
  yield md('emphasis', `${repeat('*a ', depth)}${repeat('_', depth)}`);
  yield md('brackets', `${repeat('[', depth)}x${repeat('](y)', 1000)}`);
  yield md('html-divs', `${repeat('<div>\n\n', 20_000)}x`);
  yield md('link-defs', Array.from({ length: 20_000 }, (_, i) => `[l${i}]: http://x/${i}`).join('\n'));
  if (big) {
    yield md('quotes-spaced', `${repeat('> ', 5000)}深`);
    yield md('list-markers', `${repeat('- ', 5000)}x`);
    yield md('backticks', repeat('`', depth));
    yield md('headings', repeat('#', depth));
    yield md('table', `|${repeat(' a |', 10_000)}\n|${repeat('---|', 10_000)}\n|${repeat(' 1 |', 10_000)}`);
  }

  // DOCX zip bombs: sizes declared honestly (refused before inflating) and falsely (refused while inflating).
  const bombRepeats = big ? 8 * 4_161_000 : 4_161_000; // 8 GB or 1 GB of zeros
  let built: Uint8Array | undefined;
  const bomb = (): Uint8Array => (built ??= zeroBomb(bombRepeats));
  const inflated = 1 + 258 * bombRepeats;
  const docx = (variant: string, make: () => Uint8Array, kind = 'zip-bomb') => ({ kind, variant, from: 'generated', files: () => [{ name: 'bomb.docx', data: make() }] });
  yield docx('declared-4gb', () => rawZip([{ name: 'word/document.xml', method: 8, data: bomb(), declared: Math.min(inflated, 0xffffffff) }]));
  yield docx('declared-300mb', () => rawZip([{ name: 'word/document.xml', method: 8, data: bomb(), declared: 300 * MB }]));
  yield docx('declared-small', () => rawZip([{ name: 'word/document.xml', method: 8, data: bomb(), declared: 1000 }]));
  yield docx('declared-zero', () => rawZip([{ name: 'word/document.xml', method: 8, data: bomb(), declared: 0 }]));
  if (big) yield docx('declared-150mb', () => rawZip([{ name: 'word/document.xml', method: 8, data: bomb(), declared: 150 * MB }]));
  yield docx('part-twice', () => rawZip([
    { name: 'word/document.xml', method: 8, data: bomb(), declared: 100 * MB },
    { name: 'WORD/Document.xml', method: 8, data: bomb(), declared: 100 * MB },
  ]));
  yield docx('styles-small', () => rawZip([
    { name: 'word/document.xml', method: 0, data: utf8(docxXml().document), declared: utf8(docxXml().document).length },
    { name: 'word/styles.xml', method: 8, data: bomb(), declared: 500 },
  ]));
  yield docx('stored-lies', () => rawZip([{ name: 'word/document.xml', method: 0, data: utf8(docxXml().document), declared: 5 }]));
  yield docx('unknown-method', () => rawZip([{ name: 'word/document.xml', method: 12, data: bomb().subarray(0, 1000), declared: 1000 }]));
  yield docx('cut-short', () => rawZip([{ name: 'word/document.xml', method: 8, data: bomb(), declared: 1000 }]).subarray(0, 5000));
  const entryCount = big ? 70_000 : 20_000;
  const many = (): Record<string, Uint8Array> => {
    const files: Record<string, Uint8Array> = { 'word/document.xml': utf8(docxXml().document) };
    for (let i = 0; i < entryCount; i++) files[`word/media/image${i}.png`] = new Uint8Array(0);
    return files;
  };
  yield docx(`entries-${entryCount}`, () => zipSync(many(), { level: 0 }));
  yield docx('evil-names', () => docxOf({
    extra: {
      '../../evil': utf8('evil'), '/abs/evil': utf8('evil'), 'C:\\evil.txt': utf8('evil'), '..\\..\\evil': utf8('evil'),
      'word/../../evil.xml': utf8('evil'), '\u0000evil': utf8('evil'), '': utf8('evil'),
    },
  }), 'zip-names');

  // Zips of files, imported as folders: the same bombs and names, sizes that add up, a zip inside the zip.
  const zip = (variant: string, make: () => Uint8Array, kind = 'zip-bomb') => ({ kind, variant, from: 'generated', files: () => [{ name: 'bomb.zip', data: make() }] });
  yield zip('zip-declared-4gb', () => rawZip([{ name: 'a.txt', method: 8, data: bomb(), declared: Math.min(inflated, 0xffffffff) }]));
  yield zip('zip-declared-small', () => rawZip([{ name: 'a.txt', method: 8, data: bomb(), declared: 1000 }]));
  yield zip('zip-sum-over-limit', () => rawZip(Array.from({ length: 6 }, (_, i) => ({ name: `d/${i}.txt`, method: 8, data: bomb().subarray(0, 700 * 1024), declared: 60 * MB }))));
  yield zip('zip-in-zip', () => zipSync({ 'inner.zip': zipSync({ 'x.txt': utf8('x') }), 'a.txt': utf8('外层') }));
  yield zip('zip-evil-names', () => zipSync({ '../../evil.txt': utf8('evil'), 'ok.txt': utf8('ok') }), 'zip-names');

  if (!big) return;
  const huge = (variant: string, name: string, make: () => Uint8Array, more: () => ImportInput[] = () => []) => ({ kind: 'huge', variant, from: 'generated', files: () => [{ name, data: make() }, ...more()] });
  yield huge('text-100mb-line', 'line.txt', () => new Uint8Array(100 * MB).fill(0x61));
  yield huge('jsonl-100mb-line', 'line.jsonl', () => utf8(`{"text":"${'a'.repeat(100 * MB)}"}`));
  yield huge('text-60mb-line', 'line.txt', () => new Uint8Array(60 * MB).fill(0x61));
  yield huge('text-60mb-chinese', 'zh.txt', () => utf8(repeat('汉字测试文本。', 3 * MB)));
  yield huge('jsonl-60mb-line', 'line.jsonl', () => utf8(`{"text":"${'a'.repeat(60 * MB)}","spans":[{"label":"x","start":0,"end":${60 * MB}}]}`));
  yield huge('jsonl-50k-lines', 'lines.jsonl', () => utf8(repeat(`${JSON.stringify(LOUPE_DOC)}\n`, 50_000).replace(/"s(\d)"/g, '"x$1"')));
  yield huge('jsonl-200k-spans', 'spans.jsonl', () => utf8(JSON.stringify({ text: 'ab'.repeat(200_000), spans: Array.from({ length: 200_000 }, (_, i) => ({ label: 'x', start: 2 * i, end: 2 * i + 1 })) })));
  yield huge('conll-1m-tokens', 'big.conll', () => utf8(repeat('字\tB-X\n词\tI-X\n。\tO\n\n', 333_000)));
  yield huge('html-1m-paragraphs', 'big.html', () => utf8(repeat('<p>段落文本</p>\n', 1_000_000)));
  yield huge('markdown-20mb', 'big.md', () => utf8(repeat('# 标题\n\n段落 **粗体** 文本。\n\n- 列表\n\n', 500_000)));
  yield huge('brat-200k-lines', 'big/a.txt', () => utf8('字'.repeat(200_000)), () => [
    { name: 'big/a.ann', data: utf8(Array.from({ length: 200_000 }, (_, i) => `T${i + 1}\tX ${i} ${i + 1}\t字`).join('\n')) },
  ]);
  yield huge('brat-conf-200k-lines', 'conf/a.txt', () => utf8('字'), () => [
    { name: 'conf/a.ann', data: utf8('T1\tE1 0 1\t字') },
    { name: 'conf/annotation.conf', data: utf8(`[entities]\n${repeat('E1\n', 200_000)}[attributes]\n${repeat('Flag\tArg:<ENTITY>\n', 10_000)}`) },
  ]);
  yield huge('doccano-20k-labels', 'labels.jsonl', () => utf8(JSON.stringify({ text: 'ab'.repeat(20_000), label: Array.from({ length: 20_000 }, (_, i) => [2 * i, 2 * i + 1, `L${i}`]) })));
  yield huge('docx-150mb-text', 'big.docx', () => docxOf({ document: utf8(docxXml().document.replace('汉口', 'a'.repeat(150 * MB))) }));
}

/** Every input of a run, built lazily so huge ones are let go once imported. */
function* inputsOf(options: ImportFuzzOptions, seeds: readonly Seed[]): Generator<Input> {
  for (let round = 0; round < options.rounds; round++) {
    for (const m of MUTATIONS) {
      const id = `${round}/${m.kind}`;
      if (options.only !== undefined && options.only !== id) continue;
      const r = new Rng(seedOf(options.seed, round, m.kind));
      const seed = r.pick(seeds.filter((s) => !m.formats || m.formats.includes(s.format)));
      const target = m.brat ? seed.files.findIndex((f) => f.name.endsWith(`.${m.brat}`)) : seed.target;
      yield { id, kind: m.kind, from: seed.id, files: mutated(seed, m.mutate, r, target) };
    }
  }
  for (const one of oneOffs(options.big)) {
    const id = `0/${one.kind}/${one.variant}`;
    if (options.only !== undefined && options.only !== id) continue;
    yield { id, kind: one.kind, from: one.from, files: one.files() };
  }
}

// ---------------------------------------------------------------------------------------------
// Judging one import.

/** Words of a JavaScript failure rather than a message about the file (checked outside quoted text). */
const UNCLEAR: readonly [RegExp, string][] = [
  [/\bundefined\b/, '“undefined”'],
  [/\bnull\b/, '“null”'],
  [/\bNaN\b/, '“NaN”'],
  [/\[object \w+\]/, 'an object printed as [object …]'],
  [/Cannot (read|set) propert/i, 'a property access on nothing'],
  [/is not a function|is not iterable|is not defined|is not a constructor/, 'a JavaScript type error'],
  [/Maximum call stack/i, 'a stack overflow'],
  [/Invalid (array|string|typed array) length|Array buffer allocation failed|out of memory/i, 'an allocation failure'],
  [/^(?:[A-Z]\w*)?Error\b|^\w+Error:/, 'a bare error name'],
  [/\bat \w+ \(|\.ts:\d+/, 'a stack trace'],
];

/** A message without the parts it quotes: those repeat the file's own content, which may say anything. */
function unquoted(message: string): string {
  // “…” may nest, since the quoted content may hold curly quotes itself; an unclosed one runs to the end.
  let out = '';
  let depth = 0;
  for (const c of message) {
    if (c === '“') depth++;
    else if (c === '”' && depth > 0) {
      if (--depth === 0) out += '“…”';
    } else if (depth === 0) out += c;
  }
  return out.replace(/"(?:[^"\\]|\\.)*"|‘[^’]*’|«[^»]*»/g, '"…"');
}

/** Why an error message is not one a user can act on, or null when it is clear. */
export function unclearMessage(message: string): string | null {
  if (message.trim() === '') return 'an empty message';
  const own = unquoted(message);
  for (const [pattern, why] of UNCLEAR) if (pattern.test(own)) return why;
  return null;
}

/** The corpus's content: every row of every table, in rowid order, and the schema version. */
function corpusHash(store: CorpusStore): string {
  const hash = createHash('sha256');
  const tables = store.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[];
  hash.update(`user_version=${store.db.pragma('user_version', { simple: true })}\n`);
  for (const { name, sql } of tables) {
    hash.update(`${sql}\n`);
    for (const row of store.db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}" ORDER BY rowid`).raw().iterate()) {
      hash.update(JSON.stringify(row));
      hash.update('\n');
    }
  }
  return hash.digest('hex');
}

/** What is wrong with the store after `report` was accepted, one line per problem. */
function acceptedProblems(store: CorpusStore, report: ImportReport): string[] {
  const problems: string[] = [];
  const integrity = store.db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`PRAGMA integrity_check says ${String(integrity)}`);
  const fk = store.db.pragma('foreign_key_check') as unknown[];
  if (fk.length) problems.push(`PRAGMA foreign_key_check finds ${fk.length} broken references`);
  for (const imported of report.imported) {
    const doc = store.getDocument(imported.documentId);
    const length = codePointLength(doc.text);
    if (doc.title.trim() === '') problems.push(`document ${doc.id} has an empty title`);
    if (doc.spans.length !== imported.spans) problems.push(`the report counts ${imported.spans} spans, the store has ${doc.spans.length}`);
    for (const s of doc.spans) {
      const inside = s.start >= 0 && s.end > s.start && s.end <= length;
      const fragmentsInside = s.fragments.every(([a, b], i) => a >= s.start && b <= s.end && b > a && (i === 0 || a > s.fragments[i - 1]![1]));
      if (!inside || !fragmentsInside) problems.push(`span ${s.id} (${s.start}–${s.end}, fragments ${JSON.stringify(s.fragments)}) is not inside its text of ${length} characters`);
    }
    const ids = new Set(doc.spans.map((s) => s.id));
    for (const l of doc.links) if (!ids.has(l.from) || !ids.has(l.to)) problems.push(`link ${l.id} joins a span its document does not have`);
  }
  return problems;
}

const clip = (s: string, n = 160): string => (s.length > n ? `${s.slice(0, n)}…` : s).replace(/\n/g, '\\n');

/** A temp corpus for the run; replaced now and then so checks stay fast. */
class Bench {
  store!: CorpusStore;
  private hashCache: string | null = null;
  private uses = 0;
  private bytes = 0;
  private n = 0;
  constructor(private readonly dir: string) {
    this.renew();
  }
  renew(): void {
    if (this.store) {
      this.store.close();
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${this.store.path}${suffix}`, { force: true });
    }
    this.store = openCorpusStore(path.join(this.dir, `fuzz-${this.n++}.loupe`), { create: true });
    this.hashCache = null;
    this.uses = 0;
    this.bytes = 0;
  }
  hash(): string {
    this.hashCache ??= corpusHash(this.store);
    return this.hashCache;
  }
  /** The hash read afresh (after an import that should have changed nothing). */
  rehash(): string {
    this.hashCache = null;
    return this.hash();
  }
  /** After an accepted import of `bytes`: a store that has taken 40 files or 1 MB starts over. */
  changed(bytes: number): void {
    this.hashCache = null;
    this.uses += 1;
    this.bytes += bytes;
    if (this.uses >= 40 || this.bytes > MB) this.renew();
  }
}

/** Fuzzes every importer; see the module comment for what counts as a failure. */
export async function fuzzImporters(options: ImportFuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const report: FuzzReport = {
    name: `importFuzz seed ${options.seed}, ${options.rounds} rounds${options.big ? ', big' : ''}`,
    inputs: 0,
    byKind: {},
    rejectedClearly: 0,
    accepted: 0,
    failures: [],
    ms: 0,
  };
  const seeds = loadSeeds();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-import-fuzz-'));
  const bench = new Bench(dir);
  try {
    let made = performance.now();
    for (const input of inputsOf(options, seeds)) {
      const inputStarted = performance.now();
      const bytes = input.files.reduce((n, f) => n + f.data.length, 0);
      const limitMs = SLOW_MS + (bytes / MB) * SLOW_MS_PER_MB;
      for (const mode of MODES) {
        report.inputs++;
        report.byKind[input.kind] = (report.byKind[input.kind] ?? 0) + 1;
        const where = `seed ${options.seed}, input ${input.id} (${input.kind}, from ${input.from}), format ${mode}`;
        const failures: string[] = [];
        const before = bench.hash();
        const t0 = performance.now();
        let result: ImportReport;
        try {
          // Every mode reads the same input: the forced formats import its documents again, while
          // 'auto' leaves out (and reports) those already in the corpus.
          result = importBatch(bench.store, input.files, mode === 'auto' ? {} : { format: mode, duplicates: 'import' });
        } catch (error) {
          report.failures.push(`${where}: importBatch threw ${clip(String((error as Error)?.stack ?? error), 400)}`);
          bench.renew();
          continue;
        }
        const ms = performance.now() - t0;
        if (ms > SLOW_MS / 3 || options.only) log(`${ms > SLOW_MS / 3 ? "slow: " : ""}${where}: ${Math.round(ms)} ms`);
        if (ms > limitMs) failures.push(`took ${Math.round(ms)} ms (limit ${Math.round(limitMs)} ms for ${(bytes / MB).toFixed(1)} MB)`);
        for (const f of result.failed) {
          const why = unclearMessage(f.error);
          if (why) failures.push(`unclear error (${why}) for ${f.name}: “${clip(f.error)}”`);
        }
        if (result.imported.length === 0 && result.failed.length === 0 && result.duplicates.length === 0) {
          failures.push(`nothing imported and nothing reported failed (skipped: ${JSON.stringify(result.skipped)})`);
        }
        if (result.imported.length === 0) {
          if (bench.rehash() !== before) {
            failures.push('the corpus changed although the file failed');
            bench.renew();
          }
        } else {
          failures.push(...acceptedProblems(bench.store, result));
          bench.changed(bytes);
        }
        if (failures.length) {
          for (const f of failures) report.failures.push(`${where}: ${f}`);
          log(`FAIL ${where}: ${failures.join('; ')}`);
        } else if (result.imported.length > 0) {
          report.accepted++;
        } else {
          report.rejectedClearly++;
        }
      }
      const inputMs = performance.now() - inputStarted;
      if (inputMs > 1000) log(`input ${input.id}: built in ${Math.round(inputStarted - made)} ms, imported ${MODES.length} ways in ${Math.round(inputMs)} ms`);
      await new Promise((resolve) => setImmediate(resolve));
      made = performance.now();
    }
  } finally {
    bench.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  report.ms = Math.round(performance.now() - started);
  const kinds = Object.entries(report.byKind).map(([k, n]) => `${n} ${k}`).join(', ');
  log(`${report.name}: ${report.inputs} imports (${kinds}); ${report.rejectedClearly} rejected clearly, ${report.accepted} accepted, ${report.failures.length} failures, ${report.ms} ms`);
  return report;
}
