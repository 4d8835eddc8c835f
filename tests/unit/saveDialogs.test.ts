/**
 * The native save dialog confirms replacing the path the user chose, and only that one. What else
 * the export writes that already exists — the name with the extension Loupe adds after the dialog,
 * the CSV export's links file — is asked about before anything is replaced. And one unreadable file
 * of a chosen folder is reported by name (by the import, which reads it) while the rest import.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HOST_CHANNELS, type IpcReply } from '../../src/shared/ipcChannels';
import type { ImportSelection } from '../../src/shared/types';
import { createLoupeService } from '../../src/main/services/loupeService';

const fake = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
  openPaths: [] as string[],
  savePath: '',
  answer: 1, // the message box's button: 0 Replace, 1 Cancel
  asked: [] as string[],
}));
vi.mock('electron', () => ({
  app: { getPath: () => '/tmp' },
  BrowserWindow: { fromWebContents: () => null },
  dialog: {
    showOpenDialog: async () => ({ canceled: false, filePaths: fake.openPaths }),
    showSaveDialog: async () => ({ canceled: false, filePath: fake.savePath }),
    showMessageBox: async (options: { message: string }) => {
      fake.asked.push(options.message);
      return { response: fake.answer };
    },
  },
  ipcMain: { handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => Promise<unknown>) => fake.handlers.set(channel, fn) },
}));

let dir: string;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-save-dialogs-'));
  fake.asked = [];
  const { registerDialogHandlers } = await import('../../src/main/shell/dialogs');
  registerDialogHandlers(() => true, () => 'en');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const trusted = {};
const call = async <T,>(channel: string, ...args: unknown[]): Promise<T | null> => {
  const reply = (await fake.handlers.get(channel)!(trusted, ...args)) as IpcReply<T>;
  if (!reply.ok) throw new Error(JSON.stringify(reply));
  return reply.value;
};

describe('the native save dialog', () => {
  it('asks before the CSV export replaces an existing links file, and gives no path when told not to', async () => {
    fake.savePath = path.join(dir, 'spans.csv');
    fs.writeFileSync(path.join(dir, 'spans.links.csv'), 'someone’s links');
    fake.answer = 1;
    expect(await call(HOST_CHANNELS.chooseExportPath, 'corpus.csv', 'csv', 'codepoint')).toBeNull();
    expect(fake.asked).toEqual([`${path.join(dir, 'spans.links.csv')} already exists. Replacing it loses what it holds.`]);
    fake.answer = 0;
    expect(await call(HOST_CHANNELS.chooseExportPath, 'corpus.csv', 'csv', 'codepoint')).toBe(path.join(dir, 'spans.csv'));
  });

  it('asks before replacing the file the name stands for once its extension is added, and not about the one confirmed', async () => {
    fake.savePath = path.join(dir, 'out'); // typed without an extension (GTK adds none)
    fs.writeFileSync(path.join(dir, 'out.jsonl'), 'an older export');
    fake.answer = 1;
    expect(await call(HOST_CHANNELS.chooseExportPath, 'corpus.jsonl', 'jsonl', 'codepoint')).toBeNull();
    expect(fake.asked).toHaveLength(1);
    fake.asked = [];
    fake.savePath = path.join(dir, 'out.jsonl'); // confirmed by the dialog itself
    expect(await call(HOST_CHANNELS.chooseExportPath, 'corpus.jsonl', 'jsonl', 'codepoint')).toBe(path.join(dir, 'out.jsonl'));
    expect(fake.asked).toEqual([]);
  });
});

describe.skipIf(process.platform === 'win32')('a folder chosen for import', () => {
  it('lists a file it cannot open (here a socket) by path; the import reports it by name and imports the rest', async () => {
    const folder = path.join(dir, 'news');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'a.txt'), '标题\n正文');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(folder, 'b.sock'), resolve));
    const service = createLoupeService({ dataDir: dir, corpusPath: path.join(dir, 'c.loupe'), backups: false });
    try {
      fake.openPaths = [folder];
      const selection = (await call<ImportSelection>(HOST_CHANNELS.chooseFolderToImport))!;
      // the app sends paths, never bytes: the worker reads each file when its turn comes
      expect('paths' in selection).toBe(true);
      const paths = 'paths' in selection ? selection.paths : [];
      expect(paths.map((f) => f.name)).toEqual(['news/a.txt', 'news/b.sock']);
      const report = await service.importPaths({ files: paths });
      expect(report.imported.map((d) => d.name)).toEqual(['news/a.txt']);
      expect(report.failed.map((f) => f.name)).toEqual(['news/b.sock']);
      expect(report.failed[0]!.error).toMatch(/not a regular file|socket/i);
    } finally {
      service.close();
      server.close();
    }
  });
});

describe('files and folders dropped on the app window', () => {
  it('become paths (a folder walked as Import folder walks it), which the import reads', async () => {
    const folder = path.join(dir, 'news');
    fs.mkdirSync(path.join(folder, 'inner'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'inner', 'b.txt'), '乙\n正文');
    fs.writeFileSync(path.join(folder, '.hidden.txt'), '隐藏');
    fs.writeFileSync(path.join(dir, 'a.txt'), '甲\n正文');
    const selection = (await call<ImportSelection>(HOST_CHANNELS.droppedToImport, [path.join(dir, 'a.txt'), folder]))!;
    const paths = 'paths' in selection ? selection.paths : [];
    expect(paths).toEqual([
      { path: path.join(dir, 'a.txt'), name: 'a.txt' },
      { path: path.join(folder, 'inner', 'b.txt'), name: 'news/inner/b.txt' },
    ]);
    const service = createLoupeService({ dataDir: dir, corpusPath: path.join(dir, 'c.loupe'), backups: false });
    try {
      const report = await service.importPaths({ files: paths });
      expect(report.imported.map((d) => [d.name, d.title])).toEqual([
        ['a.txt', '甲'],
        ['news/inner/b.txt', '乙'],
      ]);
    } finally {
      service.close();
    }
  });

  it('refuses anything but a list of absolute paths, and says which limit a file breaks', async () => {
    for (const bad of [[], 'a.txt', ['a.txt'], [42], [path.join(dir, 'a\0.txt')]]) {
      await expect(call(HOST_CHANNELS.droppedToImport, bad)).rejects.toThrow(/invalid-argument/);
    }
    const big = path.join(dir, 'big.txt');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 65 * 1024 * 1024);
    await expect(call(HOST_CHANNELS.droppedToImport, [big])).rejects.toThrow(/too large to import.*big\.txt \(65 MB\)/);
  });
});
