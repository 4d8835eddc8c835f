/**
 * Loupe reads and replaces regular files only: a device (/dev/zero, /dev/urandom) never ends, a FIFO
 * blocks until someone writes to it, and an export renamed over a symbolic link, a FIFO or a device
 * replaces it with a regular file. The CLI, the service (exports, Save a copy, corpora) and the
 * import of what the Electron shell's dialogs give (paths, read in the import worker) all refuse them,
 * by name, through one helper.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLoupeService, openCorpusStore } from '../../src/main/services/loupeService';
import { HOST_CHANNELS, type IpcReply } from '../../src/shared/ipcChannels';
import type { ImportSelection } from '../../src/shared/types';

const BIN = path.resolve(__dirname, '../../bin/loupe.cjs');
const POSIX = process.platform !== 'win32';

const fake = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
  openPaths: [] as string[],
  savePath: '',
}));
vi.mock('electron', () => ({
  app: { getPath: () => '/tmp' },
  BrowserWindow: { fromWebContents: () => null },
  dialog: {
    showOpenDialog: async () => ({ canceled: false, filePaths: fake.openPaths }),
    showSaveDialog: async () => ({ canceled: false, filePath: fake.savePath }),
  },
  ipcMain: { handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => Promise<unknown>) => fake.handlers.set(channel, fn) },
}));

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-regular-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with a time limit: a read that blocks or never ends fails the test instead of hanging it. */
const loupe = (...args: string[]): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 15_000 });

const fifo = (name: string): string => {
  const file = path.join(dir, name);
  expect(spawnSync('mkfifo', [file]).status).toBe(0);
  return file;
};

/** A corpus with one document. */
function corpus(name = 'c.loupe'): string {
  const file = path.join(dir, name);
  const store = openCorpusStore(file, { create: true });
  store.insertDocument({ title: '一', text: '赵书记说好', spans: [], links: [] });
  store.close();
  return file;
}

describe.skipIf(!POSIX)('the CLI', () => {
  it('refuses /dev/zero, /dev/urandom and a FIFO as imports, by name, at once, creating no corpus', () => {
    const pipe = fifo('feed.txt');
    const ok = path.join(dir, 'ok.txt');
    fs.writeFileSync(ok, '标题\n正文。');
    const started = Date.now();
    const result = loupe('import', 'new.loupe', '/dev/zero', '/dev/urandom', pipe, ok);
    expect(result.error).toBeUndefined(); // not killed by the time limit
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.stderr).toMatch(/failed \/dev\/zero: \/dev\/zero is a device, not a regular file/);
    expect(result.stderr).toMatch(/failed \/dev\/urandom: \/dev\/urandom is a device, not a regular file/);
    expect(result.stderr).toMatch(/failed .*feed\.txt: .*feed\.txt is a named pipe \(FIFO\), not a regular file/);
    expect(result.stdout).toMatch(/1 document imported, 0 files skipped, 3 failed/);
    expect(result.status).toBe(1);

    // With nothing readable, no corpus is left behind.
    const none = loupe('import', 'empty.loupe', '/dev/zero', pipe);
    expect(none.status).toBe(1);
    expect(none.stdout).toMatch(/was not created/);
    expect(fs.existsSync(path.join(dir, 'empty.loupe'))).toBe(false);
  });

  it('refuses a FIFO or a device in a folder it imports, and a device or FIFO as a schema file', () => {
    const folder = path.join(dir, 'news');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'a.txt'), '标题\n正文。');
    expect(spawnSync('mkfifo', [path.join(folder, 'b.txt')]).status).toBe(0);
    const imported = loupe('import', 'c.loupe', folder);
    expect(imported.error).toBeUndefined();
    expect(imported.stderr).toMatch(/failed .*news\/b\.txt: .*is a named pipe \(FIFO\)/);
    expect(imported.stdout).toMatch(/imported news\/a\.txt/);

    const schema = loupe('schema', 'import', 'c.loupe', '/dev/zero');
    expect(schema.error).toBeUndefined();
    expect(schema.status).toBe(1);
    expect(schema.stderr).toMatch(/\/dev\/zero is a device, not a regular file/);
    const pipe = loupe('schema', 'import', 'c.loupe', fifo('schema.json'));
    expect(pipe.error).toBeUndefined();
    expect(pipe.stderr).toMatch(/schema\.json is a named pipe \(FIFO\), not a regular file/);
  });

  it('never replaces a symbolic link, a FIFO or a device with an export or a schema file', () => {
    const file = corpus();
    const real = path.join(dir, 'real.jsonl');
    fs.writeFileSync(real, 'keep me');
    const link = path.join(dir, 'link.jsonl');
    fs.symlinkSync(real, link);
    const viaLink = loupe('export', file, '--format', 'jsonl', '--out', link);
    expect(viaLink.status).toBe(1);
    expect(viaLink.stderr).toMatch(/link\.jsonl is a symbolic link, not a regular file; Loupe replaces regular files only/);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toBe('keep me');

    const pipe = fifo('out.jsonl');
    const viaFifo = loupe('export', file, '--format', 'jsonl', '--out', pipe);
    expect(viaFifo.error).toBeUndefined();
    expect(viaFifo.stderr).toMatch(/out\.jsonl is a named pipe \(FIFO\)/);
    expect(fs.lstatSync(pipe).isFIFO()).toBe(true);

    // The links CSV beside a spans CSV counts as a target too.
    const links = path.join(dir, 'x.links.csv');
    fs.symlinkSync(real, links);
    expect(loupe('export', file, '--format', 'csv', '--out', path.join(dir, 'x.csv')).stderr).toMatch(/x\.links\.csv is a symbolic link/);
    expect(fs.existsSync(path.join(dir, 'x.csv'))).toBe(false);

    const schemaLink = path.join(dir, 'schema.json');
    fs.symlinkSync(real, schemaLink);
    expect(loupe('schema', 'export', file, schemaLink).stderr).toMatch(/schema\.json is a symbolic link/);
    expect(fs.readFileSync(real, 'utf8')).toBe('keep me');
  });

  it('refuses a FIFO or a device as a corpus, without blocking', () => {
    const pipe = fifo('pipe.loupe');
    for (const target of [pipe, '/dev/zero']) {
      const result = loupe('stats', target);
      expect(result.error).toBeUndefined();
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/is a (named pipe \(FIFO\)|device), not a regular file/);
    }
  });
});

describe.skipIf(!POSIX)('the service', () => {
  it('refuses an export or a copy onto a symbolic link or a FIFO, and opening a FIFO as a corpus', async () => {
    const service = createLoupeService({ dataDir: path.join(dir, 'data'), corpusPath: corpus(), backups: false });
    try {
      const real = path.join(dir, 'real.txt');
      fs.writeFileSync(real, 'keep me');
      const link = path.join(dir, 'link.jsonl');
      fs.symlinkSync(real, link);
      await expect(service.exportCorpus({ format: 'jsonl', path: link, offsets: 'codepoint' })).rejects.toMatchObject({
        code: 'invalid-argument',
        reason: { key: 'error.notRegularTarget', params: { path: link, kind: 'symlink' } },
      });
      const copyLink = path.join(dir, 'copy.loupe');
      fs.symlinkSync(real, copyLink);
      await expect(service.saveCopy({ path: copyLink })).rejects.toMatchObject({ reason: { key: 'error.notRegularTarget' } });
      expect(fs.readFileSync(real, 'utf8')).toBe('keep me');
      expect(fs.lstatSync(copyLink).isSymbolicLink()).toBe(true);
      await expect(service.openCorpus({ path: fifo('x.loupe') })).rejects.toMatchObject({ reason: { key: 'error.notRegularFile', params: { kind: 'fifo' } } });
    } finally {
      service.close();
    }
  });
});

describe.skipIf(!POSIX)('the Electron shell\'s import dialogs, and the import of what they give', () => {
  const trusted = {} as IpcMainInvokeEvent;

  async function choose(channel: string, paths: string[]): Promise<IpcReply<ImportSelection>> {
    const { registerDialogHandlers } = await import('../../src/main/shell/dialogs');
    registerDialogHandlers(() => true, () => 'en');
    fake.openPaths = paths;
    const handler = fake.handlers.get(channel)!;
    // A FIFO read without care never answers: the test fails rather than hangs.
    return Promise.race([
      handler(trusted) as Promise<IpcReply<ImportSelection>>,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the dialog handler blocked')), 5000)),
    ]);
  }

  /** Imports what a dialog gave, as the app does (paths to importPaths), within 10 s. */
  async function importChosen(reply: IpcReply<ImportSelection>) {
    expect(reply.ok).toBe(true);
    const selection = (reply as { value: ImportSelection }).value;
    if (!('paths' in selection)) throw new Error('the dialog gave bytes, not paths');
    const service = createLoupeService({ dataDir: path.join(dir, 'data'), corpusPath: path.join(dir, 'chosen.loupe'), backups: false });
    try {
      return await Promise.race([
        service.importPaths({ files: selection.paths }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the import blocked')), 10_000)),
      ]);
    } finally {
      service.close();
    }
  }

  it('report a FIFO or a device chosen for import as failed, by name, and read the rest', async () => {
    const ok = path.join(dir, 'ok.txt');
    fs.writeFileSync(ok, '标题');
    const report = await importChosen(await choose(HOST_CHANNELS.chooseFilesToImport, ['/dev/zero', fifo('feed.txt'), ok]));
    expect(report.failed.map((f) => [f.name, f.error])).toEqual([
      ['zero', '/dev/zero is a device, not a regular file; Loupe reads regular files only'],
      ['feed.txt', `${path.join(dir, 'feed.txt')} is a named pipe (FIFO), not a regular file; Loupe reads regular files only`],
    ]);
    expect(report.failed.map((f) => f.reason?.key)).toEqual(['error.notRegularFile', 'error.notRegularFile']);
    expect(report.imported.map((i) => [i.name, i.title])).toEqual([['ok.txt', '标题']]);
  });

  it('list a FIFO inside a chosen folder and refuse it', async () => {
    const folder = path.join(dir, 'news');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'a.txt'), '标题');
    expect(spawnSync('mkfifo', [path.join(folder, 'b.txt')]).status).toBe(0);
    const reply = await choose(HOST_CHANNELS.chooseFolderToImport, [folder]);
    expect((reply as { value: ImportSelection }).value).toEqual({
      paths: [
        { path: path.join(folder, 'a.txt'), name: 'news/a.txt' },
        { path: path.join(folder, 'b.txt'), name: 'news/b.txt' },
      ],
    });
    const report = await importChosen(reply);
    expect(report.imported.map((i) => i.name)).toEqual(['news/a.txt']);
    expect(report.failed.map((f) => f.name)).toEqual(['news/b.txt']);
    expect(report.failed[0]!.error).toMatch(/named pipe \(FIFO\)/);
  });
});
