import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newId, PLAIN_ID, setIdSource } from '../../src/shared/ids';
import { importBatch } from '../../src/main/services/importer';
import { openCorpusStore } from '../../src/main/services/loupeService';

afterEach(() => setIdSource(null));

describe('ids', () => {
  it('never start with a character a spreadsheet reads as a formula, and are all different', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(ids.filter((id) => /^[-=+@]/.test(id))).toEqual([]);
    expect(ids.every((id) => PLAIN_ID.test(id) && id.length === 16)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('come from an injected source in tests, so a random walk replays', () => {
    let n = 0;
    setIdSource(() => `t${++n}`);
    expect([newId(), newId()]).toEqual(['t1', 't2']);
    setIdSource(null);
    expect(newId()).toMatch(/^[A-Za-z]/);
  });

  it('an imported span or link id that starts like a formula is replaced; plain ids are kept', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-ids-'));
    const store = openCorpusStore(path.join(dir, 'c.loupe'), { create: true });
    const line = JSON.stringify({
      text: '市长说：发展。',
      spans: [
        { id: '-bad', label: 'quote', start: 0, end: 2 },
        { id: 'T2', label: 'official', start: 3, end: 5 },
      ],
      links: [{ id: '=L1', type: 'speaker', from: '-bad', to: 'T2' }],
    });
    const report = importBatch(store, [{ name: 'a.jsonl', data: new TextEncoder().encode(line) }]);
    expect(report.failed).toEqual([]);
    const doc = store.getDocument(report.imported[0]!.documentId);
    const ids = doc.spans.map((s) => s.id);
    expect(ids).toContain('T2');
    expect(ids.some((id) => /^[-=+@]/.test(id))).toBe(false);
    expect(doc.links).toHaveLength(1);
    expect(doc.links[0]!.id).not.toMatch(/^[-=+@]/);
    expect(doc.links[0]!.to).toBe('T2');
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
