/**
 * axe-core over every view of the browser build: the main window in English and in Chinese (the UI
 * language setting), its menus, the find bar, edit mode, a read-only corpus, and each dialog the app
 * has. axe's default rules run (WCAG 2.x A and AA, best practices) and its experimental ones too
 * (label-content-name-mismatch is one of them); a view passes with no violation at all. The AAA rules
 * (enhanced contrast) are not part of axe's default set and are not asked for here.
 */
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import axe from 'axe-core';
import type { Page } from '@playwright/test';
import { FIXTURES } from '../fixturePaths';
import { CORPUS_FIXTURES, expect, fileMenu, importFiles, selectText, test } from './fixtures';

const WITH_EXPERIMENTAL = Object.fromEntries(axe.getRules(['experimental']).map((r) => [r.ruleId, { enabled: true }]));

/** Runs axe over the page as it is and fails with each violation's rule and elements. */
async function expectNoViolations(page: Page, view: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).options({ rules: WITH_EXPERIMENTAL }).analyze();
  const found = violations.map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, `axe violations in ${view}`).toEqual([]);
}

const ARTICLE = path.join(CORPUS_FIXTURES, 'jinzhong-two-sessions.txt');

test('the main window in English and in Chinese, its menus, the find bar, edit mode and a selected span', async ({ page }) => {
  await expectNoViolations(page, 'the main window');
  for (const menu of ['File', 'Edit', 'View', 'Help']) {
    await page.getByRole('menuitem', { name: menu, exact: true }).click();
    await expect(page.getByRole('menu', { name: menu })).toBeVisible();
    await expectNoViolations(page, `the ${menu} menu`);
    await page.keyboard.press('Escape');
  }
  // A document with spans, one selected: the inspector shows it.
  await importFiles(page, [ARTICLE]);
  await expect(page.locator('.ProseMirror')).toContainText('赵宏钟');
  await selectText(page, '赵宏钟');
  await page.getByRole('button', { name: 'official', exact: true }).click();
  await expect(page.getByRole('complementary', { name: 'Spans' }).getByRole('listitem')).toHaveCount(1);
  await expectNoViolations(page, 'the main window with a selected span');
  await page.keyboard.press('/');
  await expect(page.getByRole('search')).toBeVisible();
  await expectNoViolations(page, 'the find bar');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Edit text' }).click();
  await expectNoViolations(page, 'edit mode');
  await page.getByRole('button', { name: 'Annotate' }).click();

  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.getByRole('menuitemradio', { name: 'Language: 简体中文' }).click();
  await expect(page.getByRole('navigation', { name: '文档' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('textbox', { name: '文章正文' })).toBeVisible();
  await expectNoViolations(page, 'the main window in Chinese');
  await page.getByRole('button', { name: '快捷键（？）' }).click();
  await expect(page.getByRole('dialog', { name: '键盘操作' })).toBeVisible();
  await expectNoViolations(page, 'the key help in Chinese');
});

test('the dialogs: new corpus, open, save a copy and its confirmation, export, backups, key help, about, rename', async ({ page, loupe }) => {
  const dialogs: [string, string, () => Promise<void>][] = [
    ['New corpus', 'dialog', () => fileMenu(page, 'New corpus…')],
    ['Open corpus', 'dialog', () => fileMenu(page, 'Open corpus…')],
    ['Save a copy of the corpus', 'dialog', () => fileMenu(page, 'Save a copy…')],
    ['Export', 'dialog', () => fileMenu(page, 'Export…')],
    ['Restore from a backup', 'dialog', () => fileMenu(page, 'Restore from backup…')],
    ['Keyboard', 'dialog', () => page.getByRole('button', { name: 'Keys' }).click()],
    ['About Loupe', 'dialog', async () => {
      await page.getByRole('menuitem', { name: 'Help' }).click();
      await page.getByRole('menuitem', { name: 'About Loupe' }).click();
    }],
    ['Rename document', 'dialog', async () => {
      await page.getByRole('navigation', { name: 'Documents' }).getByRole('button').first().focus();
      await page.keyboard.press('F2');
    }],
  ];
  for (const [name, role, open] of dialogs) {
    await open();
    const dialog = page.getByRole(role as 'dialog', { name });
    await expect(dialog).toBeVisible();
    await expectNoViolations(page, `the ${name} dialog`);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  }

  // Save a copy over a file that exists asks first.
  const existing = path.join(loupe.dataDir, 'existing.loupe');
  fs.writeFileSync(existing, 'someone else’s work');
  await fileMenu(page, 'Save a copy…');
  const prompt = page.getByRole('dialog', { name: 'Save a copy of the corpus' });
  await expect(prompt.getByRole('textbox')).toBeFocused();
  await prompt.getByRole('textbox').fill(existing);
  await prompt.getByRole('textbox').press('Enter');
  const ask = page.getByRole('alertdialog', { name: 'Replace the file?' });
  await expect(ask).toBeVisible();
  await expectNoViolations(page, 'the confirmation to replace a file');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeHidden();
});

test('the import dialogs: the report with its options, and new labels to map', async ({ page }) => {
  await importFiles(page, [ARTICLE]);
  await expect(page.locator('.ProseMirror')).toContainText('赵宏钟');
  await importFiles(page, [ARTICLE]);
  const report = page.getByRole('alertdialog', { name: 'Import report' });
  await expect(report.getByRole('button', { name: 'Import them anyway' })).toBeVisible();
  await expectNoViolations(page, 'the import report');
  await report.getByRole('button', { name: 'Close' }).click();
  await expect(report).toBeHidden();

  await importFiles(page, [path.join(FIXTURES, 'import-policy/quote-per.jsonl')]);
  const choose = page.getByRole('dialog', { name: 'Labels new to this corpus' });
  await expect(choose).toBeVisible();
  await expectNoViolations(page, 'the label mapping');
  await page.keyboard.press('Escape');
  await expect(choose).toBeHidden();
});

test('the schema editor and its confirmations', async ({ page }) => {
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  await page.getByRole('menuitem', { name: 'Schema…' }).click();
  const dialog = page.getByRole('dialog', { name: /Annotation schema of/ });
  await expect(dialog).toBeVisible();
  await expectNoViolations(page, 'the schema editor');
  // With an attribute of each kind open.
  const slogan = dialog.getByRole('group', { name: 'Label 4', exact: true });
  await slogan.getByRole('button', { name: 'Add attribute' }).click();
  await slogan.getByRole('group', { name: 'Attribute 1', exact: true }).getByRole('combobox', { name: 'Kind' }).selectOption('choice');
  await expectNoViolations(page, 'the schema editor with a choice attribute');
  await page.keyboard.press('Escape');
  const ask = page.getByRole('alertdialog', { name: 'Discard your changes to the schema?' });
  await expect(ask).toBeVisible();
  await expectNoViolations(page, 'the confirmation to discard schema changes');
  await ask.getByRole('button', { name: 'Discard changes' }).click();
  await expect(dialog).toBeHidden();
});

test('a read-only corpus', async ({ page, loupe }) => {
  await fileMenu(page, 'Open corpus read-only…');
  const prompt = page.getByRole('dialog', { name: 'Open corpus' });
  await expect(prompt.getByRole('textbox')).toBeFocused();
  await prompt.getByRole('textbox').fill(loupe.corpusPath);
  await prompt.getByRole('textbox').press('Enter');
  await expect(page.getByRole('status').filter({ hasText: /read-only/i })).toBeVisible();
  await expectNoViolations(page, 'a read-only corpus');
});
