/**
 * Annotators' layers (issue 15): several people's spans of the same document side by side in one
 * corpus file. Each person reads and saves their own layer; the text is shared, so fixing a typo moves
 * everyone's spans; nobody changes another's spans or links; spans made before annotators were
 * recorded become the app user's. And an annotator's name comes from the settings (asked once).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corpusAgreement } from '../../src/main/services/agreement';
import { createLoupeService, openCorpusStore } from '../../src/main/services/loupeService';
import { systemAnnotator } from '../../src/main/services/settingsStore';
import { LOUPE_APPLICATION_ID } from '../../src/main/store/database';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { ApiError } from '../../src/shared/contract';

const TEXT = '县委书记在会上说：“今年我们要把问题找准，把责任压实。”';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-layers-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('layers in the store', () => {
  it('each annotator reads and saves their own layer; identical spans of two layers are both kept', () => {
    const store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
    try {
      store.annotator = '王芳';
      const id = store.insertDocument({ title: 't', text: TEXT, spans: [{ id: 'w1', label: 'official', start: 0, end: 4 }] });
      store.annotator = 'li';
      expect(store.getDocument(id, [], 'li').spans).toEqual([]);
      expect(store.listDocuments()[0]!.spanCount).toBe(0);
      // The same span as 王芳's: not a duplicate, another person's reading.
      store.saveDocument({ id, upsert: [{ id: 'l1', label: 'official', start: 0, end: 4 }, { id: 'l2', label: 'quote', start: 9, end: 26 }], remove: [] });
      expect(store.getDocument(id, [], 'li').spans.map((s) => [s.id, s.annotator])).toEqual([['l1', 'li'], ['l2', 'li']]);
      expect(store.getDocument(id, [], '王芳').spans.map((s) => s.id)).toEqual(['w1']);
      expect(store.getDocument(id).spans.map((s) => s.id).sort()).toEqual(['l1', 'l2', 'w1']); // no layer: all
      expect(store.layersOf(id)).toEqual([{ annotator: 'li', spans: 2 }, { annotator: '王芳', spans: 1 }]);
      // Within one layer, an exact copy is still refused.
      expect(() => store.saveDocument({ id, upsert: [{ id: 'l3', label: 'official', start: 0, end: 4 }], remove: [] })).toThrow(/exact duplicate of span l1/);
    } finally {
      store.close();
    }
  });

  it('nobody changes, removes or links to another annotator’s spans; a text change moves every layer', () => {
    const store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
    try {
      store.annotator = '王芳';
      const id = store.insertDocument({ title: 't', text: TEXT, spans: [{ id: 'w1', label: 'official', start: 0, end: 4 }, { id: 'w2', label: 'quote', start: 9, end: 26 }] });
      store.annotator = 'li';
      store.saveDocument({ id, upsert: [{ id: 'l1', label: 'quote', start: 9, end: 26 }], remove: [] });
      expect(() => store.saveDocument({ id, upsert: [{ id: 'w1', label: 'quote', start: 0, end: 4 }], remove: [] })).toThrow(/in 王芳’s layer, not li’s/);
      store.saveDocument({ id, upsert: [], remove: ['w2'] }); // not li's: stays
      expect(store.getDocument(id, [], '王芳').spans.map((s) => s.id)).toEqual(['w1', 'w2']);
      expect(() => store.saveDocument({ id, upsert: [], remove: [], upsertLinks: [{ id: 'x', type: 'speaker', from: 'l1', to: 'w1' }] })).toThrow(/two annotators’ layers/);
      expect(() => store.saveDocument({ id, upsert: [], remove: [], upsertLinks: [{ id: 'x', type: 'speaker', from: 'w2', to: 'w1' }] })).toThrow(/王芳’s layer, not li’s/);
      // li fixes the text before everything: every layer's spans move with it.
      store.saveDocument({ id, edit: { at: 0, remove: 0, insert: '昨天，' }, upsert: [], remove: [] });
      const all = store.getDocument(id);
      expect(all.spans.map((s) => [s.id, s.start, s.end])).toEqual([['w1', 3, 7], ['l1', 12, 29], ['w2', 12, 29]]);
      for (const s of all.spans) expect(all.text.slice(s.start, s.end)).toBe(TEXT.slice(s.start - 3, s.end - 3));
    } finally {
      store.close();
    }
  });

  it('a link belongs to its spans’ layer', () => {
    const store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
    try {
      store.annotator = 'li';
      const id = store.insertDocument({
        title: 't',
        text: TEXT,
        spans: [{ id: 'o', label: 'official', start: 0, end: 4 }, { id: 'q', label: 'quote', start: 9, end: 26 }],
        links: [{ id: 'k', type: 'speaker', from: 'q', to: 'o' }],
      });
      expect(store.db.prepare('SELECT annotator FROM links').all()).toEqual([{ annotator: 'li' }]);
      expect(store.getDocument(id, [], 'li').links).toHaveLength(1);
      expect(store.getDocument(id, [], 'sam').links).toHaveLength(0);
    } finally {
      store.close();
    }
  });

  it('a corpus of schema 3 with annotated spans gains layers and its links their annotator', () => {
    const file = path.join(dir, 'v3.loupe');
    const db = new Database(file);
    for (const m of MIGRATIONS.slice(0, 3)) db.exec(m.up);
    db.pragma('user_version = 3');
    db.pragma(`application_id = ${LOUPE_APPLICATION_ID}`);
    db.exec(`INSERT INTO labels (name, color, hotkey, description, attributes, position) VALUES ('quote', '#d9480f', '1', '', '[]', 0);
      INSERT INTO link_types (name, from_labels, to_labels, color, description, position) VALUES ('said_by', '[]', '[]', '#000000', '', 0);
      INSERT INTO documents (id, title, text, created_at, updated_at) VALUES (1, 't', '${TEXT}', 'x', 'x');
      INSERT INTO spans (id, document_id, label, start_cp, end_cp, annotator, created_at, updated_at) VALUES
        ('a', 1, 'quote', 0, 4, 'ann', '2026-01-01', '2026-01-02'), ('b', 1, 'quote', 5, 8, 'ann', '2026-01-01', '2026-01-03'), ('c', 1, 'quote', 9, 12, NULL, 'x', 'x');
      INSERT INTO links (id, document_id, type, from_span, to_span, created_at) VALUES ('k', 1, 'said_by', 'a', 'b', 'x');`);
    db.close();
    const store = openCorpusStore(file, { create: false });
    try {
      expect(store.layersOf(1)).toEqual([{ annotator: 'ann', spans: 2 }]);
      expect(store.db.prepare('SELECT annotator FROM links').get()).toEqual({ annotator: 'ann' });
      expect(store.adoptUnattributed('me')).toBe(1);
      expect(store.layersOf(1)).toEqual([{ annotator: 'ann', spans: 2 }, { annotator: 'me', spans: 1 }]);
    } finally {
      store.close();
    }
  });

  it('agreement counts a recorded layer with no span as annotated (nothing to tag), not as missing', () => {
    const store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
    try {
      store.annotator = 'a';
      const one = store.insertDocument({ title: '1', text: TEXT, spans: [{ id: 'a1', label: 'quote', start: 9, end: 26 }] });
      const two = store.insertDocument({ title: '2', text: TEXT, spans: [{ id: 'a2', label: 'quote', start: 9, end: 26 }] });
      store.annotator = 'b';
      store.saveDocument({ id: one, upsert: [{ id: 'b1', label: 'quote', start: 9, end: 26 }], remove: [] });
      expect(corpusAgreement(store).report.documents).toBe(1);
      // b read document 2 and removed the one span they had made: their layer is there, empty.
      store.saveDocument({ id: two, upsert: [{ id: 'b2', label: 'quote', start: 0, end: 2 }], remove: [] });
      store.saveDocument({ id: two, upsert: [], remove: ['b2'] });
      const { report } = corpusAgreement(store);
      expect(report.documents).toBe(2);
      expect(report.spans.pairs[0]!.exact).toMatchObject({ spansA: 2, spansB: 1, foundA: 1, foundB: 1 });
    } finally {
      store.close();
    }
  });
});

describe('the app user’s layer', () => {
  it('is named by the settings (the computer’s user until chosen), takes over unattributed spans, and switches with the name', async () => {
    const corpus = path.join(dir, 'c.loupe');
    const seed = openCorpusStore(corpus, { create: true });
    seed.insertDocument({ title: 'old', text: TEXT, spans: [{ id: 'old1', label: 'quote', start: 9, end: 26 }] });
    seed.close();
    const service = createLoupeService({ dataDir: path.join(dir, 'data'), corpusPath: corpus, backups: false });
    try {
      const settings = await service.getSettings({});
      expect(settings).toMatchObject({ annotator: systemAnnotator(), annotatorChosen: false });
      const [doc] = await service.listDocuments({});
      const opened = await service.getDocument({ id: doc!.id });
      expect(opened.spans.map((s) => s.id)).toEqual(['old1']); // adopted: the user's own
      await expect(service.updateSettings({ annotator: '  ' })).rejects.toBeInstanceOf(ApiError);
      expect(await service.updateSettings({ annotator: ' 王芳 ' })).toMatchObject({ annotator: '王芳', annotatorChosen: true });
      expect((await service.getDocument({ id: doc!.id })).spans).toEqual([]);
      expect((await service.listDocuments({}))[0]!.spanCount).toBe(0);
      const { revision } = await service.getDocument({ id: doc!.id });
      const info = await service.corpusInfo({});
      await service.saveDocument({ corpusId: info.id, id: doc!.id, baseRevision: revision, upsert: [{ id: 'w1', label: 'quote', start: 9, end: 26 }], remove: [] });
      expect((await service.getDocument({ id: doc!.id })).spans.map((s) => s.id)).toEqual(['w1']);
      // Another annotator's layer, to read; and who has a layer of the document.
      const theirs = await service.getDocument({ id: doc!.id, layer: systemAnnotator() });
      expect(theirs.spans.map((s) => s.id)).toEqual(['old1']);
      expect(theirs.layer).toBe(systemAnnotator());
      expect(theirs.layers).toEqual(expect.arrayContaining([{ annotator: systemAnnotator(), spans: 1 }, { annotator: '王芳', spans: 1 }]));
      // Agreement between them, as View › Agreement asks for it; one annotator alone has none.
      const summary = await service.agreement({});
      expect(summary.annotators.map((a) => a.name).sort()).toEqual([systemAnnotator(), '王芳'].sort());
      expect(summary.report?.documents).toBe(1);
      expect(summary.disagreements).toBe(0); // both tagged the same quote
      expect(summary.report?.spans.pairs[0]?.exact.f1).toBe(1);
      expect((await service.agreement({ annotators: ['王芳'] })).report).toBeNull();
      await expect(service.agreement({ annotators: ['王芳', 'nobody'] })).rejects.toThrow(/no spans by "nobody"/);
    } finally {
      service.close();
    }
    const store = openCorpusStore(corpus, { create: false });
    try {
      expect(store.getDocument(1).spans.map((s) => [s.id, s.annotator])).toEqual([['old1', systemAnnotator()], ['w1', '王芳']]);
    } finally {
      store.close();
    }
    // The name is kept for the next start.
    const again = createLoupeService({ dataDir: path.join(dir, 'data'), corpusPath: corpus, backups: false });
    try {
      expect(await again.getSettings({})).toMatchObject({ annotator: '王芳', annotatorChosen: true });
    } finally {
      again.close();
    }
  });
});
