import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { AgreementReport } from '../../src/shared/agreement/report';
import { answerPath, editor, expect, REPO, selectText, test, waitSaved } from './fixtures';

test('View › Agreement shows the figures the command line prints, and a disagreement opens its span in its layer', async ({ page, loupe }) => {
  await expect(editor(page)).toContainText('县委书记周振华');
  const status = page.locator('.status-annotator');
  // Two layers of the same article: the computer's user's, then 王芳's.
  await selectText(page, '县委书记周振华');
  await page.keyboard.press('2');
  await selectText(page, '河道干不干净');
  await page.keyboard.press('1');
  await waitSaved(page);
  const first = /^Annotator: (.+) \(set your name\)$/.exec((await status.textContent())!)![1]!;
  await status.click();
  await answerPath(page, 'Your name as annotator', '王芳');
  await expect(status).toHaveText('Annotator: 王芳');
  await expect(page.locator('main[aria-busy="true"]')).toHaveCount(0);
  await expect(editor(page).locator('.lp-span')).toHaveCount(0); // 王芳's layer is open
  await selectText(page, '周振华');
  await page.keyboard.press('2');
  await selectText(page, '河道干不干净');
  await page.keyboard.press('1');
  await waitSaved(page);

  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.getByRole('menuitem', { name: 'Agreement…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Agreement between annotators' });
  await expect(dialog.getByRole('checkbox')).toHaveCount(2);
  const pairs = dialog.getByRole('table', { name: /Pairs/ });
  await expect(pairs).toBeVisible();

  // The same report as `loupe agreement --format json` on the corpus file.
  const cli = spawnSync(process.execPath, [path.join(REPO, 'bin/loupe.cjs'), 'agreement', loupe.corpusPath, '--format', 'json'], { encoding: 'utf8' });
  expect(cli.stderr).toBe('');
  const report = JSON.parse(cli.stdout) as AgreementReport;
  const [a, b] = report.annotators;
  expect([a, b].sort()).toEqual([first, '王芳'].sort());
  const kappa = report.characters.corpus.cohen[0]!.kappa.value!;
  const row = pairs.getByRole('row', { name: new RegExp(`^${a} – ${b}`) });
  await expect(row.getByRole('cell').first()).toHaveText(kappa.toFixed(3));
  const byLabel = dialog.getByRole('table', { name: 'By label' });
  await expect(byLabel.getByRole('row', { name: /^All labels/ }).getByRole('cell').nth(2)).toHaveText(report.characters.corpus.alpha.value!.toFixed(3));
  await expect(dialog.getByRole('img', { name: 'Krippendorff α by label' })).toBeVisible();
  if (process.env.LOUPE_SHOT) await page.screenshot({ path: process.env.LOUPE_SHOT, fullPage: true });

  // One disagreement: the official's boundaries. Clicking it shows the first annotator's span, in their layer.
  await expect(dialog.getByRole('heading', { name: 'Disagreements: 1' })).toBeVisible();
  await dialog.getByRole('button', { name: /^other boundaries/ }).click();
  await expect(dialog).toHaveCount(0);
  const owner = report.disagreements[0]!.a;
  if (owner !== '王芳') await expect(page.getByRole('status').filter({ hasText: `You are reading ${owner}’s layer` })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'official' })).toBeVisible();
  // The inspector shows the span selected: the official as that annotator drew it.
  const shown = owner === '王芳' ? '周振华' : '县委书记周振华';
  await expect(page.locator('aside').getByText(shown, { exact: true }).first()).toBeVisible();
});
