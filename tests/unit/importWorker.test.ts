/**
 * Import from paths (the app's File › Import): read in a worker, stored in batches, with progress and
 * Cancel; and the brat conf rule the app and the CLI share.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoupeService, type LoupeService } from '../../src/main/services/loupeService';
import { importBatch } from '../../src/main/services/importer';
import { openCorpusStore } from '../../src/main/services/loupeService';
import { walkFolder } from '../../src/main/files/folderWalk';
import { planImportChunks } from '../../src/shared/importPlan';
import { emptyImportReport, mergeImportReports } from '../../src/shared/types';
import { CORPUS_FIXTURES, FIXTURES } from '../fixturePaths';

const BRAT_FIXTURES = path.join(FIXTURES, 'brat');

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'bin/loupe.cjs');
const CONF_BESIDE = path.join(BRAT_FIXTURES, 'conf-beside-data', 'corpus');

let dir: string;
let service: LoupeService;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-import-worker-'));
  service = createLoupeService({ dataDir: dir, corpusPath: path.join(dir, 'c.loupe'), backups: false });
});
afterEach(() => {
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Rows of a corpus file, read as another tool would. */
const rows = <T,>(corpus: string, sql: string): T[] => {
  const db = new Database(corpus, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
};

/** `count` small articles, each in its own file under `folder`. */
function writeArticles(folder: string, count: number): void {
  fs.mkdirSync(folder, { recursive: true });
  for (let i = 0; i < count; i++) {
    fs.writeFileSync(path.join(folder, `a${String(i).padStart(5, '0')}.txt`), `第${i}篇\n县委书记在会上说，今年要办好第${i}件实事。\n`);
  }
}

describe('importPaths', () => {
  it('imports a folder read in a worker with the same report as the same bytes imported in one go', async () => {
    const folder = path.join(BRAT_FIXTURES, 'example-data');
    const listed = await walkFolder(folder);
    const report = await service.importPaths({ files: listed });
    const store = openCorpusStore(path.join(dir, 'other.loupe'), { create: true });
    try {
      const inMemory = importBatch(
        store,
        listed.map((f) => ({ name: f.name, data: new Uint8Array(fs.readFileSync(f.path)) })),
      );
      const view = (r: typeof report) => ({
        imported: r.imported.map((i) => [i.name, i.title, i.spans, i.links, i.notes]),
        skipped: r.skipped,
        failed: r.failed,
        schemaAdded: r.schemaAdded,
      });
      expect(report.imported.length).toBeGreaterThan(0);
      expect(view(report)).toEqual(view(inMemory));
    } finally {
      store.close();
    }
    expect(rows<{ n: number }>(path.join(dir, 'c.loupe'), 'SELECT count(*) AS n FROM documents')[0]!.n).toBe(report.imported.length);
  });

  it('reports a file that cannot be read by name, and imports the rest', async () => {
    const good = path.join(CORPUS_FIXTURES, 'jinzhong-two-sessions.txt');
    const report = await service.importPaths({
      files: [
        { path: path.join(dir, 'gone.txt'), name: 'gone.txt' },
        { path: dir, name: 'a-folder.txt' },
        { path: good, name: 'jinzhong-two-sessions.txt' },
      ],
    });
    expect(report.imported.map((i) => i.name)).toEqual(['jinzhong-two-sessions.txt']);
    expect(report.failed.map((f) => f.name)).toEqual(['gone.txt', 'a-folder.txt']);
    expect(report.failed[0]!.error).toBe('no such file or folder');
    expect(report.failed[1]!.reason?.key).toBe('error.notRegularFile');
  });

  it('a dry run reports what would be imported and writes nothing', async () => {
    const folder = path.join(dir, 'articles');
    writeArticles(folder, 40);
    const before = (await service.corpusInfo({})).documentCount;
    const report = await service.importPaths({ files: await walkFolder(folder), dryRun: true });
    expect(report.imported).toHaveLength(40);
    expect((await service.corpusInfo({})).documentCount).toBe(before);
  });

  it('tells its progress while it runs, and Cancel keeps whole files, reported, and reads no further', async () => {
    const folder = path.join(dir, 'articles');
    writeArticles(folder, 3000);
    const files = await walkFolder(folder);
    expect(await service.importProgress({})).toBeNull();
    expect(await service.cancelImport({})).toBe(false);
    const running = service.importPaths({ files });
    let progress = await service.importProgress({});
    while (!progress || progress.done === 0) {
      await new Promise((r) => setTimeout(r, 1));
      progress = await service.importProgress({});
    }
    expect(progress).not.toBeNull();
    expect(progress!.total).toBe(3000);
    expect(await service.cancelImport({})).toBe(true);
    const report = await running;
    expect(report.cancelled).toBe(true);
    expect(report.imported.length).toBeGreaterThan(0);
    expect(report.imported.length).toBeLessThan(3000);
    expect(await service.importProgress({})).toBeNull();
    // What the report lists is what the corpus holds: whole files, nothing of the files after them.
    const titles = rows<{ title: string; text: string }>(path.join(dir, 'c.loupe'), "SELECT title, text FROM documents WHERE title LIKE '第%篇'");
    expect(titles.map((t) => t.title).sort()).toEqual(report.imported.map((i) => i.title).sort());
    for (const t of titles) expect(t.text).toMatch(/^第\d+篇\n县委书记在会上说，今年要办好第\d+件实事。$/);
  });
});

describe('brat: annotation.conf in conf/ beside data/ (one rule for the app and the CLI)', () => {
  const confLabels = ['Speaker', 'Organisation'];
  const schemaOf = async () => (await service.corpusInfo({})).labels.map((l) => l.name);

  it('the app (paths from the folder dialog) reads data/a.txt with conf/annotation.conf', async () => {
    const report = await service.importPaths({ files: await walkFolder(CONF_BESIDE) });
    expect(report.failed).toEqual([]);
    expect(report.imported.map((i) => i.name)).toEqual(['corpus/data/a.txt']);
    // Organisation is declared only in the conf: it arrives only when the conf was read.
    expect(await schemaOf()).toEqual(expect.arrayContaining(confLabels));
    expect(report.schemaAdded.linkTypes).toContain('said_by');
  });

  it('the browser build’s chunks carry conf/annotation.conf with data/a.txt', async () => {
    const files = (await walkFolder(CONF_BESIDE)).map((f) => ({ name: f.name, data: new Uint8Array(fs.readFileSync(f.path)) }));
    const chunks = planImportChunks(files);
    const withTxt = chunks.find((c) => c.some((f) => f.name === 'corpus/data/a.txt'))!;
    expect(withTxt.map((f) => f.name)).toContain('corpus/conf/annotation.conf');
    const total = emptyImportReport();
    for (const chunk of chunks) mergeImportReports(total, await service.importFiles({ files: chunk }));
    expect(total.imported.map((i) => i.name)).toEqual(['corpus/data/a.txt']);
    expect(await schemaOf()).toEqual(expect.arrayContaining(confLabels));
  });

  it('the CLI reads data/a.txt with conf/annotation.conf', () => {
    const corpus = path.join(dir, 'cli.loupe');
    const run = spawnSync(process.execPath, [BIN, 'import', corpus, CONF_BESIDE], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^imported corpus\/data\/a\.txt \(brat, /m);
    expect(run.stdout).toMatch(/^labels added to the schema: .*Organisation/m);
    const labels = rows<{ name: string }>(corpus, 'SELECT name FROM labels').map((l) => l.name);
    expect(labels).toEqual(expect.arrayContaining(confLabels));
  });
});
