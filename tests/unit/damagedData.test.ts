/**
 * A corpus can pass SQLite's integrity check and still hold what Loupe cannot use: a span outside its
 * text, span data or attribute definitions that are not the JSON they should be (another program
 * wrote them, or a bug did). Loupe opens it, says what is wrong, shows the rest, and changes nothing
 * of what it left out.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoupeService, type LoupeService } from '../../src/main/services/loupeService';
import { FIXTURES } from '../fixturePaths';

let dir: string;
let service: LoupeService;
let corpus: string;
let docId: number;

/** A corpus holding the tagged tricky-offsets document, then damaged behind Loupe's back. */
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-damaged-'));
  corpus = path.join(dir, 'damaged.loupe');
  service = createLoupeService({ dataDir: path.join(dir, 'data') });
  await service.createCorpus({ path: corpus });
  const report = await service.importFiles({
    files: [{ name: 'tricky-tagged.jsonl', data: new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'ui-fuzz/tricky-tagged.jsonl'))) }],
  });
  docId = report.imported[0]!.documentId;
  service.close();
  const db = new Database(corpus);
  db.prepare("UPDATE spans SET end_cp = 5000 WHERE id = 's1'").run(); // s1 has a speaker link
  db.prepare("UPDATE spans SET attrs = '[1,2]' WHERE id = 's2'").run(); // JSON, but not an object of values
  db.prepare(
    `UPDATE labels SET attributes = '[{"name":"kind","kind":"choice","options":"direct","default":null,"description":""}]' WHERE name = 'quote'`,
  ).run();
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
  service = createLoupeService({ dataDir: path.join(dir, 'data') });
});
afterEach(() => {
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const hash = () => crypto.createHash('sha256').update(fs.readFileSync(corpus)).digest('hex');

describe('a corpus with damaged data', () => {
  it('opens, and says what is wrong with its schema', async () => {
    const info = await service.openCorpus({ path: corpus });
    expect(info.problems).toEqual([
      'the options of attribute “kind” of label “quote” are not a list of names',
      'the choice “kind” of “quote” needs at least one option',
    ]);
    expect(info.labels.find((l) => l.name === 'quote')!.attributes[0]).toMatchObject({ name: 'kind', kind: 'choice', options: [] });
  });

  it('opens the document without what the editor cannot draw, names it, and leaves it in the file', async () => {
    await service.openCorpus({ path: corpus });
    const before = hash();
    const doc = await service.getDocument({ id: docId });
    expect(doc.spans.map((s) => s.id)).not.toContain('s1');
    expect(doc.spans).toHaveLength(12);
    expect(doc.links.map((l) => l.id).sort()).toEqual(['l2', 'l3']);
    expect(doc.problems).toEqual([
      'span s2 (official): its attribute values cannot be read ([1,2]); shown without them',
      'span s1 (quote): [22, 5000) lies outside the text (233 characters)',
      'link l1 (speaker) joins a span left out',
    ]);
    expect(hash()).toBe(before);
  });

  it('saves edits to the rest of the document and keeps what it left out', async () => {
    const info = await service.openCorpus({ path: corpus });
    const doc = await service.getDocument({ id: docId });
    const s4 = doc.spans.find((s) => s.id === 's4')!;
    await service.saveDocument({ corpusId: info.id, id: docId, baseRevision: doc.revision, edit: { at: 0, remove: 0, insert: '¶' }, upsert: [], remove: [] });
    const again = await service.getDocument({ id: docId });
    expect(again.spans.find((s) => s.id === 's4')).toMatchObject({ start: s4.start + 1, end: s4.end + 1 });
    const db = new Database(corpus, { readonly: true });
    expect(db.prepare("SELECT id FROM spans WHERE id = 's1'").all()).toEqual([{ id: 's1' }]);
    expect(db.prepare("SELECT id FROM links WHERE id = 'l1'").all()).toEqual([{ id: 'l1' }]);
    db.close();
  });
});

describe('a sound document', () => {
  it('opens with no problems field at all', async () => {
    await service.openCorpus({ path: corpus });
    const docs = await service.listDocuments({});
    const sound = (await service.importFiles({ files: [{ name: 'a.txt', data: new TextEncoder().encode('标题\n正文。') }] })).imported[0]!.documentId;
    expect(docs.length).toBeGreaterThan(0);
    expect('problems' in (await service.getDocument({ id: sound }))).toBe(false);
  });
});

describe('span data of another shape', () => {
  it('does not stop text edits, schema changes or the document from opening', async () => {
    const db = new Database(corpus);
    db.prepare(`UPDATE spans SET fragments = '{"a":1}' WHERE id = 's3'`).run();
    db.prepare(`UPDATE documents SET meta = '[1]' WHERE id = ?`).run(docId);
    db.close();
    const info = await service.openCorpus({ path: corpus });
    const doc = await service.getDocument({ id: docId });
    expect(doc.meta).toEqual({});
    expect(doc.problems).toContain('span s3 (slogan): its fragments cannot be read ({"a":1}); shown whole');
    // Typing before the span moves it whole; its stored fragments stay as they were.
    await service.saveDocument({ corpusId: info.id, id: docId, baseRevision: doc.revision, edit: { at: 0, remove: 0, insert: '¶' }, upsert: [], remove: [] });
    const check = new Database(corpus, { readonly: true });
    expect(check.prepare("SELECT start_cp, end_cp, fragments FROM spans WHERE id = 's3'").get()).toEqual({ start_cp: 26, end_cp: 32, fragments: '{"a":1}' });
    check.close();
    // Renaming the label of a span whose values are of another shape (s2's, above) goes through.
    const schema = info.labels.map((l) => ({ ...l, was: l.name, name: l.name === 'official' ? 'speaker' : l.name, attributes: l.attributes.map((a) => ({ ...a, was: a.name })) }));
    const options = info.labels.find((l) => l.name === 'quote')!.attributes[0]!;
    options.options = ['direct']; // mends the choice too
    const result = await service.updateSchema({
      corpusId: info.id,
      schema: { labels: schema.map((l) => (l.name === 'quote' ? { ...l, attributes: [{ ...options, was: 'kind' }] } : l)), linkTypes: info.linkTypes.map((t) => ({ ...t, was: t.name, from: t.from.map((n) => (n === 'official' ? 'speaker' : n)), to: t.to.map((n) => (n === 'official' ? 'speaker' : n)) })) },
      confirmDeletes: true,
    });
    expect(result.applied).toBe(true);
    expect(result.corpus.problems).toEqual([]);
  });
});
