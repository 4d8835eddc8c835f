/**
 * Backups, copies, damaged and read-only corpora, and one corpus used by two processes at once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/contract';
import { createLoupeService, type LoupeService, type ServiceOptions } from '../../src/main/services/loupeService';
import { backupFolder, listBackups } from '../../src/main/services/backups';
import { CorpusStore } from '../../src/main/store/corpusStore';

const ROOT = path.resolve(__dirname, '../..');
const dirs: string[] = [];
const services: LoupeService[] = [];

afterEach(() => {
  for (const s of services.splice(0)) {
    try {
      s.close();
    } catch {
      // closed by the test
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-backups-'));
  dirs.push(dir);
  return dir;
}

function open(options: ServiceOptions): LoupeService {
  const service = createLoupeService(options);
  services.push(service);
  return service;
}

const text = (n: number): string => Array.from({ length: n }, (_, i) => `\u7b2c${i}\u6bb5\uff1a\u56fd\u52a1\u9662\u603b\u7406\u5f3a\u8c03\u8981\u575a\u6301\u4ee5\u4eba\u6c11\u4e3a\u4e2d\u5fc3\u3002`).join('\n');

async function importText(service: LoupeService, name: string, body: string): Promise<number> {
  const report = await service.importFiles({ files: [{ name, data: new TextEncoder().encode(body) }] });
  return report.imported[0]!.documentId;
}

/** Waits until `check` holds (a backup is written asynchronously, between calls). */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const titles = (file: string): string[] => {
  const store = CorpusStore.open(file, { create: false, readOnly: true });
  try {
    return store.listDocuments().map((d) => d.title);
  } finally {
    store.close();
  }
};

/** Overwrites the middle pages of a closed corpus with garbage, leaving its header and schema page. */
function damage(file: string): void {
  const size = fs.statSync(file).size;
  const page = 4096;
  const fd = fs.openSync(file, 'r+');
  try {
    for (let at = 2 * page; at < size - page; at += 3 * page) fs.writeSync(fd, Buffer.alloc(page, 0xa5), 0, page, at);
  } finally {
    fs.closeSync(fd);
  }
}

describe('rolling backups', () => {
  it('are taken on open and while the corpus changes, bounded in number, and each opens as a corpus', async () => {
    const dir = tempDir();
    const corpus = path.join(dir, 'news.loupe');
    const backups = path.join(dir, 'backups');
    let service = open({ dataDir: dir, corpusPath: corpus, backups: { dir: backups, keep: 3, intervalMs: 40 } });
    await until(() => listBackups(backups, corpus).length === 1);
    await importText(service, 'first.txt', `first\n${text(50)}`);
    await until(() => listBackups(backups, corpus).length === 2);
    expect(titles(listBackups(backups, corpus)[0]!.path)).toEqual(['first']);
    for (const name of ['second', 'third', 'fourth']) {
      const before = listBackups(backups, corpus)[0]!.path;
      await importText(service, `${name}.txt`, `${name}\n${text(10)}`);
      await until(() => listBackups(backups, corpus)[0]?.path !== before);
    }
    const kept = listBackups(backups, corpus);
    expect(kept).toHaveLength(3);
    expect(titles(kept[0]!.path)).toEqual(['first', 'second', 'third', 'fourth']);
    expect(kept.map((b) => b.createdAt)).toEqual([...kept.map((b) => b.createdAt)].sort().reverse());
    // No change, no backup: neither over time nor on the next open.
    await new Promise((r) => setTimeout(r, 200));
    expect(listBackups(backups, corpus)[0]!.path).toBe(kept[0]!.path);
    service.close();
    service = open({ dataDir: dir, corpusPath: corpus, backups: { dir: backups, keep: 3, intervalMs: 60_000 } });
    await new Promise((r) => setTimeout(r, 200));
    // (opening makes an empty write-ahead log: that is no change)
    expect(listBackups(backups, corpus).map((b) => b.path)).toEqual(kept.map((b) => b.path));
    expect(fs.readdirSync(backupFolder(backups, corpus)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await service.listBackups({})).toEqual(listBackups(backups, corpus));
  });

  it('File › Save a copy writes a standalone corpus, never over the open one', async () => {
    const dir = tempDir();
    const corpus = path.join(dir, 'news.loupe');
    const service = open({ dataDir: dir, corpusPath: corpus, backups: false });
    await importText(service, 'a.txt', `a\n${text(5)}`);
    const copy = path.join(dir, '\u526f\u672c copy.loupe');
    expect(await service.saveCopy({ path: copy })).toEqual({ path: copy });
    expect(titles(copy)).toEqual(['a']);
    await expect(service.saveCopy({ path: corpus })).rejects.toMatchObject({ code: 'invalid-argument', reason: { key: 'error.copyOverSelf' } });
    await expect(service.saveCopy({ path: path.join(dir, 'missing', 'x.loupe') })).rejects.toMatchObject({ code: 'io' });
    // A file another program has open (its write-ahead log beside it) is never replaced.
    const busy = path.join(dir, 'busy.loupe');
    fs.writeFileSync(busy, 'old');
    fs.writeFileSync(`${busy}-wal`, 'frames');
    await expect(service.saveCopy({ path: busy, overwrite: true })).rejects.toMatchObject({ code: 'io' });
    expect(fs.readFileSync(busy, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The open corpus goes on saving after the copy.
    await importText(service, 'b.txt', `b\n${text(5)}`);
    expect((await service.listDocuments({})).map((d) => d.title)).toEqual(['a', 'b']);
  });
});

describe('a damaged corpus', () => {
  it('is refused untouched, and its newest good backup restores beside it', async () => {
    const dir = tempDir();
    const corpus = path.join(dir, 'news.loupe');
    const backups = path.join(dir, 'backups');
    const first = open({ dataDir: dir, corpusPath: corpus, backups: { dir: backups, intervalMs: 30 } });
    await importText(first, 'kept.txt', `kept\n${text(400)}`);
    await until(() => listBackups(backups, corpus).length === 2);
    first.close();
    damage(corpus);
    const hash = sha(corpus);

    const other = open({ dataDir: dir, corpusPath: path.join(dir, 'other.loupe'), backups: { dir: backups } });
    const error = await other.openCorpus({ path: corpus }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'io', reason: { key: 'error.damaged' } });
    expect((error as Error).message).toMatch(/damaged/);
    expect(sha(corpus)).toBe(hash);
    // SQLite's read-only look may leave an empty write-ahead log beside the file, never anything in it.
    if (fs.existsSync(`${corpus}-wal`)) expect(fs.statSync(`${corpus}-wal`).size).toBe(0);
    expect((await other.corpusInfo({})).path).toBe(path.join(dir, 'other.loupe'));

    const offered = await other.listBackups({ corpusPath: corpus });
    expect(offered).toHaveLength(2);
    const info = await other.restoreBackup({ backup: offered[0]!.path, corpusPath: corpus });
    expect(path.dirname(info.path)).toBe(dir);
    expect(path.basename(info.path)).toMatch(/^news \(backup \d{4}-\d{2}-\d{2} \d{2}\.\d{2}\)\.loupe$/);
    expect((await other.listDocuments({})).map((d) => d.title)).toEqual(['kept']);
    expect(sha(corpus)).toBe(hash);
    // Only the corpus's own backups restore.
    await expect(other.restoreBackup({ backup: corpus, corpusPath: corpus })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('a truncated corpus is refused as damaged, untouched, and the app goes on', async () => {
    const dir = tempDir();
    const corpus = path.join(dir, 'news.loupe');
    const first = open({ dataDir: dir, corpusPath: corpus, backups: false });
    await importText(first, 'kept.txt', `kept\n${text(400)}`);
    first.close();
    fs.truncateSync(corpus, Math.floor(fs.statSync(corpus).size / 2));
    const hash = sha(corpus);
    const other = open({ dataDir: dir, corpusPath: path.join(dir, 'other.loupe'), backups: false });
    await expect(other.openCorpus({ path: corpus })).rejects.toMatchObject({ code: 'io', reason: { key: 'error.damaged' } });
    expect(sha(corpus)).toBe(hash);
    await importText(other, 'still.txt', 'still\nworking');
    expect((await other.listDocuments({})).map((d) => d.title)).toEqual(['still']);
  });

  it('that was the most recent corpus: Loupe starts on the default and says why, with the backups', async () => {
    const dir = tempDir();
    const corpus = path.join(dir, 'news.loupe');
    const first = open({ dataDir: dir, corpusPath: corpus });
    await importText(first, 'kept.txt', `kept\n${text(400)}`);
    await until(() => listBackups(path.join(dir, 'backups'), corpus).length === 1);
    first.close();
    damage(corpus);
    const hash = sha(corpus);

    const next = open({ dataDir: dir });
    expect((await next.corpusInfo({})).path).toBe(path.join(dir, 'Default.loupe'));
    const [problem, ...more] = await next.startupProblems({});
    expect(more).toEqual([]);
    expect(problem).toMatchObject({ path: corpus, damaged: true, reason: { key: 'error.damaged' } });
    expect(problem!.backups.length).toBeGreaterThan(0);
    await next.restoreBackup({ backup: problem!.backups[0]!.path, corpusPath: corpus });
    expect(await next.startupProblems({})).toEqual([]);
    expect(sha(corpus)).toBe(hash);
  });
});

describe('a read-only corpus', () => {
  it('opened read-only on purpose: reads and exports work, saves are refused clearly, the file is untouched', async () => {
    const dir = tempDir();
    const corpus = path.join(dir, 'news.loupe');
    const writer = open({ dataDir: dir, corpusPath: corpus, backups: false });
    const id = await importText(writer, 'a.txt', `a\n${text(5)}`);
    writer.close();
    const hash = sha(corpus);

    const reader = open({ dataDir: path.join(dir, 'data'), corpusPath: path.join(dir, 'other.loupe') });
    const info = await reader.openCorpus({ path: corpus, readOnly: true });
    expect(info.readOnly).toBe(true);
    const doc = await reader.getDocument({ id });
    expect(doc.title).toBe('a');
    await expect(
      reader.saveDocument({ corpusId: info.id, id, baseRevision: doc.revision, edit: { at: 0, remove: 0, insert: 'x' }, upsert: [], remove: [] }),
    ).rejects.toMatchObject({ code: 'conflict', reason: { key: 'error.readOnly' } });
    await expect(reader.deleteDocument({ id })).rejects.toMatchObject({ reason: { key: 'error.readOnly' } });
    await expect(reader.importFiles({ files: [{ name: 'b.txt', data: new TextEncoder().encode('b\nbody') }] })).rejects.toMatchObject({
      reason: { key: 'error.readOnly' },
    });
    const exported = await reader.exportCorpus({ format: 'jsonl', path: path.join(dir, 'out.jsonl'), offsets: 'codepoint' });
    expect(exported.documents).toBe(1);
    expect(await reader.listBackups({})).toEqual([]);
    reader.close();
    expect(sha(corpus)).toBe(hash);
  });

  it('a file Loupe may not write opens read-only by itself', () => {
    const dir = tempDir();
    const corpus = path.join(dir, 'locked.loupe');
    const store = CorpusStore.open(corpus, { create: true });
    store.insertDocument({ title: 'a', text: 'body' });
    store.close();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    fs.chmodSync(corpus, 0o444);
    fs.chmodSync(dir, 0o755);
    // Root may write anything. As root, the check runs as "nobody", who may not write this file; where
    // nobody cannot reach this checkout (a clone inside a private folder), the file is made immutable.
    const how = process.getuid?.() === 0 ? (nobodyCanRunHere() ? 'nobody' : immutable(corpus) ? 'immutable' : null) : 'owner';
    if (how === null) {
      console.log('skipped: as root, neither "nobody" can reach this checkout nor can the file be made immutable (chattr +i)');
      return;
    }
    if (how === 'nobody') fs.chownSync(data, 65534, 65534);
    const script = `
      const { createLoupeService } = require('./src/main/services/loupeService.ts');
      const s = createLoupeService({ dataDir: ${JSON.stringify(data)}, corpusPath: ${JSON.stringify(path.join(data, 'own.loupe'))}, backups: false });
      s.openCorpus({ path: ${JSON.stringify(corpus)} })
        .then(async (info) => {
          const saved = await s.saveDocument({ corpusId: info.id, id: 1, title: 'changed', upsert: [], remove: [] }).catch((e) => e.reason.key);
          console.log(JSON.stringify({ readOnly: info.readOnly, saved, docs: (await s.listDocuments({})).length }));
          s.close();
        })
        .catch((e) => console.log(JSON.stringify({ error: e.message })));`;
    const hash = sha(corpus);
    const result = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      ...(how === 'nobody' ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: data } } : {}),
    });
    if (how === 'immutable') spawnSync('chattr', ['-i', corpus]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout.trim()), result.stdout).toEqual({ readOnly: true, saved: 'error.readOnly', docs: 1 });
    expect(sha(corpus)).toBe(hash);
  });
});

/** True when user "nobody" may run Node with this checkout's modules (not when it lies in a private folder). */
function nobodyCanRunHere(): boolean {
  const probe = `require(${JSON.stringify(path.join(ROOT, 'node_modules', 'tsx', 'package.json'))})`;
  return spawnSync(process.execPath, ['-e', probe], { cwd: os.tmpdir(), uid: 65534, gid: 65534, stdio: 'ignore' }).status === 0;
}

/** Makes a file immutable (even root may not write it); false where the file system or the rights do not allow it. */
function immutable(file: string): boolean {
  return spawnSync('chattr', ['+i', file], { stdio: 'ignore' }).status === 0;
}

describe('one corpus, two processes', () => {
  /**
   * Holds the corpus's write lock for `ms` in another process; resolves once it holds it. `done`
   * resolves, when the holder exits, with the wall-clock time (Date.now()) it released the lock.
   */
  function holdWriteLock(file: string, ms: number): Promise<{ done: Promise<number> }> {
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(file)});
      db.pragma('busy_timeout = 5000');
      db.exec('BEGIN IMMEDIATE');
      console.log('locked');
      setTimeout(() => { const at = Date.now(); db.exec('COMMIT'); db.close(); console.log('released ' + at); }, ${ms});`;
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const done = new Promise<number>((resolve, reject) =>
      child.once('close', () => {
        const released = /released (\d+)/.exec(out);
        if (released) resolve(Number(released[1]));
        else reject(new Error(`the lock holder did not release the lock (said: ${out})`));
      }),
    );
    return new Promise((resolve, reject) => {
      const onData = () => {
        if (!out.includes('locked')) return;
        child.stdout.off('data', onData);
        resolve({ done });
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
    });
  }

  it('a save waits for another writer, and says so clearly when it waits too long', async () => {
    const dir = tempDir();
    const corpus = path.join(dir, 'news.loupe');
    const service = open({ dataDir: dir, corpusPath: corpus, backups: false });
    const id = await importText(service, 'a.txt', `a\n${text(5)}`);
    const info = await service.corpusInfo({});

    const { revision } = await service.getDocument({ id });

    const short = await holdWriteLock(corpus, 800);
    const saved = await service.saveDocument({ corpusId: info.id, id, baseRevision: revision, title: 'after a wait', upsert: [], remove: [] });
    const savedAt = Date.now();
    // The save went through only once the other process let go of the lock (clock times of one machine).
    expect(savedAt).toBeGreaterThanOrEqual(await short.done);

    const long = await holdWriteLock(corpus, 7000);
    const error = await service
      .saveDocument({ corpusId: info.id, id, baseRevision: saved.revision, title: 'too late', upsert: [], remove: [] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'conflict', reason: { key: 'error.busy' } });
    await long.done;
    expect((await service.getDocument({ id })).title).toBe('after a wait');
    const doc = await service.getDocument({ id });
    await service.saveDocument({ corpusId: info.id, id, baseRevision: doc.revision, edit: { at: 0, remove: 0, insert: 'x' }, upsert: [], remove: [] });
    expect(new Database(corpus, { readonly: true }).pragma('integrity_check', { simple: true })).toBe('ok');
  }, 30_000);

  it('the loupe command imports into a corpus the app has open and is saving to', async () => {
    const dir = tempDir();
    const corpus = path.join(dir, 'news.loupe');
    const service = open({ dataDir: dir, corpusPath: corpus, backups: false });
    const id = await importText(service, 'a.txt', `a\n${text(5)}`);
    const info = await service.corpusInfo({});
    const files = Array.from({ length: 5 }, (_, i) => {
      const file = path.join(dir, `cli${i}.txt`);
      fs.writeFileSync(file, `cli ${i}\n${text(200)}`);
      return file;
    });
    const cli = spawn(process.execPath, [path.join(ROOT, 'bin/loupe.cjs'), 'import', corpus, ...files], { cwd: ROOT });
    let out = '';
    cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    let saves = 0;
    let running = true;
    void exited.then(() => (running = false));
    while (running) {
      const doc = await service.getDocument({ id });
      await service.saveDocument({ corpusId: info.id, id, baseRevision: doc.revision, edit: { at: 0, remove: 0, insert: '\u5b57' }, upsert: [], remove: [] });
      saves++;
      // The store's calls are synchronous: let the event loop see the command exit.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await exited, out).toBe(0);
    expect(saves).toBeGreaterThan(0);
    const titlesNow = (await service.listDocuments({})).map((d) => d.title);
    expect(titlesNow).toEqual(['a', 'cli 0', 'cli 1', 'cli 2', 'cli 3', 'cli 4']);
    expect([...(await service.getDocument({ id })).text].slice(0, saves).join('')).toBe('\u5b57'.repeat(saves));
  }, 60_000);
});
