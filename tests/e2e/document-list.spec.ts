/**
 * A corpus of 10,000 documents in the browser: the document list draws a screenful of rows (titles
 * wrap, so rows differ in height), scrolling it to its end shows the last document, and the keyboard
 * reaches both ends and opens a document.
 */
import fs from 'node:fs';
import path from 'node:path';
import { editor, expect, importFiles, test } from './fixtures';

const COUNT = 10_000;

/** Document `i`'s title: every seventh one long enough to wrap over two or three lines. */
const titleOf = (i: number) => (i % 7 === 0 ? `第${i}号 县委书记在全县经济工作会议上讲话：把问题找准、把责任压实、把措施落细` : `第${i}号 简讯`);

test('10,000 documents: the list draws a screenful, scrolled to its end it shows the last document, and the keyboard reaches both ends', async ({ page, loupe }) => {
  test.setTimeout(120_000);
  // The corpus is made here, not kept in the repository: one JSONL line per document.
  const file = path.join(test.info().outputDir, 'many.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = Array.from({ length: COUNT }, (_, k) => JSON.stringify({ title: titleOf(k + 1), text: `第${k + 1}号文章的正文。` }));
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const before = loupe.query<{ n: number }>('SELECT count(*) AS n FROM documents')[0]!.n;
  await importFiles(page, [file]);

  const docs = page.getByRole('navigation', { name: 'Documents' });
  const total = before + COUNT;
  await expect(docs.getByRole('combobox')).toContainText(`All (${total})`, { timeout: 60_000 });
  expect(loupe.query<{ n: number }>('SELECT count(*) AS n FROM documents')[0]!.n).toBe(total);
  const drawn = await docs.getByRole('listitem').count();
  expect(drawn).toBeGreaterThan(5);
  expect(drawn).toBeLessThan(200);

  // Scrolled to its end (as by dragging the scroll bar down), the list shows the last document.
  const lastTitle = titleOf(COUNT);
  await docs.getByRole('list').evaluate((el) => el.parentElement!.scrollTo({ top: el.parentElement!.scrollHeight }));
  const last = docs.getByRole('button', { name: new RegExp(`^${lastTitle}`) });
  await expect(last).toBeInViewport();
  await expect(docs.getByRole('listitem').last()).toHaveAttribute('aria-posinset', String(total));
  // A wrapped title makes a taller row: the rows were measured, not given one height.
  const heights = await docs.getByRole('listitem').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
  expect(Math.max(...heights)).toBeGreaterThan(Math.min(...heights) + 10);
  await last.click();
  await expect(last).toHaveAttribute('aria-current', 'page');
  await expect(editor(page)).toContainText(`第${COUNT}号文章的正文。`);

  // From the keyboard: Home reaches the first document, End the last; Enter opens the focused one.
  await page.keyboard.press('Home');
  const first = docs.getByRole('listitem').first().getByRole('button');
  await expect(first).toBeFocused();
  await expect(first).toBeInViewport();
  await expect(docs.getByRole('listitem').first()).toHaveAttribute('aria-posinset', '1');
  await page.keyboard.press('PageDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const opened = docs.locator('[aria-current="page"]');
  await expect(opened).toBeInViewport();
  await expect(opened).not.toHaveText(new RegExp(`^${lastTitle}`));
  await page.keyboard.press('End');
  await expect(last).toBeFocused();
  await expect(last).toBeInViewport();
});
