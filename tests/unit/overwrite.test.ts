/**
 * Save a copy and exports over the API never replace an existing file the user was not asked about
 * (`overwrite`, which the app sends once a save dialog asked), and a relative path is taken from the
 * open corpus's folder, never from the folder the server happened to start in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoupeService, type LoupeService } from '../../src/main/services/loupeService';

let dir: string;
let folder: string;
let service: LoupeService;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-overwrite-'));
  folder = path.join(dir, 'corpora');
  fs.mkdirSync(folder);
  service = createLoupeService({ dataDir: path.join(dir, 'data'), corpusPath: path.join(folder, 'news.loupe'), backups: false });
  await service.importFiles({ files: [{ name: 'a.txt', data: new TextEncoder().encode('晋中两会\n正文。') }] });
});
afterEach(() => {
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const titles = (file: string): string[] => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT title FROM documents').all() as { title: string }[]).map((r) => r.title);
  } finally {
    db.close();
  }
};

describe('replacing a file', () => {
  it('Save a copy refuses an existing file unless told to overwrite it', async () => {
    const target = path.join(dir, 'important.loupe');
    fs.writeFileSync(target, 'someone else’s work');
    await expect(service.saveCopy({ path: target })).rejects.toMatchObject({
      code: 'conflict',
      reason: { key: 'error.targetExists', params: { path: target } },
    });
    expect(fs.readFileSync(target, 'utf8')).toBe('someone else’s work');
    expect(await service.saveCopy({ path: target, overwrite: true })).toEqual({ path: target });
    expect(titles(target)).toEqual(['晋中两会']);
  });

  it('an export refuses an existing file (or the links CSV beside it) unless told to overwrite', async () => {
    const jsonl = path.join(dir, 'out.jsonl');
    fs.writeFileSync(jsonl, 'keep');
    await expect(service.exportCorpus({ format: 'jsonl', path: jsonl, offsets: 'codepoint' })).rejects.toMatchObject({ reason: { key: 'error.targetExists' } });
    expect(fs.readFileSync(jsonl, 'utf8')).toBe('keep');
    const links = path.join(dir, 'out.links.csv');
    fs.writeFileSync(links, 'keep');
    await expect(service.exportCorpus({ format: 'csv', path: path.join(dir, 'out.csv'), offsets: 'codepoint' })).rejects.toMatchObject({
      reason: { key: 'error.targetExists', params: { path: links } },
    });
    expect(fs.existsSync(path.join(dir, 'out.csv'))).toBe(false);
    expect(fs.readFileSync(links, 'utf8')).toBe('keep');
    await service.exportCorpus({ format: 'jsonl', path: jsonl, offsets: 'codepoint', overwrite: true });
    expect(JSON.parse(fs.readFileSync(jsonl, 'utf8'))).toMatchObject({ title: '晋中两会' });
  });
});

describe('a relative path', () => {
  it('is taken from the open corpus\'s folder, for copies, exports, new corpora and pathInfo', async () => {
    expect(process.cwd()).not.toBe(folder);
    expect(await service.pathInfo({ path: 'copy.loupe' })).toEqual({ path: path.join(folder, 'copy.loupe'), kind: 'none' });
    expect(await service.pathInfo({ path: '../corpora/news.loupe' })).toEqual({ path: path.join(folder, 'news.loupe'), kind: 'file' });
    expect(await service.pathInfo({ path: '..' })).toEqual({ path: dir, kind: 'folder' });

    await service.saveCopy({ path: 'copy.loupe' });
    expect(titles(path.join(folder, 'copy.loupe'))).toEqual(['晋中两会']);
    await service.exportCorpus({ format: 'jsonl', path: 'out.jsonl', offsets: 'codepoint' });
    expect(fs.existsSync(path.join(folder, 'out.jsonl'))).toBe(true);
    const created = await service.createCorpus({ path: 'second' });
    expect(created.path).toBe(path.join(folder, 'second.loupe'));
    // From now on relative paths are taken from the new corpus's folder (the same one here).
    expect((await service.openCorpus({ path: 'news.loupe' })).path).toBe(path.join(folder, 'news.loupe'));
    expect(fs.existsSync(path.join(process.cwd(), 'copy.loupe'))).toBe(false);
    expect(fs.existsSync(path.join(process.cwd(), 'second.loupe'))).toBe(false);
  });
});
