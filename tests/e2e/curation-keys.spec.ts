/**
 * The curation view from the keyboard alone (issue 15, Deliver 4): three annotators' layers merged
 * from a Loupe JSONL file, then G (accept all agreed), N / P (next / previous open place), A (the
 * version most drew; nothing on a tie), X (reject), a digit (that annotator's version), ← (every
 * place, decided or not). The gold layer is then read from the corpus file as another tool would.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { answerPath, editor, expect, fileMenu, REPO, test } from './fixtures';

/** The sample article's text, as the first run puts it in the corpus. */
const sampleText = (): string =>
  (JSON.parse(fs.readFileSync(path.join(REPO, 'resources/sample/sample-corpus.json'), 'utf8')) as { documents: { text: string }[] }).documents[0]!.text;

/** In text order: a label disagreement (2 to 1), an agreement of all, a span of one, a tie. */
const QUOTE = '河道干不干净,群众看得最清楚。';
const OFFICIAL = '县委书记周振华';
const ONLY_ONE = '王丽萍';
const TIE = '清水绿岸、鱼翔浅底';
const LAYERS: Record<string, [string, string][]> = {
  李明: [
    [QUOTE, 'quote'],
    [OFFICIAL, 'official'],
    [ONLY_ONE, 'official'],
    [TIE, 'pledge'],
  ],
  王芳: [
    [QUOTE, 'quote'],
    [OFFICIAL, 'official'],
    [TIE, 'slogan'],
  ],
  张三: [
    [QUOTE, 'pledge'],
    [OFFICIAL, 'official'],
  ],
};

test('curating from the keyboard: G, N / P, A (not on a tie), X, a digit, ←; the gold layer holds what was chosen', async ({ page, loupe }) => {
  await expect(editor(page)).toContainText(OFFICIAL);
  const text = sampleText();
  const at = (words: string) => [...text.slice(0, text.indexOf(words))].length;
  const spans = Object.entries(LAYERS).flatMap(([annotator, list]) =>
    list.map(([words, label], i) => ({ id: `${annotator}-${i}`, label, start: at(words), end: at(words) + [...words].length, text: words, annotator })),
  );
  const file = path.join(loupe.dataDir, 'three-annotators.jsonl');
  fs.writeFileSync(file, `${JSON.stringify({ text, spans })}\n`);
  await fileMenu(page, 'Merge annotations from…');
  await answerPath(page, 'Merge annotations from', file);
  const report = page.getByRole('dialog', { name: 'Merge annotations' });
  for (const name of Object.keys(LAYERS)) await expect(report).toContainText(`${name}: spans added: ${LAYERS[name]!.length}`);
  await report.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.getByRole('menuitem', { name: 'Curate document…' }).click();
  await answerPath(page, 'The gold layer', 'gold');
  const lanes = page.getByRole('region', { name: /^Curation of .* into gold$/ });
  await expect(lanes).toBeFocused();
  const summary = lanes.getByRole('status');
  const place = lanes.getByRole('complementary', { name: 'The place being decided' });
  const version = (annotator: string): Locator => place.getByRole('listitem').filter({ hasText: annotator });
  await expect(summary).toHaveText('Places to decide: 4; agreed by all: 1; open: 4 · curation not begun');
  // The first open place in the text: the quote 张三 calls a pledge.
  await expect(version('张三')).toContainText(`«${QUOTE}»`);

  // G: the place all agreed on goes into gold at once; the current place stays.
  await page.keyboard.press('g');
  await expect(summary).toHaveText('Places to decide: 4; agreed by all: 1; open: 3 · curation in progress');
  await expect(version('张三')).toContainText(`«${QUOTE}»`);
  // N skips the decided place (the official) to the next open one, P comes back.
  await page.keyboard.press('n');
  await expect(version('李明')).toContainText(`«${ONLY_ONE}»`);
  await page.keyboard.press('p');
  await expect(version('张三')).toContainText(`«${QUOTE}»`);

  // A: the version two of three drew (quote); on to the next open place.
  await page.keyboard.press('a');
  await expect(summary).toHaveText('Places to decide: 4; agreed by all: 1; open: 2 · curation in progress');
  await expect(version('李明')).toContainText(`«${ONLY_ONE}»`);
  // X: the span only one annotator drew is rejected.
  await page.keyboard.press('x');
  await expect(summary).toHaveText('Places to decide: 4; agreed by all: 1; open: 1 · curation in progress');
  await expect(version('王芳')).toContainText(`«${TIE}»`);
  // A on a tie (pledge 1, slogan 1) decides nothing; the digit of 王芳's lane takes hers. Each
  // decision is one call to the API, counted in the page: the key's handler makes the call at once
  // (the count is read after the key is handled), and over the network too (A's call would come first).
  let decisions = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/curate') decisions++;
  });
  await page.evaluate(() => {
    const w = window as unknown as { __curateCalls: number };
    w.__curateCalls = 0;
    const send = window.fetch.bind(window);
    window.fetch = (input, init) => {
      if (String(input).endsWith('/api/curate')) w.__curateCalls++;
      return send(input, init);
    };
  });
  await page.keyboard.press('a');
  expect(await page.evaluate(() => new Promise((resolve) => setTimeout(() => resolve((window as unknown as { __curateCalls: number }).__curateCalls), 0)))).toBe(0);
  await expect(lanes).not.toHaveAttribute('aria-busy', 'true');
  await expect(summary).toHaveText('Places to decide: 4; agreed by all: 1; open: 1 · curation in progress');
  await expect(version('王芳')).not.toContainText('★ gold');
  const digit = await lanes.getByRole('list', { name: 'Lanes, top to bottom' }).getByRole('listitem').filter({ hasText: '王芳' }).locator('kbd').textContent();
  expect(digit).toMatch(/^[1-3]$/);
  await page.keyboard.press(digit!);
  await expect(summary).toHaveText('Places to decide: 4; agreed by all: 1; open: 0 · curation in progress');
  await expect(version('王芳')).toContainText('★ gold');
  expect(decisions).toBe(1);
  await expect(version('李明')).toContainText('rejected');
  // ← goes through every place, decided ones too: back to the rejected span.
  await page.keyboard.press('ArrowLeft');
  await expect(version('李明')).toContainText(`«${ONLY_ONE}»`);
  await expect(version('李明')).toContainText('rejected');

  // The gold layer, as another tool reads the corpus file.
  const gold = loupe.query<{ label: string; text: string }>(
    `SELECT s.label, substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp) AS text
       FROM spans s JOIN documents d ON d.id = s.document_id WHERE s.annotator = 'gold' ORDER BY s.start_cp`,
  );
  expect(gold).toEqual([
    { label: 'quote', text: QUOTE },
    { label: 'official', text: OFFICIAL },
    { label: 'slogan', text: TIE },
  ]);
});
