/** `loupe import` with what the corpus already has: --duplicates, --map-label, and what it prints. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCorpusStore } from '../../src/main/services/loupeService';
import { CORPUS_FIXTURES } from '../fixturePaths';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'bin/loupe.cjs');
const ARTICLE = path.join(CORPUS_FIXTURES, 'jinzhong-two-sessions.txt');
const TITLE = '攀“高”逐“新” 共绘美好未来';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cli-policy-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const loupe = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
/** Rows of the corpus file, as another tool would read them. */
const rows = <T,>(corpus: string, sql: string): T[] => {
  const store = openCorpusStore(corpus, { create: false, readOnly: true });
  try {
    return store.db.prepare(sql).all() as T[];
  } finally {
    store.close();
  }
};

describe('loupe import and what the corpus already has', () => {
  it('skips an article already imported, says so, and imports it with --duplicates import', () => {
    const corpus = path.join(dir, 'c.loupe');
    expect(loupe('import', corpus, ARTICLE).status).toBe(0);
    const again = loupe('import', corpus, ARTICLE);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`not imported ${ARTICLE}: “${TITLE}” is already in the corpus as document 1\n`);
    expect(again.stdout).toMatch(/^0 documents imported, 1 duplicate not imported \(--duplicates import imports them\), 0 files skipped, 0 failed$/m);
    expect(rows(corpus, 'SELECT id FROM documents')).toEqual([{ id: 1 }]);

    const anyway = loupe('import', corpus, ARTICLE, '--duplicates', 'import');
    expect(anyway.stdout).toMatch(/^1 document imported, 0 files skipped, 0 failed$/m);
    expect(rows(corpus, 'SELECT id, title FROM documents')).toEqual([
      { id: 1, title: TITLE },
      { id: 2, title: TITLE },
    ]);
    const bad = loupe('import', corpus, ARTICLE, '--duplicates', 'merge');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--duplicates must be skip or import/);
  });

  it('maps labels with --map-label (repeatable), matches case, and prints what was mapped and merged', () => {
    const corpus = path.join(dir, 'c.loupe');
    const file = path.join(dir, 'tagged.jsonl');
    const doc = {
      title: '张华',
      text: '张华说：“我们提前完成了巡查。”',
      spans: [
        { id: 'q', label: 'Quote', start: 5, end: 15 },
        { id: 'q2', label: 'quote', start: 5, end: 15 },
        { id: 'p', label: 'PER', start: 0, end: 2 },
        { id: 'g', label: 'GPE', start: 0, end: 1 },
      ],
    };
    fs.writeFileSync(file, `${JSON.stringify(doc)}\n`);
    const imp = loupe('import', corpus, file, '--map-label', 'PER=official', '--map-label', 'GPE=place', '--map-label', 'ORG=official');
    expect(imp.status).toBe(0);
    expect(imp.stdout).toContain('  exact duplicate spans merged: 1\n');
    expect(imp.stdout).toContain('labels mapped: Quote → quote, PER → official, GPE → place\n');
    expect(imp.stdout).toContain('--map-label ORG: nothing was mapped (no imported span or declared label is called ORG)\n');
    expect(imp.stdout).toContain('labels added to the schema: place\n');
    expect(rows(corpus, 'SELECT label, start_cp, end_cp FROM spans ORDER BY start_cp, label')).toEqual([
      { label: 'official', start_cp: 0, end_cp: 2 },
      { label: 'place', start_cp: 0, end_cp: 1 },
      { label: 'quote', start_cp: 5, end_cp: 15 },
    ]);
    for (const wrong of ['PER', '=official', 'PER=']) {
      const bad = loupe('import', corpus, file, '--map-label', wrong);
      expect(bad.status, wrong).toBe(2);
      expect(bad.stderr).toMatch(/--map-label takes FILE_LABEL=CORPUS_LABEL \(for example PER=official\)/);
    }
    const twice = loupe('import', corpus, file, '--map-label', 'PER=official', '--map-label', 'PER=quote');
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/--map-label maps PER twice/);
  });
});
