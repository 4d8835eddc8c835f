import Database from 'better-sqlite3';
import { answerPath, editor, expect, selectText, test, waitSaved } from './fixtures';

/** Each span of the corpus file with its annotator, as another tool reads it. */
function spansByAnnotator(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT label || ':' || coalesce(annotator, '-') AS s FROM spans ORDER BY label, annotator").all() as { s: string }[]).map((r) => r.s);
  } finally {
    db.close();
  }
}

test('the status bar asks for the annotator’s name; another name opens that person’s layer, and switching back brings one’s own', async ({ page, loupe }) => {
  await expect(editor(page)).toContainText('县委书记周振华');
  const status = page.locator('.status-annotator');
  await expect(status).toHaveText(/^Annotator: .+ \(set your name\)$/);
  const defaultName = /^Annotator: (.+) \(set your name\)$/.exec((await status.textContent())!)![1]!;
  // Asked once, above the work: the computer's user name is offered.
  const ask = page.getByRole('region', { name: 'Your name as annotator' });
  await expect(ask).toContainText(`Yours are recorded as “${defaultName}”`);

  // Tagged under the computer's user name until another is chosen.
  await selectText(page, '县委书记周振华');
  await page.keyboard.press('4');
  await waitSaved(page);
  await expect(editor(page).locator('.lp-span')).not.toHaveCount(0);

  await status.click();
  await answerPath(page, 'Your name as annotator', '王芳');
  await expect(status).toHaveText('Annotator: 王芳');
  await expect(ask).toHaveCount(0); // answered: not asked again
  await expect(page.locator('main[aria-busy="true"]')).toHaveCount(0);
  // 王芳's layer of this document is empty: the text is the same, the spans are hers.
  await expect(editor(page)).toContainText('县委书记周振华');
  await expect(editor(page).locator('.lp-span')).toHaveCount(0);
  await selectText(page, '周振华');
  await page.keyboard.press('2');
  await waitSaved(page);

  // Edit › Your name as annotator… offers the name in use.
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  await page.getByRole('menuitem', { name: 'Your name as annotator…' }).click();
  await expect(page.getByRole('dialog', { name: 'Your name as annotator' }).getByRole('textbox')).toHaveValue('王芳');
  await answerPath(page, 'Your name as annotator', defaultName);
  await expect(status).toHaveText(`Annotator: ${defaultName}`);
  await expect(editor(page).locator('.lp-span[data-label="official"]')).toHaveCount(0);
  await expect(editor(page).locator('.lp-span[data-label="slogan"]')).not.toHaveCount(0);

  expect(spansByAnnotator(loupe.corpusPath)).toEqual(expect.arrayContaining(['official:王芳', `slogan:${defaultName}`]));

  // 王芳's layer can be read, not changed: the text is locked and the label keys do nothing.
  const layer = page.getByRole('combobox', { name: 'Layer' });
  await expect(layer).toHaveValue(defaultName);
  await layer.selectOption('王芳');
  await expect(page.getByRole('status').filter({ hasText: 'You are reading 王芳’s layer: read-only' })).toBeVisible();
  await expect(editor(page).locator('.lp-span[data-label="official"]')).not.toHaveCount(0);
  await expect(editor(page).locator('.lp-span[data-label="slogan"]')).toHaveCount(0);
  await selectText(page, '会上');
  await page.keyboard.press('3');
  await page.keyboard.press('e'); // edit mode: refused while reading another's layer
  await page.keyboard.type('x');
  await expect(editor(page).locator('.lp-span[data-label="pledge"]')).toHaveCount(0);
  await expect(editor(page)).not.toContainText('x');
  await layer.selectOption(defaultName);
  await expect(page.getByText('You are reading')).toHaveCount(0);
  await expect(editor(page).locator('.lp-span[data-label="slogan"]')).not.toHaveCount(0);
  expect(spansByAnnotator(loupe.corpusPath)).toHaveLength(2);
});

test('the first-run question keeps the offered name: asked once, not again after a reload', async ({ page }) => {
  await expect(editor(page)).toContainText('县委书记周振华');
  const ask = page.getByRole('region', { name: 'Your name as annotator' });
  const status = page.locator('.status-annotator');
  const defaultName = /^Annotator: (.+) \(set your name\)$/.exec((await status.textContent())!)![1]!;
  await ask.getByRole('button', { name: `Keep “${defaultName}”` }).click();
  await expect(ask).toHaveCount(0);
  await expect(status).toHaveText(`Annotator: ${defaultName}`);
  await page.reload();
  await expect(editor(page)).toContainText('县委书记周振华');
  await expect(status).toHaveText(`Annotator: ${defaultName}`);
  await expect(ask).toHaveCount(0);
});
