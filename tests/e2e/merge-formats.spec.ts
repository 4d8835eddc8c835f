import fs from 'node:fs';
import path from 'node:path';
import { answerPath, editor, expect, fileMenu, REPO, test } from './fixtures';

/** The sample article's text, as the first run puts it in the corpus. */
const sampleText = (): string =>
  (JSON.parse(fs.readFileSync(path.join(REPO, 'resources/sample/sample-corpus.json'), 'utf8')) as { documents: { text: string }[] }).documents[0]!.text;

test('File › Merge annotations from… takes a doccano file, asks whose its spans are, and shows them as that annotator’s layer', async ({ page, loupe }) => {
  await expect(editor(page)).toContainText('县委书记周振华');
  const text = sampleText();
  const start = [...text.slice(0, text.indexOf('县委书记周振华'))].length;
  const file = path.join(loupe.dataDir, 'admin.jsonl');
  fs.writeFileSync(file, `${JSON.stringify({ text, label: [[start, start + 7, 'official']] })}\n`);

  await fileMenu(page, 'Merge annotations from…');
  await answerPath(page, 'Merge annotations from', file);
  await answerPath(page, 'Merge annotations', '张三'); // 1 span names no annotator: whose?
  const report = page.getByRole('dialog', { name: 'Merge annotations' });
  await expect(report).toContainText('张三: spans added: 1');
  await report.getByRole('button', { name: 'Close' }).click();
  expect(loupe.query<{ annotator: string; n: number }>('SELECT annotator, count(*) AS n FROM spans GROUP BY annotator')).toEqual([{ annotator: '张三', n: 1 }]);

  // The layer switcher shows 张三's layer, read-only; and every layer side by side.
  const switcher = page.getByRole('combobox', { name: 'Layer' });
  await switcher.selectOption({ label: '张三: 1 spans, read-only' });
  await expect(editor(page).locator('.lp-span')).toHaveText(['县委书记周振华']);
  await switcher.selectOption({ label: 'All layers, as lanes' });
  const lanes = page.getByRole('region', { name: /^All layers of / });
  await expect(lanes).toBeFocused();
  await expect(lanes.getByRole('list', { name: 'Lanes, top to bottom' })).toContainText('张三');
  await expect(lanes.locator('.lanes-seg.is-current')).toHaveText('县委书记周振华');
  if (process.env.LOUPE_SHOT) await page.screenshot({ path: process.env.LOUPE_SHOT.replace(/\.png$/, '-lanes.png') });
  await page.keyboard.press('Escape');
  await expect(lanes).toHaveCount(0);
  await expect(editor(page)).toBeVisible();
});
