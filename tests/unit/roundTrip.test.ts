/**
 * Round trips: generated documents (astral characters, emoji with modifiers and ZWJ sequences,
 * combining marks, full-width punctuation, random overlapping and fragmented spans, attributes,
 * notes, links) exported in each format that can carry them and imported into a fresh corpus come
 * back the same — exactly for Loupe's own formats and brat, and up to each format's documented loss
 * for the others.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importBatch } from '../../src/main/services/importer';
import { exportFrom, openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import type { ExportFormat, Fragment, ImportFormat, Link, SpanInput } from '../../src/shared/types';

/** Pieces the texts are made of: each is one or more code points that belong together. */
const PIECES = ['中', '文', '𠮷', '👍🏽', '👨‍👩‍👧', 'e\u0301', '，', '。', '“', '”', 'a', 'Z', ' ', '1', '「', '」', '🇨🇳', '\t'];

interface GenDoc {
  text: string;
  spans: SpanInput[];
  links: Link[];
}

/** Code-point offsets at which a span may start or end: piece boundaries inside a paragraph. */
function docArbitrary(options: { fragments: boolean; paragraphs: boolean }): fc.Arbitrary<GenDoc> {
  const paragraph = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 12 }).map((p) => p.join('')).filter((p) => p.trim() !== '');
  return fc.array(paragraph, { minLength: 1, maxLength: options.paragraphs ? 4 : 1 }).chain((paragraphs) => {
    const text = paragraphs.join('\n');
    const length = Array.from(text).length;
    const span = fc
      .tuple(fc.integer({ min: 0, max: length - 1 }), fc.integer({ min: 1, max: 6 }), fc.constantFrom('quote', 'official', 'pledge', 'slogan'))
      .map(([start, len, label]) => ({ start, end: Math.min(length, start + len), label }));
    return fc
      .record({
        spans: fc.array(span, { maxLength: 6 }),
        split: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        linkPairs: fc.array(fc.tuple(fc.nat(5), fc.nat(5)), { maxLength: 3 }),
        kinds: fc.array(fc.constantFrom('direct', 'indirect', 'mixed', null), { minLength: 6, maxLength: 6 }),
        notes: fc.array(fc.constantFrom('', '核实', 'note “x”'), { minLength: 6, maxLength: 6 }),
      })
      .map(({ spans, split, linkPairs, kinds, notes }) => {
        const out: SpanInput[] = spans.map((s, i) => {
          const attrs: SpanInput['attrs'] = {};
          if (s.label === 'quote' && kinds[i]) attrs.kind = kinds[i]!;
          if (s.label === 'pledge') attrs.target_year = 2020 + i;
          const fragments: Fragment[] | undefined =
            options.fragments && split[i] && s.end - s.start >= 3 ? [[s.start, s.start + 1], [s.end - 1, s.end]] : undefined;
          return { id: `s${i}`, label: s.label, start: s.start, end: s.end, ...(fragments ? { fragments } : {}), attrs, note: notes[i]! };
        })
        // An import merges exact duplicates (same label, same fragments): a corpus to round-trip has none.
        .filter((s, k, all) => all.findIndex((x) => x.label === s.label && JSON.stringify(x.fragments ?? [[x.start, x.end]]) === JSON.stringify(s.fragments ?? [[s.start, s.end]])) === k);
        const byId = new Map(out.map((s) => [s.id, s]));
        const links: Link[] = [];
        linkPairs.forEach(([a, b], i) => {
          const from = byId.get(`s${a}`);
          const to = byId.get(`s${b}`);
          if (from?.label === 'quote' && to?.label === 'official' && !links.some((l) => l.from === from.id && l.to === to.id)) {
            links.push({ id: `l${i}`, type: 'speaker', from: from.id, to: to.id });
          }
        });
        return { text, spans: out, links };
      });
  });
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-roundtrip-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function freshStore(): CorpusStore {
  return openCorpusStore(path.join(dir, `c${counter++}.loupe`), { create: true });
}

/** What survives a format, in a comparable shape: texts, spans by position, links by their ends. */
function comparable(store: CorpusStore, keep: { attrs: boolean; notes: boolean; fragments: boolean; links: boolean }) {
  return [...store.documents()].map((d) => {
    const key = (id: string) => {
      const s = d.spans.find((x) => x.id === id)!;
      return `${s.label}@${s.start}-${s.end}`;
    };
    const spans = d.spans
      .flatMap((s) =>
        keep.fragments ? [{ ...s, pieces: s.fragments }] : s.fragments.map((f) => ({ ...s, start: f[0], end: f[1], pieces: [f] })),
      )
      .map((s) => ({
        label: s.label,
        start: s.start,
        end: s.end,
        pieces: s.pieces,
        ...(keep.attrs ? { attrs: Object.fromEntries(Object.entries(s.attrs).map(([k, v]) => [k, String(v)]).sort()) } : {}),
        ...(keep.notes ? { note: s.note } : {}),
      }))
      .sort((a, b) => a.start - b.start || a.end - b.end || a.label.localeCompare(b.label) || JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const links = keep.links ? d.links.map((l) => `${l.type}:${key(l.from)}->${key(l.to)}`).sort() : [];
    return { text: d.text, spans, links };
  });
}

/** Exports `store` as `format` and imports the result into a fresh corpus. */
async function roundTrip(store: CorpusStore, format: ExportFormat, importAs: ImportFormat): Promise<CorpusStore> {
  const file = path.join(dir, `export-${counter++}`);
  await exportFrom(store, { format, path: file, offsets: 'codepoint' });
  const bytes = new Uint8Array(fs.readFileSync(file));
  const files =
    format === 'brat'
      ? Object.entries(unzipSync(bytes)).map(([name, data]) => ({ name, data }))
      : [{ name: `export.${format === 'label-studio' ? 'json' : format === 'json' ? 'json' : 'jsonl'}`, data: bytes }];
  const target = freshStore();
  // Two generated documents may have the same text: both come back.
  const report = importBatch(target, files, { format: importAs, duplicates: 'import' });
  expect(report.failed).toEqual([]);
  return target;
}

const FORMATS: {
  format: ExportFormat;
  importAs: ImportFormat;
  fragments: boolean;
  /** Several paragraphs (brat splits a span at a line break, as brat itself does: see docs/formats.md). */
  paragraphs: boolean;
  keep: { attrs: boolean; notes: boolean; fragments: boolean; links: boolean };
}[] = [
  { format: 'jsonl', importAs: 'loupe-jsonl', fragments: true, paragraphs: true, keep: { attrs: true, notes: true, fragments: true, links: true } },
  { format: 'json', importAs: 'loupe-jsonl', fragments: true, paragraphs: true, keep: { attrs: true, notes: true, fragments: true, links: true } },
  { format: 'brat', importAs: 'brat', fragments: true, paragraphs: false, keep: { attrs: true, notes: true, fragments: true, links: true } },
  { format: 'label-studio', importAs: 'label-studio', fragments: false, paragraphs: true, keep: { attrs: false, notes: true, fragments: true, links: true } },
  { format: 'doccano', importAs: 'doccano', fragments: false, paragraphs: true, keep: { attrs: false, notes: false, fragments: true, links: false } },
];

describe('round trips through other tools’ formats', () => {
  for (const { format, importAs, fragments, paragraphs, keep } of FORMATS) {
    it(`${format}: export then import gives back the same documents and annotations`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(docArbitrary({ fragments, paragraphs }), { minLength: 1, maxLength: 3 }), async (docs) => {
          const source = freshStore();
          try {
            docs.forEach((d, i) =>
              source.insertDocument({
                title: `文档 ${i}`,
                text: d.text,
                // span and link ids are unique in a corpus
                spans: d.spans.map((s) => ({ ...s, id: `d${i}${s.id}` })),
                links: d.links.map((l) => ({ ...l, id: `d${i}${l.id}`, from: `d${i}${l.from}`, to: `d${i}${l.to}` })),
              }),
            );
            const target = await roundTrip(source, format, importAs);
            try {
              expect(comparable(target, keep)).toEqual(comparable(source, keep));
            } finally {
              target.close();
            }
          } finally {
            source.close();
          }
        }),
        { numRuns: 25 },
      );
    });
  }
});
