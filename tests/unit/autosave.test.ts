import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoupeApi } from '../../src/shared/contract';
import { applyTextEdit } from '../../src/shared/textEdit';
import type { SaveDocumentRequest } from '../../src/shared/types';
import { diffSnapshots, type Snapshot, snapshotVersion } from '../../src/shared/saveDiff';
import { DocumentSaver, type SaveStatus } from '../../src/renderer/state/autosave';

const span = (id: string, start: number, end: number, label = 'quote') => ({ id, label, start, end });

describe('diffSnapshots', () => {
  it('sends the text change as a splice, and only the spans that moved otherwise than it moves them', () => {
    const before: Snapshot = { text: 'abc', spans: [span('a', 0, 1), span('b', 1, 2), span('c', 2, 3)], links: [] };
    const after: Snapshot = { text: 'xabc', spans: [span('a', 0, 1), span('b', 2, 3, 'pledge'), span('d', 1, 2)], links: [] };
    expect(diffSnapshots(before, after)).toEqual({
      edit: { at: 0, remove: 0, insert: 'x' },
      // a stayed at 0 though the splice would move it to 1; b was relabelled; d is new
      upsert: [span('a', 0, 1), span('b', 2, 3, 'pledge'), span('d', 1, 2)],
      remove: ['c'],
      upsertLinks: [],
      removeLinks: [],
    });
    expect(diffSnapshots(before, before)).toEqual({ upsert: [], remove: [], upsertLinks: [], removeLinks: [] });
  });

  it('sends no span when typing moves them all as the splice does', () => {
    const text = '县委书记说：“把问题找准。”𠮷';
    const spans = [span('a', 0, 4), span('b', 6, 13), span('c', 7, 11), span('d', 13, 14)];
    const typed = `${text.slice(0, 8)}一二${text.slice(8)}`; // inside b and c
    const after: Snapshot = { text: typed, spans: [span('a', 0, 4), span('b', 6, 15), span('c', 7, 13), span('d', 15, 16)], links: [] };
    expect(diffSnapshots({ text, spans, links: [] }, after)).toEqual({
      edit: { at: 8, remove: 0, insert: '一二' },
      upsert: [],
      remove: [],
      upsertLinks: [],
      removeLinks: [],
    });
  });
});

describe('diffSnapshots of attribution', () => {
  it('sends spans whose values, note or fragments changed, and links made, changed or gone', () => {
    const q = { ...span('q', 0, 9), fragments: [[0, 3], [6, 9]] as [number, number][], attrs: { kind: 'direct' }, note: '' };
    const o = { ...span('o', 3, 5, 'official'), fragments: [[3, 5]] as [number, number][], attrs: {}, note: '' };
    const l1 = { id: 'l1', type: 'speaker', from: 'q', to: 'o' };
    const l2 = { id: 'l2', type: 'speaker', from: 'q', to: 'x' };
    const before: Snapshot = { text: 'abcdefghi', spans: [q, o], links: [l1, l2] };
    const same = diffSnapshots(before, structuredClone(before));
    expect(same).toEqual({ upsert: [], remove: [], upsertLinks: [], removeLinks: [] });
    const changed = [
      { ...q, attrs: { kind: 'indirect' } },
      { ...q, note: 'n' },
      { ...q, fragments: [[0, 3], [7, 9]] as [number, number][] },
    ];
    for (const next of changed) expect(diffSnapshots(before, { ...before, spans: [next, o] }).upsert).toEqual([next]);
    const l1b = { ...l1, type: 'pledged_by' };
    const l3 = { id: 'l3', type: 'speaker', from: 'o', to: 'q' };
    expect(diffSnapshots(before, { ...before, links: [l1b, l3] })).toMatchObject({ upsertLinks: [l1b, l3], removeLinks: ['l2'] });
  });
});

describe('DocumentSaver', () => {
  let saves: SaveDocumentRequest[];
  let statuses: SaveStatus['state'][];
  let current: Snapshot;
  let fail: Error | null = null;
  let gate: Promise<void> | null = null;
  /** Like the store: refuses a save made on a stale revision. */
  let revision = 0;
  const api = {
    saveDocument: async (req: SaveDocumentRequest) => {
      if (gate) await gate;
      if (fail) throw fail;
      if (req.baseRevision !== revision) throw Object.assign(new Error('conflict'), { reason: { key: 'error.changedElsewhere' } });
      saves.push(req);
      revision += 1;
      return { revision, status: 'in_progress', updatedAt: '' };
    },
  } as unknown as LoupeApi;

  beforeEach(() => {
    vi.useFakeTimers();
    saves = [];
    statuses = [];
    fail = null;
    gate = null;
    revision = 0;
    current = { text: 'abc', spans: [], links: [] };
  });
  afterEach(() => vi.useRealTimers());

  const make = () =>
    new DocumentSaver(api, 'c1', 7, 0, () => snapshotVersion(current), (s) => statuses.push(s.state));

  it('saves within a second even while the user keeps working, in one request per burst', async () => {
    const saver = make();
    for (let i = 0; i < 10; i++) {
      current = { text: `abc${'x'.repeat(i + 1)}`, spans: [], links: [] };
      saver.changed();
      await vi.advanceTimersByTimeAsync(100); // a keystroke every 100 ms
    }
    // 1 s of continuous typing has already produced a save (max wait), not just one at the end
    expect(saves.length).toBeGreaterThanOrEqual(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(saves.at(-1)).toEqual({ corpusId: 'c1', id: 7, baseRevision: saves.length - 1, edit: expect.any(Object), upsert: [], remove: [], upsertLinks: [], removeLinks: [] });
    // the splices, applied in order to the text the saver started from, give the text typed
    expect(saves.reduce((text, s) => (s.edit ? applyTextEdit(text, s.edit) : text), 'abc')).toBe('abcxxxxxxxxxx');
    expect(statuses.at(-1)).toBe('saved');
  });

  it('flush saves at once; a failed save is reported and retried', async () => {
    const saver = make();
    current = { text: 'abc', spans: [span('s', 0, 2)], links: [] };
    saver.changed();
    fail = new Error('disk full');
    await expect(saver.flush()).rejects.toThrow('disk full'); // callers must not walk away
    expect(statuses.at(-1)).toBe('error');
    expect(saver.hasUnsavedChanges()).toBe(true);
    fail = null;
    await vi.advanceTimersByTimeAsync(3000);
    expect(saves).toEqual([{ corpusId: 'c1', id: 7, baseRevision: 0, upsert: [span('s', 0, 2)], remove: [], upsertLinks: [], removeLinks: [] }]);
    expect(statuses.at(-1)).toBe('saved');
  });

  it('a save the store refuses as invalid is not retried: the status says why, and nothing loops', async () => {
    const saver = make();
    current = { text: 'abc', spans: [span('s', 0, 2, 'gone')], links: [] };
    saver.changed();
    fail = Object.assign(new Error('unknown label "gone"'), { code: 'invalid-argument' });
    await expect(saver.flush()).rejects.toThrow('unknown label');
    fail = null;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(saves).toEqual([]); // no retry
    expect(statuses.at(-1)).toBe('error');
    expect(saver.hasUnsavedChanges()).toBe(true);
  });

  it('flush saves at once, without waiting for the debounce', async () => {
    const saver = make();
    current = { text: 'abcd', spans: [], links: [] };
    saver.changed();
    await saver.flush(); // no timer advanced
    expect(saves).toHaveLength(1);
  });

  it('a change made while a save is in flight is saved next, on the new revision', async () => {
    const saver = make();
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    current = { text: 'abc1', spans: [], links: [] };
    saver.changed();
    const first = saver.flush();
    current = { text: 'abc12', spans: [], links: [] };
    saver.changed();
    open();
    gate = null;
    await first;
    await saver.flush();
    expect(saves.map((s) => [s.baseRevision, s.edit])).toEqual([
      [0, { at: 3, remove: 0, insert: '1' }],
      [1, { at: 4, remove: 0, insert: '2' }],
    ]);
  });

  it('retries a save refused because another process was writing to the corpus', async () => {
    const saver = make();
    current = { text: 'abc', spans: [span('s', 0, 2)], links: [] };
    saver.changed();
    fail = Object.assign(new Error('the corpus is busy'), { code: 'conflict', reason: { key: 'error.busy' } });
    await expect(saver.flush()).rejects.toThrow('busy');
    fail = null;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(saves).toHaveLength(1);
    expect(statuses.at(-1)).toBe('saved');
  });

  it('does not retry a conflict (it cannot heal), but keeps the changes unsaved', async () => {
    const saver = make();
    revision = 5; // another window saved meanwhile
    current = { text: 'mine', spans: [], links: [] };
    saver.changed();
    await expect(saver.flush()).rejects.toThrow();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(saves).toEqual([]);
    expect(statuses.filter((s) => s === 'saving')).toHaveLength(1);
    expect(saver.hasUnsavedChanges()).toBe(true);
  });
});
