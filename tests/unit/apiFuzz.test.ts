import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBridge } from '../../src/main/bridge/server';
import { createLoupeService, type LoupeService } from '../../src/main/services/loupeService';
import { CorpusStore } from '../../src/main/store/corpusStore';
import { API_METHODS, ApiError, parseArgs } from '../../src/shared/contract';
import { fuzzApi } from '../reliability/apiFuzz';

const SEED = 20261126;
const ROUNDS = 40;

describe('API fuzzing', () => {
  it(`refuses malformed arguments clearly, changes nothing when it refuses, and keeps answering (seed ${SEED}, ${ROUNDS} rounds)`, async () => {
    const report = await fuzzApi({ seed: SEED, rounds: ROUNDS });
    expect(report.failures).toEqual([]);
    // Not a vacuous pass: every method was tried, most inputs refused, some taken.
    for (const method of API_METHODS) expect(Object.keys(report.byKind).some((k) => k.startsWith(`${method}/`))).toBe(true);
    expect(Object.keys(report.byKind).some((k) => k.startsWith('bridge:'))).toBe(true);
    expect(report.inputs).toBeGreaterThan(ROUNDS * API_METHODS.length);
    expect(report.rejectedClearly).toBeGreaterThan(report.inputs / 2);
    expect(report.accepted).toBeGreaterThan(0);
  }, 120_000);
});

/** The message of the ApiError `work` throws (failing the test when it throws something else). */
function refusal(work: () => unknown): ApiError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('the contract boundary, as the fuzzer found it', () => {
  it('calls a missing field required instead of "received undefined"', () => {
    const error = refusal(() => parseArgs('getDocument', {}));
    expect(error.message).toBe('getDocument: invalid argument (id: required)');
  });

  it('never echoes a huge input back: long keys are cut, and only the first problems are listed', () => {
    const key = 'k'.repeat(1_000_000);
    expect(refusal(() => parseArgs('corpusInfo', { [key]: 1 })).message.length).toBeLessThan(400);
    const many = refusal(() =>
      parseArgs('saveDocument', { corpusId: 'c', id: 1, baseRevision: 0, upsert: new Array(100_000).fill(null), remove: [] }),
    );
    expect(many.message.length).toBeLessThan(1000);
    expect(many.message).toMatch(/upsert\.0: .*; and 99995 more\)$/);
  });

  it('refuses a span whose fragments list is empty with an ApiError, not a TypeError', () => {
    const error = refusal(() =>
      parseArgs('saveDocument', { corpusId: 'c', id: 1, baseRevision: 0, upsert: [{ id: 's', label: 'quote', start: 0, end: 4, fragments: [] }], remove: [] }),
    );
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/upsert\.0\.fragments: Too small/);
  });

  it('refuses a Date, Map, Set, RegExp or bytes where an object belongs (zod reads them as {})', () => {
    expect(refusal(() => parseArgs('updateSettings', new Set([1]))).message).toMatch(/argument: expected an object, received Set/);
    expect(refusal(() => parseArgs('corpusInfo', new Date(0))).message).toMatch(/received Date/);
    const filter = refusal(() => parseArgs('exportCorpus', { format: 'jsonl', path: '/tmp/x.jsonl', offsets: 'codepoint', filter: new Map() }));
    expect(filter.message).toMatch(/filter: expected an object, received Map/);
    expect(refusal(() => parseArgs('listDocuments', new Uint8Array())).message).toMatch(/received bytes/);
    // where bytes belong, they are taken
    expect(parseArgs('importFiles', { files: [{ name: 'a.txt', data: new Uint8Array([65]) }] }).files[0]!.data).toEqual(new Uint8Array([65]));
  });

  it('refuses a path with a NUL character or without a file name', () => {
    expect(refusal(() => parseArgs('createCorpus', { path: '/tmp/a\u0000b.loupe' })).message).toMatch(/path: a path cannot contain a NUL character/);
    expect(refusal(() => parseArgs('exportCorpus', { format: 'json', path: '/tmp/out/', offsets: 'utf8' })).message).toMatch(/not a folder separator/);
  });

  it('refuses an import file whose error says nothing (the report showed an empty reason)', () => {
    expect(refusal(() => parseArgs('importFiles', { files: [{ name: 'a.txt', data: new Uint8Array(), error: '' }] })).message).toMatch(
      /files\.0\.error: an error must say what went wrong/,
    );
  });

  it('refuses ids and names with half a character, and takes whole astral ones', () => {
    expect(refusal(() => parseArgs('saveDocument', { corpusId: 'c', id: 1, remove: ['\uD800'], upsert: [], baseRevision: 0 })).message).toMatch(
      /remove\.0: contains half of a character/,
    );
    expect(parseArgs('saveDocument', { corpusId: 'c', id: 1, remove: ['𠮷'], upsert: [], baseRevision: 0 }).remove).toEqual(['𠮷']);
  });
});

describe('the service behind the boundary, as the fuzzer found it', () => {
  let dir: string;
  let service: LoupeService;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-apifuzz-unit-'));
    service = createLoupeService({ dataDir: path.join(dir, 'data'), backups: false });
  });
  afterEach(() => {
    service.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Calls a method the way IPC does: a structured clone, the contract's parse, the service. */
  const viaIpc = async <K extends keyof LoupeService & (typeof API_METHODS)[number]>(method: K, raw: unknown) =>
    (service[method] as (a: unknown) => Promise<unknown>)(parseArgs(method, structuredClone(raw)));

  async function fixture() {
    const info = await service.corpusInfo({});
    const [first] = await service.listDocuments({});
    const doc = await service.getDocument({ id: first!.id });
    const saved = await service.saveDocument({
      corpusId: info.id,
      id: doc.id,
      baseRevision: doc.revision,
      upsert: [{ id: 'q', label: 'quote', start: 0, end: 4, attrs: { kind: 'direct' } }],
      remove: [],
    });
    return { info, id: doc.id, revision: saved.revision };
  }

  it('keeps two spans whose ids differ only in a lone surrogate from becoming one (one was silently lost)', async () => {
    const { info, id, revision } = await fixture();
    const save = viaIpc('saveDocument', {
      corpusId: info.id,
      id,
      baseRevision: revision,
      upsert: [
        { id: 'x\uD800', label: 'quote', start: 0, end: 2 },
        { id: 'x\uD801', label: 'quote', start: 2, end: 4 },
      ],
      remove: [],
    });
    await expect(save).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/half of a character/) });
    expect((await service.getDocument({ id })).spans.map((s) => s.id)).not.toContain('x\uFFFD');
  });

  it('refuses a "__proto__" attribute instead of dropping it and wiping the span’s attributes', async () => {
    const { info, id, revision } = await fixture();
    const raw = JSON.parse(
      `{"corpusId":"${info.id}","id":${id},"baseRevision":${revision},"upsert":[{"id":"q","label":"quote","start":0,"end":4,"attrs":{"__proto__":{"kind":"indirect"}}}],"remove":[]}`,
    ) as unknown;
    await expect(viaIpc('saveDocument', raw)).rejects.toMatchObject({ message: expect.stringMatching(/upsert\.0\.attrs: a "__proto__" key is not allowed/) });
    expect((await service.getDocument({ id })).spans.find((s) => s.id === 'q')!.attrs).toEqual({ kind: 'direct' });
  });

  it('creates no file at a path cut short at a NUL, and no nameless corpus in a folder', async () => {
    const folder = path.join(dir, 'corpora');
    fs.mkdirSync(folder);
    await expect(viaIpc('createCorpus', { path: path.join(folder, 'a\u0000b.loupe') })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(viaIpc('createCorpus', { path: `${folder}${path.sep}` })).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(fs.readdirSync(folder)).toEqual([]);
    expect((await service.corpusInfo({})).path).toBe(path.join(dir, 'data', 'Default.loupe'));
  });

  it('refuses a bridge body whose "__proto__" key would lend the argument its fields', async () => {
    const staticDir = path.join(dir, 'renderer');
    fs.mkdirSync(staticDir);
    const bridge = await startBridge({ service, staticDir });
    try {
      const [first] = await service.listDocuments({});
      const post = (method: string, body: string) =>
        fetch(`http://127.0.0.1:${bridge.port}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${bridge.token}` }, body });
      const smuggled = await post('getDocument', `{"__proto__":{"id":${first!.id}}}`);
      expect(smuggled.status).toBe(400);
      expect(((await smuggled.json()) as { error: { message: string } }).error.message).toMatch(/"__proto__" key is not allowed/);
      // {"$bytes": ""} is revived into bytes, which zod took for an empty argument object
      expect((await post('corpusInfo', '{"$bytes":""}')).status).toBe(400);
    } finally {
      await bridge.close();
    }
  });
});

describe('the store, as the fuzzer found it', () => {
  it('refuses a span with an empty fragments list with a StoreError (an importer may make one)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-apifuzz-store-'));
    const store = CorpusStore.open(path.join(dir, 'c.loupe'), { create: true });
    try {
      store.addLabels([{ name: 'quote', color: '#123456', hotkey: null, description: '', attributes: [] }]);
      expect(() => store.insertDocument({ title: 'T', text: 'some text', spans: [{ id: 's', label: 'quote', start: 0, end: 4, fragments: [] }] })).toThrow(
        /span s has fragments that are not sorted/,
      );
      expect(store.documentCount()).toBe(0);
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
