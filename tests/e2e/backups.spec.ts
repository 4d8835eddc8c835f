/**
 * File › Save a copy, File › Restore from backup, a read-only corpus and a damaged one, as a user
 * meets them in the window.
 */
import fs from 'node:fs';
import path from 'node:path';
import { answerPath, corpusTitles, editor, expect, fileMenu, selectText, test } from './fixtures';

test('save a copy, then restore the corpus from a backup as a new file beside it', async ({ page, loupe }) => {
  const expected = corpusTitles(loupe.corpusPath);
  expect(expected.length).toBeGreaterThan(0);
  const copy = path.join(loupe.dataDir, '\u526f\u672c.loupe');
  await fileMenu(page, 'Save a copy…');
  await answerPath(page, 'Save a copy of the corpus', copy);
  const saved = page.getByRole('dialog', { name: 'Save a copy…' });
  await expect(saved).toContainText(`Saved a copy to ${copy}`);
  await saved.getByRole('button').click();
  expect(corpusTitles(copy)).toEqual(expected);

  // The backup taken when the default corpus opened on first start.
  await fileMenu(page, 'Restore from backup…');
  const dialog = page.getByRole('dialog', { name: 'Restore from a backup' });
  const restore = dialog.getByRole('button', { name: /^Restore / }).first();
  await expect(restore).toBeVisible();
  await restore.click();
  await expect(page.getByText(/^Corpus: Default \(backup \d{4}-\d{2}-\d{2} \d{2}\.\d{2}\)$/)).toBeVisible();
  const restored = fs.readdirSync(loupe.dataDir).filter((f) => /^Default \(backup .*\)\.loupe$/.test(f));
  expect(restored).toHaveLength(1);
  expect(corpusTitles(path.join(loupe.dataDir, restored[0]!))).toEqual(expected);
});

test('a corpus opened read-only says so, and nothing in it changes', async ({ page, loupe }) => {
  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'Open corpus read-only…' }).click();
  await answerPath(page, 'Open corpus', loupe.corpusPath);
  await expect(page.getByRole('status').filter({ hasText: 'This corpus is read-only' })).toBeVisible();
  const before = loupe.query<{ n: number }>('SELECT count(*) AS n FROM spans')[0]!.n;
  await editor(page).locator('p').first().waitFor();
  const firstWords = ((await editor(page).locator('p').first().textContent()) ?? '').slice(0, 4);
  await selectText(page, firstWords);
  await page.keyboard.press('1');
  await page.keyboard.press('e');
  await expect(editor(page)).toHaveAttribute('contenteditable', 'false');
  await page.waitForTimeout(500);
  expect(loupe.query<{ n: number }>('SELECT count(*) AS n FROM spans')[0]!.n).toBe(before);
});

test('opening a damaged corpus leaves it untouched and offers its newest backup', async ({ page, loupe }) => {
  const copy = path.join(loupe.dataDir, 'copy.loupe');
  await fileMenu(page, 'Save a copy…');
  await answerPath(page, 'Save a copy of the corpus', copy);
  await page.getByRole('dialog', { name: 'Save a copy…' }).getByRole('button').click();
  // Opening the copy takes its first backup; then back to the default corpus.
  await fileMenu(page, 'Open corpus…');
  await answerPath(page, 'Open corpus', copy);
  await expect(page.getByText('Corpus: copy', { exact: true })).toBeVisible();
  // The backup itself, not just its folder (the folder is made before the file is written and renamed in).
  const backups = path.join(loupe.dataDir, 'backups');
  await expect
    .poll(() =>
      fs
        .readdirSync(backups)
        .filter((d) => d.startsWith('copy-'))
        .some((d) => fs.readdirSync(path.join(backups, d)).some((f) => f.endsWith('.loupe'))),
    )
    .toBe(true);
  await fileMenu(page, 'Open corpus…');
  await answerPath(page, 'Open corpus', loupe.corpusPath);
  await expect(page.getByText('Corpus: Default', { exact: true })).toBeVisible();

  // Garbage over the copy's pages after the schema.
  const fd = fs.openSync(copy, 'r+');
  const size = fs.fstatSync(fd).size;
  for (let at = 2 * 4096; at < size - 4096; at += 2 * 4096) fs.writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, at);
  fs.closeSync(fd);
  const damaged = fs.readFileSync(copy);

  await fileMenu(page, 'Open corpus…');
  await answerPath(page, 'Open corpus', copy);
  const offer = page.getByRole('alertdialog', { name: 'A corpus is damaged' });
  await expect(offer).toContainText(`${copy} is damaged and was left as it is`);
  await offer.getByRole('button', { name: 'Open the backup' }).click();
  await expect(page.getByText(/^Corpus: copy \(backup .*\)$/)).toBeVisible();
  expect(fs.readFileSync(copy).equals(damaged)).toBe(true);
});
