/**
 * A corpus that passes SQLite's integrity check but holds a span outside its text and an attribute
 * whose options are not a list used to blank the whole page, at every start (it is the recent
 * corpus). It opens: the window says what is wrong, shows the rest, and edits still save.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { importBatch } from '../../src/main/services/importer';
import { openCorpusStore } from '../../src/main/services/loupeService';
import { FIXTURES } from '../fixturePaths';
import { startLoupeWeb } from './loupeWeb';

test('a corpus with a span outside its text and malformed attribute options opens, says so, and still saves', async ({ page }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-damaged-e2e-'));
  const corpus = path.join(dir, 'damaged.loupe');
  const store = openCorpusStore(corpus, { create: true });
  importBatch(store, [{ name: 'tricky-tagged.jsonl', data: new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'ui-fuzz/tricky-tagged.jsonl'))) }]);
  store.close();
  const db = new Database(corpus);
  db.prepare("UPDATE spans SET end_cp = 5000 WHERE id = 's1'").run();
  db.prepare(`UPDATE labels SET attributes = '[{"name":"kind","kind":"choice","options":"direct","default":null,"description":""}]' WHERE name = 'quote'`).run();
  db.close();
  const { child, url } = await startLoupeWeb(['--corpus', corpus, '--data-dir', path.join(dir, 'data')]);
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    for (const visit of ['first start', 'next start']) {
      if (visit === 'first start') await page.goto(url);
      else await page.reload();
      await expect(page.getByRole('status').filter({ hasText: 'the options of attribute “kind” of label “quote” are not a list of names' })).toBeVisible();
      await page.getByRole('navigation', { name: 'Documents' }).getByText('Tricky offsets, tagged').click();
      await expect(page.getByRole('status').filter({ hasText: 'span s1 (quote): [22, 5000) lies outside the text (233 characters)' })).toBeVisible();
      await expect(page.locator('.ProseMirror')).toContainText('最后一段没有换行符');
      await expect(page.getByRole('complementary', { name: 'Spans' }).getByRole('listitem')).toHaveCount(12);
    }
    // The rest of the document is edited and saved as usual; the span left out stays in the file.
    await page.getByRole('button', { name: 'Edit text', exact: true }).click();
    await page.locator('.ProseMirror p').last().click();
    await page.keyboard.press('End');
    await page.keyboard.type('!');
    await page.keyboard.press('Control+s');
    await expect(page.locator('.save-status')).toHaveText('Saved');
    const check = new Database(corpus, { readonly: true });
    expect((check.prepare('SELECT text FROM documents').get() as { text: string }).text.endsWith('换行符。!')).toBe(true);
    // Kept, moved by the same rule as every span (the typed character fell inside its range).
    expect(check.prepare("SELECT start_cp, end_cp FROM spans WHERE id = 's1'").get()).toEqual({ start_cp: 22, end_cp: 5001 });
    check.close();
    expect(errors).toEqual([]);
    await page.screenshot({ path: test.info().outputPath('damaged-corpus.png') });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
