import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AgreementReport } from '../../src/shared/agreement/report';
import type { Download } from '@playwright/test';
import { DEBIAN_PYTHON, python, requireTool, skipWithout } from '../externalTools';
import { answerPath, editor, expect, fileMenu, REPO, selectText, test, waitSaved } from './fixtures';

const PANDAS = python(['pandas'], ['python3-pandas']);

/** `loupe agreement --format json` on the corpus file. */
function cliReport(corpus: string): AgreementReport {
  const cli = spawnSync(process.execPath, [path.join(REPO, 'bin/loupe.cjs'), 'agreement', corpus, '--format', 'json'], { encoding: 'utf8' });
  expect(cli.stderr).toBe('');
  return JSON.parse(cli.stdout) as AgreementReport;
}

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
  const report = cliReport(loupe.corpusPath);
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

test('the agreement dialog shows attribute agreement and every document, least agreement first; a document opens with its layers side by side', async ({ page, loupe }) => {
  await expect(editor(page)).toContainText('县委书记周振华');
  // Two annotators' layers of both sample articles, merged from a Loupe JSONL file: quotes with
  // their kind (they disagree on one), officials; the English article agrees less.
  const texts = (JSON.parse(fs.readFileSync(path.join(REPO, 'resources/sample/sample-corpus.json'), 'utf8')) as { documents: { text: string }[] }).documents.map((d) => d.text);
  const span = (doc: number, annotator: string, words: string, label: string, kind?: string) => {
    const text = texts[doc]!;
    const start = [...text.slice(0, text.indexOf(words))].length;
    return { id: `${annotator}-${start}-${label}`, label, start, end: start + [...words].length, text: words, annotator, ...(kind ? { attrs: { kind } } : {}) };
  };
  const lines = [
    [span(0, '李明', '河道干不干净,群众看得最清楚。', 'quote', 'direct'), span(0, '王芳', '河道干不干净,群众看得最清楚。', 'quote', 'direct')],
    [
      span(0, '李明', '县委书记周振华', 'official'),
      span(0, '王芳', '县委书记周振华', 'official'),
      span(0, '李明', '全县将坚持“一河一策”', 'quote', 'indirect'),
      span(0, '王芳', '全县将坚持“一河一策”', 'quote', 'mixed'),
    ],
    [span(1, '李明', 'Mayor Ana Ruiz', 'official'), span(1, '王芳', 'Ana Ruiz', 'official'), span(1, '李明', 'We will not wait for the next council to fix it.', 'pledge')],
  ];
  const file = path.join(loupe.dataDir, 'two-annotators.jsonl');
  fs.writeFileSync(file, [{ text: texts[0], spans: [...lines[0]!, ...lines[1]!] }, { text: texts[1], spans: lines[2] }].map((d) => `${JSON.stringify(d)}\n`).join(''));
  await fileMenu(page, 'Merge annotations from…');
  await answerPath(page, 'Merge annotations from', file);
  const merged = page.getByRole('dialog', { name: 'Merge annotations' });
  await expect(merged).toContainText('李明: spans added: 5');
  await merged.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.getByRole('menuitem', { name: 'Agreement…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Agreement between annotators' });
  const report = cliReport(loupe.corpusPath);
  expect(Object.keys(report.attributes)).toEqual(['quote.kind']);
  const attributes = dialog.getByRole('table', { name: 'Attribute values of spans drawn alike' });
  const kindRow = attributes.getByRole('row', { name: /^quote\.kind/ });
  await expect(kindRow.getByRole('cell')).toHaveText([
    report.attributes['quote.kind']!.meanCohen.value?.toFixed(3) ?? '–',
    report.attributes['quote.kind']!.fleiss.value?.toFixed(3) ?? '–',
    report.attributes['quote.kind']!.alpha.value?.toFixed(3) ?? '–',
    '2',
  ]);

  // By document: both, the one with the lower α first, its figures those of the command line.
  const byDocument = dialog.getByRole('table', { name: /^By document/ });
  await expect(byDocument.getByRole('caption')).toHaveText('By document, least agreement first (2 of 2; the CSV and JSON have them all)');
  const worst = [...report.byDocument].sort((a, b) => a.characters.alpha.value! - b.characters.alpha.value!);
  expect(worst[0]!.name).toBe('Harbour city promises cleaner buses by 2028');
  const rows = byDocument.getByRole('row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1).getByRole('rowheader')).toHaveText(worst[0]!.name);
  await expect(rows.nth(1).getByRole('cell').nth(1)).toHaveText(worst[0]!.characters.alpha.value!.toFixed(3));
  await expect(rows.nth(2).getByRole('rowheader')).toHaveText(worst[1]!.name);
  if (process.env.LOUPE_SHOT) await page.screenshot({ path: process.env.LOUPE_SHOT.replace(/\.png$/, '-documents.png'), fullPage: true });

  // Save as CSV… and Save as JSON…: the files of the whole report, as pandas and JSON.parse read them.
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await dialog.getByRole('button', { name: 'Save as JSON…' }).click();
  await expect.poll(() => downloads.length).toBe(1);
  const jsonFile = test.info().outputPath(downloads[0]!.suggestedFilename());
  await downloads[0]!.saveAs(jsonFile);
  expect(path.basename(jsonFile)).toBe('Default.agreement.json');
  expect(JSON.parse(fs.readFileSync(jsonFile, 'utf8'))).toEqual({ ...report, unattributedSpans: 0 });
  await dialog.getByRole('button', { name: 'Save as CSV…' }).click();
  await expect.poll(() => downloads.length).toBe(3);
  const [figures, disagreements] = await Promise.all(
    downloads.slice(1).map(async (d) => {
      const file = test.info().outputPath(d.suggestedFilename());
      await d.saveAs(file);
      return file;
    }),
  );
  expect([path.basename(figures!), path.basename(disagreements!)]).toEqual(['Default.agreement.csv', 'Default.agreement.disagreements.csv']);
  if (!skipWithout(PANDAS)) {
    requireTool(PANDAS);
    const script = [
      'import json, sys, pandas as pd',
      'f = pd.read_csv(sys.argv[1], encoding="utf-8-sig", keep_default_na=False)',
      'd = pd.read_csv(sys.argv[2], encoding="utf-8-sig", keep_default_na=False)',
      'pick = lambda **k: f.loc[(f[list(k)] == pd.Series(k)).all(axis=1), "value"].tolist()',
      'print(json.dumps({"kind": pick(section="attributes", label="quote.kind", measure="krippendorff_alpha"),',
      '  "doc": pick(section="characters", document_id=str(sys.argv[3]), label="", measure="krippendorff_alpha"), "disagreements": len(d)}))',
    ].join('\n');
    const r = spawnSync(DEBIAN_PYTHON, ['-X', 'utf8', '-c', script, figures!, disagreements!, String(worst[0]!.id)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const read = JSON.parse(r.stdout) as { kind: (string | number)[]; doc: (string | number)[]; disagreements: number };
    expect(read.kind.map(Number)).toEqual([report.attributes['quote.kind']!.alpha.value]);
    expect(read.doc.map(Number)).toEqual([worst[0]!.characters.alpha.value]);
    expect(read.disagreements).toBe(report.disagreements.length);
  }

  // A document's name opens it with every layer side by side.
  await byDocument.getByRole('button', { name: worst[0]!.name }).click();
  await expect(dialog).toHaveCount(0);
  const lanes = page.getByRole('region', { name: `All layers of ${worst[0]!.name}` });
  await expect(lanes).toBeFocused();
  await expect(lanes.getByRole('list', { name: 'Lanes, top to bottom' })).toContainText('李明');
  await expect(lanes.getByRole('list', { name: 'Lanes, top to bottom' })).toContainText('王芳');
});
