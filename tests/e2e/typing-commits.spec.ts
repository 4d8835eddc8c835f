/**
 * Typing makes no React commit while the caret is in the text (issue 14, item 1): while a
 * contenteditable has the caret, each commit measures the selection across the editor's DOM, tens
 * of milliseconds in a long report, and a key that lands meanwhile waits. The span list draws the
 * excerpts it shows straight into the DOM; what does need React (the selected span's text in the
 * inspector, rows that come or go) waits for a pause in typing or the caret leaving the text.
 *
 * Commits are counted through React's DevTools hook, which react-dom calls at every commit of any
 * root, in the production build too.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { editor, expect, importFiles, selectText, test, waitSaved } from './fixtures';

declare global {
  interface Window {
    __loupeCommits: number;
    /** performance.now() of every React commit and of every keydown. */
    __loupeCommitTimes: number[];
    __loupeKeyTimes: number[];
  }
}

const SENTENCE = '县委书记在会上说：“今年我们要把问题找准、把责任压实。”';
/** The app's pause in typing after which held-back updates are drawn (EditorPane's TYPING_PAUSE_MS). */
const TYPING_PAUSE_MS = 400;

/** Counts React commits (and times them, and the keys) from the page's start (before React loads). */
async function countCommits(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__loupeCommits = 0;
    window.__loupeCommitTimes = [];
    window.__loupeKeyTimes = [];
    window.addEventListener('keydown', () => void window.__loupeKeyTimes.push(performance.now()), { capture: true });
    (window as unknown as Record<string, unknown>).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
      supportsFiber: true,
      renderers: new Map(),
      inject: () => 1,
      onCommitFiberRoot: () => {
        window.__loupeCommits++;
        window.__loupeCommitTimes.push(performance.now());
      },
      onCommitFiberUnmount: () => undefined,
      onPostCommitFiberRoot: () => undefined,
      checkDCE: () => undefined,
    };
  });
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Documents' })).toBeVisible();
}

const commits = (page: Page) => page.evaluate(() => window.__loupeCommits);

/**
 * Waits until the window has made no commit for longer than the typing pause (what placing the
 * caret or selecting redraws, held back or not, is done); returns the page's clock then.
 */
async function settled(page: Page): Promise<number> {
  return page.evaluate(async (quiet) => {
    for (;;) {
      const last = window.__loupeCommitTimes.at(-1) ?? 0;
      const now = performance.now();
      if (now - last > quiet) return now;
      await new Promise((resolve) => setTimeout(resolve, quiet - (now - last) + 20));
    }
  }, TYPING_PAUSE_MS + 200);
}

/**
 * The commits that came while typing since `from`: less than the typing pause after a key (a commit
 * after a pause is allowed; a loaded machine can space Playwright's keys out that far). Read once
 * the pause has passed after the last key, so that a commit late after it is seen too.
 */
async function sinceTyping(page: Page, from: number): Promise<{ whileTyping: number[]; keys: number }> {
  return page.evaluate(
    async ([from, pause]) => {
      const keys = window.__loupeKeyTimes.filter((t) => t >= from);
      const wait = (keys.at(-1) ?? 0) + pause + 20 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const whileTyping = window.__loupeCommitTimes
        .filter((t) => t >= from)
        .map((t) => t - (keys.filter((k) => k <= t).at(-1) ?? -Infinity))
        // A timer of `pause` ms never fires early; 5 ms for the clock's coarsening.
        .filter((sinceKey) => sinceKey < pause - 5)
        .map((sinceKey) => Math.round(sinceKey));
      return { whileTyping, keys: keys.length };
    },
    [from, TYPING_PAUSE_MS] as const,
  );
}

test('typing 20 characters in a tagged document makes no React commit while the caret is in the text; the list and the inspector follow', async ({ page }) => {
  await countCommits(page);
  const paragraphs = Array.from({ length: 300 }, (_, i) => `${i + 1}。${SENTENCE}`);
  const spans: { id: string; label: string; start: number; end: number }[] = [];
  let offset = 0;
  for (const [i, p] of paragraphs.entries()) {
    const head = p.indexOf('县');
    spans.push({ id: `o${i}`, label: 'official', start: offset + head, end: offset + head + 4 });
    spans.push({ id: `q${i}`, label: 'quote', start: offset + head + 9, end: offset + head + 28 });
    offset += Array.from(p).length + 1;
  }
  const file = path.join(test.info().outputDir, 'commits.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ title: '打字', text: paragraphs.join('\n'), spans })}\n`);
  await importFiles(page, [file]);
  await expect(editor(page).locator('p').first()).toHaveText(paragraphs[0]!);
  const panel = page.getByRole('complementary', { name: 'Spans' });
  await expect(panel.locator('h2 .count')).toHaveText('600');

  // The first official's span selected (its text in the inspector), then the caret inside it.
  const row = panel.locator('[data-span-id="o0"]');
  await row.click();
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await expect(inspector.locator('.inspector-text')).toHaveText('县委书记');
  await page.getByRole('button', { name: 'Edit text' }).click();
  await selectText(page, '1。县委书记', { part: { start: 4, end: 4 } });
  await expect(editor(page)).toBeFocused();
  const before = await settled(page); // whatever placing the caret redraws

  // 20 keys, 150 ms apart: slower than the list's refresh after a pause in typing (120 ms).
  await page.keyboard.type('abcdefghijklmnopqrst', { delay: 150 });
  const typed = await sinceTyping(page, before);
  expect(typed.keys).toBe(20);
  // Each number is a commit's distance in ms from the key before it: none may come while typing.
  expect(typed.whileTyping).toEqual([]);

  // Typing stopped: the list's row shows the new excerpt, then the inspector the span's new text.
  await expect(row.locator('.span-excerpt')).toHaveText('县委abcdefghijklmnopqrst书记');
  await expect(row).toHaveAttribute('title', '县委abcdefghijklmnopqrst书记');
  await expect(inspector.locator('.inspector-text')).toHaveText('县委abcdefghijklmnopqrst书记');
  await waitSaved(page);

  // Deleting a span's whole text while typing: its row goes at the pause, not at the keys, and so does
  // the document list's new count after the save (autosave saves within 800 ms while keys go on).
  await selectText(page, '2。县委书记', { part: { start: 2, end: 6 } });
  const beforeDelete = await settled(page);
  await page.keyboard.press('Backspace');
  await page.keyboard.type('xyzuvwxyz', { delay: 150 });
  const deleting = await sinceTyping(page, beforeDelete);
  expect(deleting.keys).toBe(10);
  // No commit while the keys went on, so the row (which goes with a commit) was there until the pause.
  expect(deleting.whileTyping).toEqual([]);
  await expect(panel.locator('h2 .count')).toHaveText('599');
  await expect(panel.locator('[data-span-id="o1"]')).toHaveCount(0);
  // The rows after it kept their excerpts and the caret is still in the text.
  await expect(panel.locator('[data-span-id="q1"] .span-excerpt')).toHaveText('“今年我们要把问题找准、把责任压实。”');
  await expect(editor(page)).toBeFocused();
  await waitSaved(page);

  // Tagging (annotate mode): the new row, the selection and the inspector come in one update, after
  // the frame with the new span is drawn: no commit before that frame.
  await page.keyboard.press('Escape');
  await expect(editor(page)).toHaveAttribute('contenteditable', 'false');
  await selectText(page, '5。县委书记在会上说', { part: { start: 7, end: 10 } });
  await settled(page);
  const beforeTag = await commits(page);
  // The listener is in place before the key is sent (an evaluate still running when the key arrives
  // would miss it, as it did once under load in CI).
  await page.evaluate(() => {
    const w = window as unknown as { __afterKey: Promise<number> };
    w.__afterKey = new Promise<number>((resolve) => {
      window.addEventListener('keydown', () => requestAnimationFrame(() => resolve(window.__loupeCommits)), { once: true });
    });
  });
  await page.keyboard.press('1');
  expect(await page.evaluate(() => (window as unknown as { __afterKey: Promise<number> }).__afterKey)).toBe(beforeTag);
  await expect(panel.locator('h2 .count')).toHaveText('600');
  await expect(inspector.locator('.inspector-text')).toHaveText('会上说');
  await expect(panel.getByRole('button', { name: /会上说/ })).toHaveAttribute('aria-current', 'true');
  await waitSaved(page);
});
