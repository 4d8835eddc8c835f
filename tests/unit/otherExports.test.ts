import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectingContext } from '../../src/main/formats/export';
import { doccanoExporter } from '../../src/main/formats/export/doccano';
import { W3C_CONTEXT, w3cExporter } from '../../src/main/formats/export/w3c';
import { importBatch } from '../../src/main/services/importer';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import type { OffsetUnit } from '../../src/shared/types';
import { at, cpLength, cpSlice } from './textHelpers';
import { docs, sourceOf } from './corpusHelpers';

const fixtures = path.resolve(__dirname, '../fixtures');
const enc = (s: string) => new TextEncoder().encode(s);

let dir: string;
const stores: CorpusStore[] = [];
function newStore(name = 'c'): CorpusStore {
  const store = openCorpusStore(path.join(dir, `${name}.loupe`), { create: true });
  stores.push(store);
  return store;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-exports-'));
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// A long lead before the first span, so the quote selector's prefix is cut at W3C_CONTEXT code points.
const lead = '据报道，'.repeat(10) + '👍🏽';
const text1 = `${lead}𠮷野家：王小明说：“明年，”他补充道，“开店一百家。”`;
const text2 = 'Make it so 😀';

/** Loupe JSONL with everything other formats may lose: fragments, attributes, notes, links. */
function loupeJsonl(): string {
  const q = [at(text1, '“明年，”'), at(text1, '“开店一百家。”')];
  const doc1 = {
    title: '吉野家',
    text: text1,
    spans: [
      { id: 'org1', label: 'ORG', start: at(text1, '𠮷野家')[0], end: at(text1, '𠮷野家')[1] },
      { id: 'off1', label: 'official', start: at(text1, '王小明')[0], end: at(text1, '王小明')[1], attrs: { role: '董事长', name: '王小明' }, note: '董事长 👔' },
      { id: 'quo1', label: 'quote', start: q[0]![0], end: q[1]![1], fragments: q, attrs: { kind: 'direct' } },
    ],
    links: [
      { id: 'l1', type: 'speaker', from: 'quo1', to: 'off1' },
      { id: 'l2', type: 'works_for', from: 'off1', to: 'org1' },
    ],
  };
  // The slogan runs to the very end: no suffix; it starts at 0 in the next one: no prefix.
  const doc2 = { title: 'Plain', text: text2, spans: [{ id: 'slo1', label: 'slogan', start: 0, end: cpLength(text2) }], links: [] };
  return `${JSON.stringify(doc1)}\n${JSON.stringify(doc2)}\n`;
}

function loaded(): CorpusStore {
  const store = newStore('source');
  const report = importBatch(store, [{ name: 'loupe.jsonl', data: enc(loupeJsonl()) }]);
  expect(report.failed).toEqual([]);
  return store;
}

function run(exporter: typeof doccanoExporter, store: CorpusStore, unit: OffsetUnit) {
  const ctx = collectingContext(unit);
  const chunks = [...exporter(sourceOf(store), ctx)];
  return { chunks, text: chunks.join(''), losses: ctx.losses };
}

describe('doccano export', () => {
  it('round-trips doccano’s own file (emoji, 𠮷, a ZWJ family) through the importer and back', () => {
    const file = fs.readFileSync(path.join(fixtures, 'doccano/emoji.jsonl'), 'utf8');
    const store = newStore();
    const report = importBatch(store, [{ name: 'emoji.jsonl', data: enc(file) }]);
    expect(report.failed).toEqual([]);
    expect(report.imported.map((r) => r.format)).toEqual(['doccano', 'doccano']);
    // utf16 asked: doccano still gets code points.
    const out = run(doccanoExporter, store, 'utf16');
    const lines = out.text.trimEnd().split('\n').map((l) => JSON.parse(l) as { text: string; label: [number, number, string][] });
    const want = file.trimEnd().split('\n').map((l) => JSON.parse(l) as { text: string; label: [number, number, string][] });
    expect(lines.map((l) => [l.text, l.label])).toEqual(want.map((l) => [l.text, l.label]));
    expect(cpSlice(lines[0]!.text, lines[0]!.label[2]![0], lines[0]!.label[2]![1])).toBe('“好吃👍。”');
    // A title that is the first line of the text is no loss; the status the spans gave and the import's metadata are.
    expect([...out.losses]).toEqual([
      ['document statuses (in progress, done)', 2],
      ['document metadata (file name, source…)', 2],
    ]);
  });

  it('writes fragments as one span each, reports what it drops, and re-imports as doccano', () => {
    const source = loaded();
    const out = run(doccanoExporter, source, 'utf8');
    expect(out.chunks).toHaveLength(2); // one document per chunk
    const [first] = docs(source);
    const line = JSON.parse(out.chunks[0]!) as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(['id', 'text', 'label', 'offset_unit']);
    expect(line.id).toBe(first!.id);
    expect(line.label).toEqual([
      [...at(text1, '𠮷野家'), 'ORG'],
      [...at(text1, '王小明'), 'official'],
      [...at(text1, '“明年，”'), 'quote'],
      [...at(text1, '“开店一百家。”'), 'quote'],
    ]);
    expect([...out.losses]).toEqual([
      ['links', 2],
      ['fragmented spans written as one span per fragment', 1],
      ['attribute values', 3],
      ['span notes', 1],
      ['document titles (other than the first line of the text)', 2],
      ['document statuses (in progress, done)', 2],
      ['document metadata (file name, source…)', 2],
    ]);

    const target = newStore('target');
    const report = importBatch(target, [{ name: 'export.jsonl', data: enc(out.text) }]);
    expect(report.failed).toEqual([]);
    expect(report.imported.map((r) => r.format)).toEqual(['doccano', 'doccano']);
    const back = docs(target);
    expect(back.map((d) => d.text)).toEqual([text1, text2]);
    expect(back[0]!.spans.map((s) => [s.label, cpSlice(text1, s.start, s.end)])).toEqual([
      ['ORG', '𠮷野家'],
      ['official', '王小明'],
      ['quote', '“明年，”'],
      ['quote', '“开店一百家。”'],
    ]);
    expect(back[1]!.spans.map((s) => cpSlice(text2, s.start, s.end))).toEqual(['Make it so 😀']);
    expect(run(doccanoExporter, source, 'codepoint').text).toBe(out.text);
  });
});

interface Selector {
  type: string;
  start?: number;
  end?: number;
  exact?: string;
  prefix?: string;
  suffix?: string;
}
interface Target {
  source: string;
  selector: Selector[];
}
interface Annotation {
  id: string;
  type: string;
  motivation: string;
  body: { type: string; purpose?: string; value: string } | { type: string; purpose?: string; value: string }[];
  target: Target | Target[] | string[];
}

describe('W3C Web Annotation export', () => {
  it('writes a valid collection whose selectors (code points) slice to their quotes, with context', () => {
    const source = loaded();
    const out = run(w3cExporter, source, 'utf16');
    const collection = JSON.parse(out.text) as {
      '@context': string;
      type: string;
      label: string;
      total: number;
      first: { type: string; items: Annotation[] };
    };
    expect(collection['@context']).toBe('http://www.w3.org/ns/anno.jsonld');
    expect(collection.type).toBe('AnnotationCollection');
    expect(collection.label).toBe(source.name);
    expect(collection.first.type).toBe('AnnotationPage');
    const items = collection.first.items;
    expect(collection.total).toBe(items.length);
    expect(items).toHaveLength(4 + 2); // 4 spans, 2 links
    // The annotations name documents by URN: the documents themselves are not in the file, and the export says so.
    expect(out.losses.get('document texts, titles, statuses, notes and metadata (targets name documents by URN)')).toBe(2);

    const texts = new Map(docs(source).map((d) => [`urn:loupe:document:${d.id}`, d.text]));
    const ids = new Set(items.map((a) => a.id));
    let checked = 0;
    for (const a of items.filter((x) => x.motivation === 'tagging')) {
      expect(a.type).toBe('Annotation');
      for (const t of ([] as Target[]).concat(a.target as Target | Target[])) {
        const text = texts.get(t.source)!;
        expect(text).toBeDefined();
        const pos = t.selector.find((s) => s.type === 'TextPositionSelector')!;
        const quote = t.selector.find((s) => s.type === 'TextQuoteSelector')!;
        expect(cpSlice(text, pos.start!, pos.end!)).toBe(quote.exact);
        const prefix = cpSlice(text, Math.max(0, pos.start! - W3C_CONTEXT), pos.start!);
        const suffix = cpSlice(text, pos.end!, pos.end! + W3C_CONTEXT);
        expect(quote.prefix).toBe(prefix || undefined);
        expect(quote.suffix).toBe(suffix || undefined);
        checked++;
      }
    }
    expect(checked).toBe(5); // the fragmented quote has two targets

    const byId = (id: string) => items.find((a) => a.id === `urn:loupe:span:${id}`)!;
    const org = byId('org1');
    expect(W3C_CONTEXT).toBe(32);
    expect(cpLength((org.target as Target).selector[1]!.prefix!)).toBe(32); // cut: the lead is longer
    expect((org.target as Target).selector[1]!.prefix!.endsWith('👍🏽')).toBe(true);
    // 12 code points (13 UTF-16 units, asked for but not used).
    expect(byId('slo1').target).toMatchObject({ selector: [{ start: 0, end: 12 }, { exact: 'Make it so 😀' }] });
    expect((byId('slo1').target as Target).selector[1]).not.toHaveProperty('prefix');
    expect((byId('slo1').target as Target).selector[1]).not.toHaveProperty('suffix');
    expect(byId('off1').body).toEqual([
      { type: 'TextualBody', purpose: 'tagging', value: 'official' },
      { type: 'TextualBody', purpose: 'describing', value: 'name=王小明' },
      { type: 'TextualBody', purpose: 'describing', value: 'role=董事长' },
      { type: 'TextualBody', purpose: 'commenting', value: '董事长 👔' },
    ]);
    expect((byId('quo1').target as Target[]).map((t) => t.selector[1]!.exact)).toEqual(['“明年，”', '“开店一百家。”']);

    const links = items.filter((a) => a.motivation === 'linking');
    expect(links.map((l) => [(l.body as { value: string }).value, l.target])).toEqual([
      ['speaker', ['urn:loupe:span:quo1', 'urn:loupe:span:off1']],
      ['works_for', ['urn:loupe:span:off1', 'urn:loupe:span:org1']],
    ]);
    for (const l of links) for (const end of l.target as string[]) expect(ids.has(end)).toBe(true);
  });

  it('is deterministic, streams per document, and is valid JSON for an empty corpus', () => {
    const empty = newStore('empty');
    expect(JSON.parse(run(w3cExporter, empty, 'codepoint').text)).toMatchObject({ total: 0, first: { items: [] } });
    const source = loaded();
    const once = run(w3cExporter, source, 'codepoint');
    expect(once.chunks).toHaveLength(2 + 2); // header, two documents, footer
    expect(run(w3cExporter, source, 'utf8').text).toBe(once.text);
  });
});
