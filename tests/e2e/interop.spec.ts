/**
 * Other tools' files in, other tools' files out, through the browser build as a user would:
 * File › Import with detection, the import report, File › Export… with filters and the loss report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import type { Page } from '@playwright/test';
import { expect, importFiles, test } from './fixtures';

import { FIXTURES } from '../fixturePaths';

interface Row {
  label: string;
  text: string;
}
const SPANS_SQL = `SELECT s.label, substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp) AS text
  FROM spans s JOIN documents d ON d.id = s.document_id WHERE d.title LIKE ? ORDER BY s.start_cp, s.label`;

/** Answers the question asked before importing files with labels the corpus lacks: add each as a new label. */
async function addNewLabels(page: Page): Promise<void> {
  await page.getByRole('dialog', { name: 'Labels new to this corpus' }).getByRole('button', { name: 'Import' }).click();
}

test('doccano and Label Studio files import with their spans where the tools put them, emoji and Chinese alike', async ({ page, loupe }) => {
  await importFiles(page, [path.join(FIXTURES, 'doccano/emoji.jsonl'), path.join(FIXTURES, 'label-studio/emoji-chinese.json')]);
  await addNewLabels(page);
  const report = page.getByRole('dialog', { name: 'Import report' });
  await expect(report).toContainText('Labels added to the schema: ORG');
  await report.getByRole('button', { name: 'Close' }).click();

  // doccano counts code points: after 👍🏽 and a space, 王小明 starts at 3.
  expect(loupe.query<Row>(SPANS_SQL, '👍🏽 王小明%')).toEqual([
    { label: 'official', text: '王小明' },
    { label: 'ORG', text: '𠮷野家' },
    { label: 'quote', text: '“好吃👍。”' },
  ]);
  // This file is an older export in UTF-16 units (each region's text proves it): its offsets differ from
  // code points after 👍🏽 and 𠮷, the spans' text does not.
  const ls = loupe.query<Row>(SPANS_SQL, '👍🏽点赞%');
  expect(ls.map((r) => r.text)).toContain('王小明');
  for (const row of ls) expect(row.text.length).toBeGreaterThan(0);
  const links = loupe.query<{ type: string }>('SELECT type FROM links');
  expect(links.length).toBeGreaterThan(0);
});

test('File › Export… with a label filter writes only those spans and says what the format could not carry', async ({ page, loupe }) => {
  await importFiles(page, [path.join(FIXTURES, 'label-studio/emoji-chinese.json')]);
  await addNewLabels(page);
  await expect(page.locator('.ProseMirror')).toContainText('王小明');
  const report = page.getByRole('dialog', { name: 'Import report' });
  // The file brings the label ORG, which the report names (as in the test above).
  await expect(report).toContainText('Labels added to the schema: ORG');
  await report.getByRole('button', { name: 'Close' }).click();
  expect(loupe.query('SELECT id FROM links').length).toBeGreaterThan(0);

  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await dialog.getByLabel('Format').selectOption('doccano');
  await expect(dialog).toContainText('This format always counts offsets in Code points');
  await dialog.getByRole('checkbox', { name: 'slogan' }).uncheck();
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export' }).click();
  const file = await (await download).path();
  const lines = fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text: string; label: [number, number, string][] });
  const labels = lines.flatMap((l) => l.label.map((t) => t[2]));
  expect(labels).not.toContain('slogan');
  expect(labels).toContain('official');
  for (const line of lines) for (const [s, e] of line.label) expect(Array.from(line.text).slice(s, e).join('')).not.toBe('');
  const message = page.getByRole('dialog', { name: 'Export' });
  await expect(message).toContainText('Not carried by this format: links');
});

test('a brat folder (.txt, .ann, annotation.conf) imports with its discontinuous span and relations where brat put them', async ({ page, loupe }) => {
  const dir = path.join(FIXTURES, 'brat/basic');
  await importFiles(page, ['article.txt', 'article.ann', 'annotation.conf'].map((f) => path.join(dir, f)));
  await addNewLabels(page);
  const report = page.getByRole('dialog', { name: 'Import report' });
  await expect(report).toContainText('annotation.conf');
  await report.getByRole('button', { name: 'Close' }).click();
  const rows = loupe.query<{ label: string; fragments: string | null; text: string }>(
    `SELECT s.label, s.fragments, substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp) AS text
     FROM spans s JOIN documents d ON d.id = s.document_id WHERE s.label = 'quote' ORDER BY s.start_cp`,
  );
  expect(rows.map((r) => r.text)).toEqual(['“我们要抓落实。”', '“品质第一”,他又说,“价格不变”']);
  expect(JSON.parse(rows[1]!.fragments!)).toHaveLength(2);
  const links = loupe.query<{ from_text: string; to_text: string }>(
    `SELECT substr(d.text, f.start_cp + 1, f.end_cp - f.start_cp) AS from_text, substr(d.text, t.start_cp + 1, t.end_cp - t.start_cp) AS to_text
     FROM links l JOIN spans f ON f.id = l.from_span JOIN spans t ON t.id = l.to_span JOIN documents d ON d.id = l.document_id ORDER BY f.start_cp`,
  );
  expect(links).toEqual([
    { from_text: '“我们要抓落实。”', to_text: '寿阳县委书记赵宏钟' },
    { from_text: '“品质第一”,他又说,“价格不变”', to_text: '𠮷野家的老板' },
  ]);
});

test('CoNLL output of a Chinese document has one character per token', async ({ page }) => {
  await expect(page.locator('.ProseMirror')).toContainText('周振华');
  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await dialog.getByLabel('Format').selectOption('conll');
  await dialog.getByRole('radio', { name: 'The open document' }).check();
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export' }).click();
  const lines = fs.readFileSync(await (await download).path(), 'utf8').split('\n');
  const tokens = lines.filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')[0]!);
  expect(tokens.length).toBeGreaterThan(100);
  for (const token of tokens.filter((t) => /\p{Script=Han}/u.test(t))) expect(Array.from(token)).toHaveLength(1);
  expect(tokens.slice(0, 4)).toEqual(['清', '河', '县', '部']);
});

test('File › Import folder… reads a folder (here a brat folder) and pairs its files', async ({ page, loupe }) => {
  await page.getByRole('menuitem', { name: 'File' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('menuitem', { name: 'Import folder…' }).click();
  await (await chooser).setFiles(path.join(FIXTURES, 'brat/basic'));
  await addNewLabels(page);
  const report = page.getByRole('dialog', { name: 'Import report' });
  await expect(report).toContainText('Imported 1 file(s) (1 documents).');
  await expect(report).toContainText('Skipped basic/annotation.conf');
  await report.getByRole('button', { name: 'Close' }).click();
  await expect(page.locator('.ProseMirror')).toContainText('寿阳县委书记赵宏钟');
  const titles = loupe.query<{ title: string; format: string }>(`SELECT title, json_extract(meta, '$.format') AS format FROM documents ORDER BY id DESC LIMIT 1`);
  expect(titles).toEqual([{ title: '寿阳县委书记赵宏钟表示:“我们要抓落实。”', format: 'brat' }]);
});

test('File › Import folder… of a tree shaped like brat\'s example-data imports its pairs and reports what it skipped and did not take', async ({ page, loupe }) => {
  await page.getByRole('menuitem', { name: 'File' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('menuitem', { name: 'Import folder…' }).click();
  await (await chooser).setFiles(path.join(FIXTURES, 'brat/example-data'));
  await addNewLabels(page); // Protein, Entity… are new to the corpus; Official and Quote are its own
  const report = page.getByRole('dialog', { name: 'Import report' });
  await expect(report).toContainText('Imported 3 file(s) (3 documents).');
  await expect(report).toContainText('Skipped example-data/README: the README of a brat folder, not an article');
  await expect(report).toContainText('Skipped example-data/news/LICENSE: the LICENSE of a brat folder, not an article');
  await expect(report).toContainText('Skipped example-data/news/doc-3.txt: a .txt without doc-3.ann beside it');
  await expect(report).toContainText('example-data/bio/PMID-1.txt (“');
  await expect(report).toContainText('brat events (E lines) skipped, their trigger words kept as spans: 2');
  await report.getByRole('button', { name: 'Close' }).click();
  expect(loupe.query<{ n: number }>('SELECT count(*) AS n FROM documents WHERE title IN (?, ?)', 'README', 'LICENSE')).toEqual([{ n: 0 }]);
});

test('File › Import… of a brat zip imports the pairs inside it', async ({ page, loupe }, testInfo) => {
  const zip = testInfo.outputPath('news.zip');
  const read = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'brat/example-data/news', name)));
  fs.writeFileSync(zip, zipSync({ 'news/doc-1.txt': read('doc-1.txt'), 'news/doc-1.ann': read('doc-1.ann'), 'news/annotation.conf': read('annotation.conf'), 'news/README': read('README') }));
  await importFiles(page, [zip]);
  const report = page.getByRole('dialog', { name: 'Import report' });
  await expect(report).toContainText('Imported 1 file(s) (1 documents).');
  await expect(report).toContainText('Skipped news.zip/news/README: the README of a brat folder, not an article');
  await report.getByRole('button', { name: 'Close' }).click();
  // brat's Official and Quote are the corpus's official and quote: names match regardless of case.
  expect(loupe.query<Row>(SPANS_SQL, '寿阳县委书记赵宏钟表示：%')).toEqual([
    { label: 'official', text: '寿阳县委书记赵宏钟' },
    { label: 'quote', text: '“我们要抓落实。”' },
  ]);
});
