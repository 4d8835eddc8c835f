/**
 * What a new user met in the first hour (issue 12, item 4): Esc closes every dialog; the key help
 * opens at its top; the File menu fits a short window; a refusal reads as what it is, not as a crash;
 * and a read-only corpus is read-only everywhere — the inspector, renaming, importing, the schema
 * editor, links drawn with the mouse — not only in the text.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { answerPath, editor, expect, fileMenu, selectText, test } from './fixtures';

test('Esc closes message, question and prompt dialogs, wherever the focus is', async ({ page }) => {
  await page.getByRole('menuitem', { name: 'Help' }).click();
  await page.getByRole('menuitem', { name: 'About Loupe' }).click();
  const about = page.getByRole('dialog', { name: 'About Loupe' });
  await expect(about).toBeVisible();
  // The focus wandered off the Close button (a click on the dialog's text).
  await about.locator('p').first().click();
  await page.keyboard.press('Escape');
  await expect(about).toBeHidden();

  await fileMenu(page, 'New corpus…');
  const prompt = page.getByRole('dialog', { name: 'New corpus' });
  await expect(prompt).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(prompt).toBeHidden();
  // The key reached no one behind the dialog: the editor is still in annotate mode, no find bar opened.
  await expect(page.getByRole('search')).toHaveCount(0);
});

test('the key help opens at its top, even in a short window', async ({ page }) => {
  await page.setViewportSize({ width: 1000, height: 520 });
  await page.locator('.editor-scroll').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('button', { name: 'Close' })).toBeFocused();
  const scrolled = await help.evaluate((el) => {
    const scroller = [el, ...el.querySelectorAll('*')].find((e) => e.scrollHeight > e.clientHeight + 1 && getComputedStyle(e).overflowY !== 'visible');
    return scroller ? scroller.scrollTop : 0;
  });
  expect(scrolled).toBe(0);
  await expect(help.getByRole('heading', { level: 3 }).first()).toBeInViewport();
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});

test('the File menu fits a 757-pixel window: it scrolls, and its last item can be chosen', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 757 });
  await page.getByRole('menuitem', { name: 'File' }).click();
  const menu = page.getByRole('menu', { name: 'File' });
  const box = (await menu.boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(757);
  const save = menu.getByRole('menuitem', { name: 'Save Ctrl+S' });
  await save.scrollIntoViewIfNeeded();
  await expect(save).toBeInViewport();
  await save.click();
  await expect(menu).toBeHidden();
});

test('a refusal reads as what it is, not as “Something went wrong”', async ({ page, loupe }) => {
  const folder = path.join(loupe.dataDir, 'a folder');
  fs.mkdirSync(folder);
  await fileMenu(page, 'Open corpus…');
  await answerPath(page, 'Open corpus', folder);
  const banner = page.getByRole('alert');
  await expect(banner).toContainText('folder');
  await expect(banner).not.toContainText('Something went wrong');
});

test('a read-only corpus: the inspector, renaming, importing, the schema editor and mouse links change nothing', async ({ page, loupe }) => {
  const hash = () => crypto.createHash('sha256').update(fs.readFileSync(loupe.corpusPath)).digest('hex');
  // A quote and an official, linked, so that the inspector has something to offer.
  await editor(page).locator('p').first().waitFor();
  const words = ((await editor(page).locator('p').nth(1).textContent()) ?? '').slice(0, 6);
  await selectText(page, words.slice(0, 3));
  await page.keyboard.press('1');
  await selectText(page, words.slice(3, 6));
  await page.keyboard.press('2');
  await page.keyboard.press('Control+s');
  await expect(page.locator('.save-status')).toHaveText('Saved');

  await fileMenu(page, 'Open corpus read-only…');
  await answerPath(page, 'Open corpus', loupe.corpusPath);
  await expect(page.getByRole('status').filter({ hasText: 'This corpus is read-only' })).toBeVisible();
  await editor(page).locator('p').first().waitFor();
  const before = hash();

  // The inspector: the document's status and note cannot be changed.
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await expect(inspector.getByRole('combobox', { name: 'Status' })).toBeDisabled();
  await expect(inspector.getByRole('textbox', { name: 'Document note' })).not.toBeEditable();
  // A span's attributes and note neither; no link can be added or removed.
  await page.getByRole('complementary', { name: 'Spans' }).getByRole('listitem').first().click();
  await expect(inspector.locator('[data-attr]').first()).toBeDisabled();
  await expect(inspector.getByRole('textbox', { name: 'Note' })).not.toBeEditable();
  await expect(inspector.getByRole('button', { name: /Link to/ })).toHaveCount(0);

  // Renaming a document (F2 or a double click) asks nothing.
  await page.getByRole('navigation', { name: 'Documents' }).getByRole('button').first().dblclick();
  await expect(page.getByRole('dialog', { name: 'Rename document' })).toHaveCount(0);

  // Importing says why not, before any file is chosen.
  let chooserOpened = false;
  page.once('filechooser', () => (chooserOpened = true));
  await fileMenu(page, 'Import…');
  const why = page.getByRole('dialog', { name: 'Import report' });
  await expect(why).toContainText('open read-only');
  await page.keyboard.press('Escape');
  expect(chooserOpened).toBe(false);

  // The schema editor shows the schema, and offers no way to change it.
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  await page.getByRole('menuitem', { name: 'Schema…' }).click();
  const schema = page.getByRole('dialog', { name: /Annotation schema/ });
  await expect(schema).toContainText('open read-only');
  await expect(schema.getByRole('textbox').first()).toBeDisabled();
  await expect(schema.getByRole('button', { name: 'Save' })).toHaveCount(0);
  await schema.getByRole('button', { name: 'Close' }).click();

  // Alt+drag from the quote to the official draws no link.
  const quote = page.locator('.lp-span[data-label="quote"]').first();
  const official = page.locator('.lp-span[data-label="official"]').first();
  const a = (await quote.boundingBox())!;
  const b = (await official.boundingBox())!;
  await page.keyboard.down('Alt');
  await page.mouse.move(a.x + 3, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + 3, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Alt');
  await page.waitForTimeout(600);
  await expect(page.locator('.save-status')).toHaveText('Saved');
  expect(hash()).toBe(before);
});
