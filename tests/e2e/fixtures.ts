/**
 * Each test gets its own Loupe: a fresh data folder and a `loupe web` process on a free loopback
 * port, started exactly as a user would start it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { test as base, expect, type Page } from '@playwright/test';
import { REPO, startLoupeWeb } from './loupeWeb';

export { REPO };

export { CORPUS_FIXTURES } from '../fixturePaths';

export interface LoupeServer {
  url: string;
  dataDir: string;
  corpusPath: string;
  /** Reads rows straight from the corpus file, as another tool would. */
  query<T>(sql: string, ...params: unknown[]): T[];
}

const startServer = (dataDir: string) => startLoupeWeb(['--data-dir', dataDir]);

export const test = base.extend<{ loupe: LoupeServer }>({
  // auto: every test gets its own server and an opened page, whether or not it reads the corpus
  loupe: [async ({ page }, use) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-e2e-'));
    const { child, url } = await startServer(dataDir);
    const corpusPath = path.join(dataDir, 'Default.loupe');
    const query = <T,>(sql: string, ...params: unknown[]): T[] => {
      const db = new Database(corpusPath, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    };
    await page.goto(url);
    await expect(page.getByRole('navigation', { name: 'Documents' })).toBeVisible();
    await use({ url, dataDir, corpusPath, query });
    // A server that died during the test (the failure to report) has nothing left to stop.
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, { auto: true }],
});

export { expect };

/** The editor's root element. */
export const editor = (page: Page) => page.locator('.ProseMirror');

/**
 * Selects the `occurrence`-th match of `needle` in the editor, as a mouse drag would: a DOM
 * selection that ProseMirror reads on selectionchange. The needle may cross span elements
 * and paragraphs ("\n" stands for a paragraph break); `part` selects only that slice of the match.
 */
export async function selectText(
  page: Page,
  needle: string,
  options: { occurrence?: number; part?: { start: number; end: number } } = {},
): Promise<void> {
  const { occurrence = 0, part } = options;
  const found = await page.evaluate(
    ({ needle, occurrence, part }) => {
      const root = document.querySelector('.ProseMirror')!;
      const nodes: { node: Text; start: number }[] = [];
      let text = '';
      const paragraphs = root.querySelectorAll('p');
      paragraphs.forEach((p, i) => {
        if (i > 0) text += '\n';
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          nodes.push({ node: n as Text, start: text.length });
          text += (n as Text).data;
        }
      });
      let index = -1;
      for (let k = 0; k <= occurrence; k++) {
        index = text.indexOf(needle, index + 1);
        if (index < 0) return false;
      }
      // A boundary offset may sit at the end of one text node or the start of the next (or between
      // paragraphs): any such DOM position is fine, ProseMirror maps it to the same place.
      const locate = (offset: number) => {
        for (const { node, start } of nodes) {
          if (offset >= start && offset <= start + node.data.length) return { node, offset: offset - start };
        }
        const next = nodes.find((n) => n.start > offset) ?? nodes[nodes.length - 1]!;
        return { node: next.node, offset: 0 };
      };
      const a = locate(index + (part?.start ?? 0));
      const b = locate(index + (part?.end ?? needle.length));
      const range = document.createRange();
      range.setStart(a.node, a.offset);
      range.setEnd(b.node, b.offset);
      const selection = window.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    },
    { needle, occurrence, part },
  );
  expect(found, `"${needle}" should be in the editor`).toBe(true);
  // ProseMirror reads the DOM selection on selectionchange, which fires asynchronously.
  await page.waitForTimeout(50);
}

/** Waits until the status bar says everything is saved. */
export async function waitSaved(page: Page): Promise<void> {
  await expect(page.locator('.save-status')).toHaveText('Saved');
}

/** Imports files through File > Import, answering the file chooser. */
export async function importFiles(page: Page, files: string[]): Promise<void> {
  await page.getByRole('menuitem', { name: 'File' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('menuitem', { name: 'Import…' }).click();
  await (await chooser).setFiles(files);
}

/**
 * Exports through File > Export and returns the downloaded files' contents: one file, or for CSV
 * two (the spans CSV, then the links CSV).
 */
export async function exportFiles(page: Page, scope: 'corpus' | 'document', format: 'JSONL' | 'JSON' | 'CSV'): Promise<string[]> {
  const expected = format === 'CSV' ? 2 : 1;
  const downloads: import('@playwright/test').Download[] = [];
  const all = new Promise<void>((resolve) => {
    const on = (d: import('@playwright/test').Download) => {
      downloads.push(d);
      if (downloads.length === expected) {
        page.off('download', on);
        resolve();
      }
    };
    page.on('download', on);
  });
  await page.getByRole('menuitem', { name: 'File' }).click();
  const label = scope === 'corpus' ? 'Export corpus' : 'Export document';
  await page.getByRole('menuitem', { name: `${label}: ${format}`, exact: true }).click();
  await all;
  return Promise.all(downloads.map(async (d) => fs.readFileSync(await d.path(), 'utf8')));
}

/** Exports through File > Export and returns the (first) downloaded file's content. */
export async function exportVia(page: Page, scope: 'corpus' | 'document', format: 'JSONL' | 'JSON' | 'CSV'): Promise<string> {
  return (await exportFiles(page, scope, format))[0]!;
}

/** Chooses `item` in the browser build's File menu. */
export async function fileMenu(page: Page, item: string): Promise<void> {
  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

/** Answers the browser build's path prompt titled `title`, once it has the keyboard. */
export async function answerPath(page: Page, title: string, value: string): Promise<void> {
  const box = page.getByRole('dialog', { name: title }).getByRole('textbox');
  await expect(box).toBeFocused();
  await box.fill(value);
  await box.press('Enter');
}

/** The document titles of a corpus file, in id order, read as another tool would. */
export function corpusTitles(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT title FROM documents ORDER BY id').all() as { title: string }[]).map((r) => r.title);
  } finally {
    db.close();
  }
}
