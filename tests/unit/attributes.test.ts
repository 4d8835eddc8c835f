import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBridge } from '../../src/main/bridge/server';
import { createLoupeService, type LoupeService } from '../../src/main/services/loupeService';
import { ApiError } from '../../src/shared/contract';
import type { OpenedDocument, SpanAttrs } from '../../src/shared/types';

let dir: string;
let service: LoupeService;
let corpusId: string;
let doc: OpenedDocument;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-attrs-'));
  service = createLoupeService({ dataDir: dir, corpusPath: path.join(dir, 'c.loupe') });
  corpusId = (await service.corpusInfo({})).id;
  const report = await service.importFiles({
    files: [{ name: 'a.txt', data: new TextEncoder().encode('赵书记表示,“我们会坚持”。\n他承诺2030年前完成。') }],
  });
  doc = await service.getDocument({ id: report.imported[0]!.documentId });
});
afterEach(() => {
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Saves one span with `attrs` on the document as loaded. */
const saveSpan = (label: string, attrs: SpanAttrs, id = 's1') =>
  service.saveDocument({ corpusId, id: doc.id, baseRevision: doc.revision, upsert: [{ id, label, start: 0, end: 3, attrs }], remove: [] });

/** The error a call rejected with. */
async function refusal(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('attribute values at the API boundary', () => {
  it('refuse a choice outside its options, naming the attribute and the allowed values, and write nothing', async () => {
    const error = await refusal(saveSpan('quote', { kind: 'shouted' }));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain('attribute “kind” of “quote” must be one of “direct”, “indirect”, “mixed” (got "shouted")');
    expect(error.message).toContain('s1');
    expect(await service.getDocument({ id: doc.id })).toEqual(doc);
  });

  it('refuse a value of the wrong type and an attribute the label does not have', async () => {
    const flag = await refusal(saveSpan('pledge', { measurable: 'yes' }));
    expect(flag).toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('attribute “measurable” of “pledge” must be true or false (got "yes")') });
    const nan = await refusal(saveSpan('pledge', { target_year: Number.NaN }));
    expect(nan).toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('attribute “target_year” of “pledge” must be a number') });
    const text = await refusal(saveSpan('official', { name: 42 }));
    expect(text.message).toContain('attribute “name” of “official” must be text (got 42)');
    const unknown = await refusal(saveSpan('quote', { speaker: '赵' }));
    expect(unknown).toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('label “quote” has no attribute “speaker”') });
    expect(await service.getDocument({ id: doc.id })).toEqual(doc);
  });

  it('keep valid values, keep them when a save leaves attrs out, and refuse a bad change to a stored span', async () => {
    const first = await saveSpan('pledge', { measurable: true, target_year: 2030 });
    const stored = () => service.getDocument({ id: doc.id }).then((d) => d.spans[0]!.attrs);
    expect(await stored()).toEqual({ measurable: true, target_year: 2030 });
    const moved = await service.saveDocument({
      corpusId,
      id: doc.id,
      baseRevision: first.revision,
      upsert: [{ id: 's1', label: 'pledge', start: 1, end: 3 }],
      remove: [],
    });
    expect(await stored()).toEqual({ measurable: true, target_year: 2030 });
    const error = await refusal(
      service.saveDocument({
        corpusId,
        id: doc.id,
        baseRevision: moved.revision,
        upsert: [{ id: 's1', label: 'pledge', start: 1, end: 3, attrs: { measurable: 1 } }],
        remove: [],
      }),
    );
    expect(error.message).toContain('“measurable” of “pledge” must be true or false (got 1)');
    expect(await stored()).toEqual({ measurable: true, target_year: 2030 });
    // A relabel that keeps values the new label does not declare is refused too.
    const relabel = await refusal(
      service.saveDocument({ corpusId, id: doc.id, baseRevision: moved.revision, upsert: [{ id: 's1', label: 'quote', start: 1, end: 3 }], remove: [] }),
    );
    expect(relabel.message).toContain('label “quote” has no attribute “measurable”');
  });

  it('refuse an empty choice: no value is an absent key, not ""', async () => {
    const error = await refusal(saveSpan('quote', { kind: '' }));
    expect(error.message).toContain('must be one of “direct”, “indirect”, “mixed” (got "")');
    await saveSpan('quote', {});
    expect((await service.getDocument({ id: doc.id })).spans[0]!.attrs).toEqual({});
  });
});

describe('attribute values over the loopback bridge', () => {
  it('refuse NaN (sent as null by JSON) and a string for a number with a 400 naming the field', async () => {
    const staticDir = path.join(dir, 'renderer');
    fs.mkdirSync(staticDir);
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Loupe</title>');
    const bridge = await startBridge({ service, staticDir });
    try {
      const call = (attrs: Record<string, unknown>) =>
        fetch(`http://127.0.0.1:${bridge.port}/api/saveDocument`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.token}` },
          body: JSON.stringify({
            corpusId,
            id: doc.id,
            baseRevision: doc.revision,
            upsert: [{ id: 's1', label: 'pledge', start: 0, end: 3, attrs }],
            remove: [],
          }),
        });
      const nan = await call({ target_year: Number.NaN });
      expect(nan.status).toBe(400);
      const nanBody = (await nan.json()) as { ok: boolean; error: { code: string; message: string } };
      expect(nanBody.ok).toBe(false);
      expect(nanBody.error.code).toBe('invalid-argument');
      expect(nanBody.error.message).toMatch(/saveDocument: invalid argument \(upsert\.0\.attrs\.target_year/);
      const text = await call({ target_year: '2030' });
      expect(text.status).toBe(400);
      expect(((await text.json()) as { error: { message: string } }).error.message).toContain(
        'attribute “target_year” of “pledge” must be a number (got "2030")',
      );
      expect(await service.getDocument({ id: doc.id })).toEqual(doc);
      const ok = await call({ target_year: 2030, measurable: true });
      expect(ok.status).toBe(200);
      expect((await service.getDocument({ id: doc.id })).spans[0]!.attrs).toEqual({ target_year: 2030, measurable: true });
    } finally {
      await bridge.close();
    }
  });
});
