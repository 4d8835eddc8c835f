/**
 * The browser build asks for paths in a prompt. It offers a whole path in the open corpus's folder,
 * selected, so that typing replaces it; shows the full path a relative one stands for; takes relative
 * paths from the corpus's folder (never the server's working folder); and asks before Save a copy
 * replaces a file, as a native save dialog does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { corpusTitles, expect, fileMenu, REPO, test } from './fixtures';

test('Save a copy over an existing file asks first, naming it; Cancel leaves the file as it was', async ({ page, loupe }) => {
  const existing = path.join(loupe.dataDir, 'existing.loupe');
  fs.writeFileSync(existing, 'someone else’s work');

  await fileMenu(page, 'Save a copy…');
  const prompt = page.getByRole('dialog', { name: 'Save a copy of the corpus' });
  await expect(prompt.getByRole('textbox')).toHaveValue(path.join(loupe.dataDir, 'Default copy.loupe'));
  await expect(prompt.getByRole('textbox')).toBeFocused();
  await page.keyboard.type(existing); // as a user types: over the offered path, which is selected
  await page.keyboard.press('Enter');
  const ask = page.getByRole('alertdialog', { name: 'Replace the file?' });
  await expect(ask).toContainText(`${existing} already exists.`);
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeHidden();
  expect(fs.readFileSync(existing, 'utf8')).toBe('someone else’s work');

  await fileMenu(page, 'Save a copy…');
  // As a user would: type once the prompt is there (it opens after a round trip to the server).
  await expect(prompt.getByRole('textbox')).toBeFocused();
  await page.keyboard.type(existing);
  await page.keyboard.press('Enter');
  await page.getByRole('alertdialog', { name: 'Replace the file?' }).getByRole('button', { name: 'Replace' }).click();
  await expect(page.getByRole('dialog', { name: 'Save a copy…' })).toContainText(`Saved a copy to ${existing}`);
  expect(corpusTitles(existing)).toEqual(corpusTitles(loupe.corpusPath));
});

test('New corpus: typing replaces the offered path; a relative one is taken from the corpus folder, and shown', async ({ page, loupe }) => {
  const absolute = path.join(loupe.dataDir, 'typed', 'absolute.loupe');
  fs.mkdirSync(path.dirname(absolute));
  await fileMenu(page, 'New corpus…');
  const prompt = page.getByRole('dialog', { name: 'New corpus' });
  await expect(prompt.getByRole('textbox')).toHaveValue(path.join(loupe.dataDir, 'New corpus.loupe'));
  await page.keyboard.type(absolute);
  await expect(prompt).toContainText(`Full path: ${absolute}`);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').locator('..')).toContainText('Corpus: absolute');
  expect(fs.existsSync(absolute)).toBe(true);

  // Relative to the open corpus's folder (now typed/), not to where the server was started.
  await fileMenu(page, 'New corpus…');
  await expect(prompt.getByRole('textbox')).toHaveValue(path.join(loupe.dataDir, 'typed', 'New corpus.loupe'));
  await page.keyboard.type('../relative.loupe');
  await expect(prompt).toContainText(`Full path: ${path.join(loupe.dataDir, 'relative.loupe')}`);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').locator('..')).toContainText('Corpus: relative');
  expect(fs.existsSync(path.join(loupe.dataDir, 'relative.loupe'))).toBe(true);
  expect(fs.existsSync(path.join(REPO, 'relative.loupe'))).toBe(false);
});
