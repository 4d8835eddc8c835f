/**
 * An import whose commit fails (the disk fills up as the file's transaction is written) reports the
 * file as failed only: never also as imported with the id of a document that does not exist.
 * The disk is filled for real: the CLI runs under a file-size limit (`ulimit -f`), so SQLite's write
 * of the transaction to the write-ahead log fails at commit, as on a full disk.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCorpusStore } from '../../src/main/services/loupeService';

const BIN = path.resolve(__dirname, '../../bin/loupe.cjs');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-commit-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const documents = (file: string): string[] => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT title FROM documents ORDER BY id').all() as { title: string }[]).map((r) => r.title);
  } finally {
    db.close();
  }
};

describe('an import whose commit fails', () => {
  it.skipIf(process.platform === 'win32')('is reported as failed only, and leaves no document', () => {
    const corpus = path.join(dir, 'c.loupe');
    const store = openCorpusStore(corpus, { create: true });
    store.insertDocument({ title: '已有', text: '已有的文章', spans: [], links: [] });
    store.close();
    // A small article fits; a long one needs more of the write-ahead log than the limit allows.
    const small = path.join(dir, 'small.txt');
    fs.writeFileSync(small, '短文\n一段话。');
    const long = path.join(dir, 'long.txt');
    fs.writeFileSync(long, `长文\n${'一段很长的话。'.repeat(80_000)}`);
    // ulimit -f counts 512-byte blocks in sh: 256 kB, above the corpus and its -shm, far below the long article.
    const result = spawnSync('sh', ['-c', `ulimit -f 512 && exec "$0" "$@"`, process.execPath, BIN, 'import', corpus, small, long], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(result.stdout).toMatch(/imported .*small\.txt \(text, UTF-8\) as document 2: 短文/);
    expect(result.stderr).toMatch(/failed .*long\.txt: /);
    expect(result.stdout).not.toMatch(/imported .*long\.txt/);
    expect(result.stdout).toMatch(/1 document imported, 0 files skipped, 1 failed/);
    expect(result.status).toBe(1);
    expect(documents(corpus)).toEqual(['已有', '短文']);
  });
});
