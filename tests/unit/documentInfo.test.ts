/**
 * A document's note, status and title are saved like its text: on the revision the window has, and
 * refused with "changed elsewhere" when another window saved the document since, so a stale window
 * never overwrites a newer note. Two windows are two clients of one service, each saving through the
 * renderer's own saver.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, parseArgs, type LoupeApi } from '../../src/shared/contract';
import { createLoupeService, type LoupeService } from '../../src/main/services/loupeService';
import { DocumentSaver, saveDocumentInfo } from '../../src/renderer/state/autosave';
import { type Snapshot, snapshotVersion } from '../../src/shared/saveDiff';

let dir: string;
let service: LoupeService;
let corpusId: string;
let docId: number;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-info-'));
  service = createLoupeService({ dataDir: dir, corpusPath: path.join(dir, 'c.loupe'), backups: false });
  corpusId = (await service.corpusInfo({})).id;
  const report = await service.importFiles({ files: [{ name: 'a.txt', data: new TextEncoder().encode('晋中两会\n赵书记说好。') }] });
  docId = report.imported[0]!.documentId;
});
afterEach(() => {
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A window: it opens the document and saves through the renderer's saver, as App does. */
async function openWindow(api: LoupeApi = service) {
  const doc = await api.getDocument({ id: docId });
  let snapshot: Snapshot = { text: doc.text, spans: [], links: [] };
  const saver = new DocumentSaver(api, corpusId, doc.id, doc.revision, () => snapshotVersion(snapshot), () => undefined);
  return {
    saver,
    type: async (text: string) => {
      snapshot = { ...snapshot, text };
      saver.changed();
      await saver.flush();
    },
    info: (change: { title?: string; status?: 'new' | 'in_progress' | 'done'; note?: string }) =>
      saveDocumentInfo(api, corpusId, doc.id, saver, change),
  };
}

const stored = () => service.getDocument({ id: docId });

describe('note, status and title saves', () => {
  it('from a stale window are refused as "changed elsewhere", and the newer note stays', async () => {
    const a = await openWindow();
    const b = await openWindow();
    await a.info({ note: 'checked against the print edition' });
    const refused = await b.info({ note: 'an older note' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'conflict', reason: { key: 'error.changedElsewhere', params: { title: '晋中两会' } } });
    expect((await stored()).note).toBe('checked against the print edition');

    await expect(b.info({ status: 'done' })).rejects.toMatchObject({ reason: { key: 'error.changedElsewhere' } });
    await expect(b.info({ title: 'stale title' })).rejects.toMatchObject({ reason: { key: 'error.changedElsewhere' } });
    expect(await stored()).toMatchObject({ note: 'checked against the print edition', status: 'new', title: '晋中两会' });

    // A window behind a note save cannot save its text over it either: it reopens first.
    await expect(b.type('晋中两会\n赵书记说很好。')).rejects.toThrow(/changed in another window|changed elsewhere/);
    expect((await stored()).text).toBe('晋中两会\n赵书记说好。');
  });

  it('a status saved in one window is not undone by a note saved in another that had not seen it', async () => {
    const a = await openWindow();
    const b = await openWindow();
    await a.info({ status: 'done' });
    await expect(b.info({ note: 'n' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await stored()).toMatchObject({ status: 'done', note: '' });
  });

  it('in one window, interleave with its text saves without refusing each other', async () => {
    const a = await openWindow();
    await a.type('晋中两会\n赵书记说很好。');
    await a.info({ note: 'first' });
    await a.type('晋中两会\n赵书记说很好很好。');
    await a.info({ status: 'done' });
    await a.info({ title: '晋中两会（修订）' });
    await a.type('晋中两会\n赵书记说很好很好！');
    expect(await stored()).toMatchObject({ text: '晋中两会\n赵书记说很好很好！', note: 'first', status: 'done', title: '晋中两会（修订）' });
    // Each save moved the revision on: a window opened before all of them is behind.
    const before = await stored();
    expect(before.revision).toBeGreaterThanOrEqual(6);
  });

  it('renaming a document that is not open is refused when its title changed since the list showed it', async () => {
    const other = await openWindow();
    await other.info({ title: 'renamed elsewhere' });
    // This window's list still shows the old title; it has no saver for the document.
    await expect(saveDocumentInfo(service, corpusId, docId, null, { title: 'mine' }, { shownTitle: '晋中两会' })).rejects.toMatchObject({
      reason: { key: 'error.changedElsewhere' },
    });
    expect((await stored()).title).toBe('renamed elsewhere');
    await saveDocumentInfo(service, corpusId, docId, null, { title: 'mine' }, { shownTitle: 'renamed elsewhere' });
    expect((await stored()).title).toBe('mine');
  });

  it('need a base revision at the API boundary, like text saves', () => {
    expect(() => parseArgs('saveDocument', { corpusId, id: docId, note: 'n', upsert: [], remove: [] })).toThrow(/saveDocument: invalid argument \(baseRevision: required\)/);
    expect(() => parseArgs('saveDocument', { corpusId, id: docId, title: 't', upsert: [], remove: [] })).toThrow(/baseRevision: required/);
  });
});
