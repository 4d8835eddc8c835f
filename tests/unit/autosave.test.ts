import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoupeApi } from '../../src/shared/contract';
import type { SaveDocumentRequest } from '../../src/shared/types';
import { diffSnapshots, DocumentSaver, type SaveStatus, type Snapshot } from '../../src/renderer/state/autosave';

const span = (id: string, start: number, end: number, label = 'quote') => ({ id, label, start, end });

describe('diffSnapshots', () => {
  it('sends the text only when it changed, and only the spans that changed', () => {
    const before: Snapshot = { text: 'abc', spans: [span('a', 0, 1), span('b', 1, 2), span('c', 2, 3)] };
    const after: Snapshot = { text: 'xabc', spans: [span('a', 0, 1), span('b', 2, 3, 'pledge'), span('d', 1, 2)] };
    expect(diffSnapshots(before, after)).toEqual({
      text: 'xabc',
      upsert: [span('b', 2, 3, 'pledge'), span('d', 1, 2)],
      remove: ['c'],
    });
    expect(diffSnapshots(before, before)).toEqual({ upsert: [], remove: [] });
  });
});

describe('DocumentSaver', () => {
  let saves: SaveDocumentRequest[];
  let statuses: SaveStatus['state'][];
  let current: Snapshot;
  let fail = false;
  const api = {
    saveDocument: async (req: SaveDocumentRequest) => {
      if (fail) throw new Error('disk full');
      saves.push(req);
      return { revision: saves.length, updatedAt: '' };
    },
  } as unknown as LoupeApi;

  beforeEach(() => {
    vi.useFakeTimers();
    saves = [];
    statuses = [];
    fail = false;
    current = { text: 'abc', spans: [] };
  });
  afterEach(() => vi.useRealTimers());

  const make = () =>
    new DocumentSaver(api, 'c1', 7, 0, { text: 'abc', spans: [] }, () => current, (s) => statuses.push(s.state));

  it('saves within a second even while the user keeps working, in one request per burst', async () => {
    const saver = make();
    for (let i = 0; i < 10; i++) {
      current = { text: `abc${'x'.repeat(i + 1)}`, spans: [] };
      saver.changed();
      await vi.advanceTimersByTimeAsync(100); // a keystroke every 100 ms
    }
    // 1 s of continuous typing has already produced a save (max wait), not just one at the end
    expect(saves.length).toBeGreaterThanOrEqual(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(saves.at(-1)).toEqual({ corpusId: 'c1', id: 7, baseRevision: saves.length - 1, text: 'abcxxxxxxxxxx', upsert: [], remove: [] });
    expect(statuses.at(-1)).toBe('saved');
  });

  it('flush saves at once; a failed save is reported and retried', async () => {
    const saver = make();
    current = { text: 'abc', spans: [span('s', 0, 2)] };
    saver.changed();
    fail = true;
    await expect(saver.flush()).rejects.toThrow('disk full'); // callers must not walk away
    expect(statuses.at(-1)).toBe('error');
    expect(saver.hasUnsavedChanges()).toBe(true);
    fail = false;
    await vi.advanceTimersByTimeAsync(3000);
    expect(saves).toEqual([{ corpusId: 'c1', id: 7, baseRevision: 0, upsert: [span('s', 0, 2)], remove: [] }]);
    expect(statuses.at(-1)).toBe('saved');
  });
});
