/**
 * The editing loop as a new user meets it, on a brat-imported report whose spans nest inside long
 * quotes: a click in Edit mode puts the caret where it lands; whatever the editor selects (find, the
 * span list, J/K, link targets, undo) is scrolled into view; and no span vanishes — not when hovering
 * linked spans, not when another program touches the editor's DOM, not when tagged text is dragged.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { FIXTURES } from '../fixturePaths';
import { editor, expect, importFiles, type LoupeServer, selectText, test, waitSaved } from './fixtures';

const BRAT = path.join(FIXTURES, 'brat/jinzhong');
const FILES = ['article.txt', 'article.ann', 'annotation.conf'].map((f) => path.join(BRAT, f));

test.use({ viewport: { width: 1280, height: 720 } });

interface Row {
  id: string;
  label: string;
  text: string;
}

/** The spans of the imported report as the corpus file has them, with their text (code points). */
function storedSpans(loupe: LoupeServer): Row[] {
  return loupe.query<Row>(
    `SELECT s.id, s.label, substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp) AS text
       FROM spans s JOIN documents d ON d.id = s.document_id
      WHERE d.id = (SELECT max(id) FROM documents) ORDER BY s.id`,
  );
}

async function openReport(page: Page, loupe: LoupeServer): Promise<Row[]> {
  await importFiles(page, FILES);
  await page.getByRole('dialog', { name: 'Import report' }).getByRole('button', { name: 'Close' }).click();
  await expect(editor(page)).toContainText('怡然见晋中');
  const spans = storedSpans(loupe);
  expect(spans).toHaveLength(35);
  return spans;
}

/** The screen rectangle of the `occurrence`-th match of `needle` in the editor's text (one paragraph). */
async function rectOf(page: Page, needle: string, occurrence = 0): Promise<{ top: number; bottom: number; left: number; right: number }> {
  const rect = await page.evaluate(
    ({ needle, occurrence }) => {
      let seen = 0;
      for (const p of document.querySelectorAll('.ProseMirror > p')) {
        const text = p.textContent ?? '';
        for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
          if (seen++ < occurrence) continue;
          // Find the text node and offset of the match's first and last character.
          const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
          const range = document.createRange();
          let at = 0;
          for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
            if (at <= i && i < at + n.data.length) range.setStart(n, i - at);
            if (at < i + needle.length && i + needle.length <= at + n.data.length) {
              range.setEnd(n, i + needle.length - at);
              break;
            }
            at += n.data.length;
          }
          const r = range.getBoundingClientRect();
          return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
        }
      }
      return null;
    },
    { needle, occurrence },
  );
  expect(rect, `“${needle}” should be in the editor`).not.toBeNull();
  return rect!;
}

/** The rectangle of `needle` once it stops moving (paragraphs coming into view take their real height). */
async function steadyRect(page: Page, needle: string): Promise<{ top: number; bottom: number; left: number; right: number }> {
  let last = await rectOf(page, needle);
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(100);
    const now = await rectOf(page, needle);
    if (now.top === last.top && now.left === last.left) return now;
    last = now;
  }
  return last;
}

/** Scrolls the editor so that the first match of `needle` is in the middle of its area, and returns its rectangle. */
async function reveal(page: Page, needle: string): Promise<{ top: number; bottom: number; left: number; right: number }> {
  const r = await rectOf(page, needle);
  const area = (await page.locator('.editor-scroll').boundingBox())!;
  await page.locator('.editor-scroll').evaluate((el, by) => el.scrollBy(0, by), r.top - (area.y + area.height / 2));
  return steadyRect(page, needle);
}

/** Asserts that the text is on screen inside the editor's area, away from its top and bottom edges. */
async function expectInView(page: Page, needle: string, what: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const area = (await page.locator('.editor-scroll').boundingBox())!;
        const r = await rectOf(page, needle);
        return r.top >= area.y + 40 && r.bottom <= area.y + area.height - 40;
      },
      { message: `${what}: “${needle}” should be scrolled into view with a margin`, timeout: 3_000 },
    )
    .toBe(true);
}

test('Edit mode: a click inside tagged text puts the caret there; find scrolls; no span is lost (the issue’s sequence)', async ({ page, loupe }) => {
  const before = await openReport(page, loupe);
  await page.locator('.editor-scroll').click({ position: { x: 8, y: 8 } });
  for (let i = 0; i < 30; i++) await page.keyboard.press('j');

  // Find a phrase near the end: the match is scrolled into view, so the tag goes on text the user sees.
  await page.keyboard.press('/');
  await page.keyboard.type('向着梦想进发');
  await page.keyboard.press('Enter');
  await expectInView(page, '向着梦想进发', 'find');
  await page.keyboard.press('4');
  await waitSaved(page);
  expect(storedSpans(loupe)).toHaveLength(36);

  await page.keyboard.press('Escape');
  await page.keyboard.press('e');
  await expect(editor(page)).toHaveClass(/lp-mode-edit/);
  // Back to the long quote near the top, with the wheel, then click in the middle of 字里行间 inside it.
  await page.locator('.editor-scroll').hover();
  for (let i = 0; i < 40; i++) {
    const r = await rectOf(page, '字里行间');
    if (r.top > 150 && r.bottom < 600) break;
    await page.mouse.wheel(0, r.top < 150 ? -200 : 200);
    await page.waitForTimeout(30);
  }
  const word = await steadyRect(page, '字里');
  // The left edge of 里: the caret goes between 字 and 里.
  await page.mouse.click((word.left + word.right) / 2 + 1, (word.top + word.bottom) / 2);
  await page.keyboard.type('X');
  await expect(editor(page)).toContainText('字X里行间');
  await waitSaved(page);
  const typed = storedSpans(loupe);
  expect(typed).toHaveLength(36);
  const quote = typed.find((s) => s.id === 'T6')!;
  expect(quote.text).toContain('字X里行间');
  // Every span nested in the quote is still there, on its words.
  for (const s of before) expect(typed.find((t) => t.id === s.id)?.text.replace('X', '')).toBe(s.text);

  await page.keyboard.press('Control+z');
  await expect(editor(page)).not.toContainText('字X里');
  await page.keyboard.press('Escape');
  await page.getByRole('menuitem', { name: 'File' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('menuitem', { name: 'Import…' }).click();
  await chooser;
  await waitSaved(page);
  const after = storedSpans(loupe);
  expect(after).toHaveLength(36);
  for (const s of before) expect(after.find((t) => t.id === s.id)).toEqual(s);
});

test('Edit mode: Ctrl+click selects the span under the pointer; a plain click only moves the caret', async ({ page, loupe }) => {
  await openReport(page, loupe);
  await page.keyboard.press('e');
  const inspector = page.getByRole('region', { name: 'Inspector' });
  const slogan = await reveal(page, '连线拓面');
  await page.mouse.click((slogan.left + slogan.right) / 2, (slogan.top + slogan.bottom) / 2);
  await expect(inspector.locator('.inspector-text')).toHaveCount(0);
  await page.keyboard.down('Control');
  await page.mouse.click((slogan.left + slogan.right) / 2, (slogan.top + slogan.bottom) / 2);
  await page.keyboard.up('Control');
  await expect(inspector.locator('.inspector-text')).toHaveText('连线拓面');
});

test('hovering linked spans, or another program changing the editor’s DOM, never removes a span', async ({ page, loupe }) => {
  const before = await openReport(page, loupe);
  await page.keyboard.press('e');
  // Hover the quote of 张英杰: its speaker is outlined (by a style sheet, not by touching the DOM).
  const quote = await reveal(page, '找准了晋中发展的切入点');
  await page.mouse.move(quote.left + 4, (quote.top + quote.bottom) / 2);
  const official = page.locator('.lp-span[data-span-id="T1"]').first();
  await expect.poll(() => official.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('dashed');
  // and the link is drawn as an arc, gone again when the pointer leaves the text.
  const arcs = page.locator('svg.lp-links path.lp-arc');
  await expect(arcs).toHaveCount(1);
  // Then over the whole paragraph, through the pledges and slogans nested in the quote.
  const paragraph = (await page.locator('.ProseMirror p', { hasText: '字里行间' }).boundingBox())!;
  for (let i = 0; i < 24; i++) {
    await page.mouse.move(paragraph.x + 20 + (i % 12) * 50, paragraph.y + 12 + Math.floor(i / 3) * 30, { steps: 3 });
  }
  await page.mouse.move(5, 5);
  await expect.poll(() => official.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('none');
  await expect(arcs).toHaveCount(0);
  const shownIds = () =>
    page.evaluate(() => [...new Set([...document.querySelectorAll('.ProseMirror [data-span-mark]')].map((e) => e.getAttribute('data-span-id')))].sort());
  expect(await shownIds()).toEqual(before.map((s) => s.id).sort());

  // A browser extension (a translator, a grammar checker) marks up the text the way they do.
  await page.evaluate(() => {
    for (const el of document.querySelectorAll('.ProseMirror [data-span-id]')) {
      el.setAttribute('data-extension', 'seen');
      el.classList.add('ext-highlight');
    }
  });
  await reveal(page, '潮头登高再击桨');
  await selectText(page, '潮头登高再击桨');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.type('Y');
  await expect(editor(page)).toContainText('潮头登高再击桨Y');
  await waitSaved(page);
  expect(storedSpans(loupe)).toEqual(before);
});

test('dragging tagged text elsewhere takes the spans wholly inside it along; a span partly dragged keeps its rest', async ({ page, loupe }) => {
  await openReport(page, loupe);
  await page.keyboard.press('e');
  // “连线拓面” is a slogan inside a pledge inside a quote. Drag it (with its quotation marks) to an
  // earlier place in the same paragraph, in front of 彰显着人民至上.
  await reveal(page, '连线拓面');
  await selectText(page, '“连线拓面”');
  const from = await rectOf(page, '连线拓面');
  const target = await rectOf(page, '彰显着人民至上');
  expect(target.top).toBeGreaterThan(70);
  await page.mouse.move((from.left + from.right) / 2, (from.top + from.bottom) / 2);
  await page.mouse.down();
  await page.mouse.move(target.left + 2, (target.top + target.bottom) / 2, { steps: 8 });
  await page.mouse.up();
  await expect(editor(page)).toContainText('“连线拓面”彰显着人民至上');
  await waitSaved(page);
  const after = storedSpans(loupe);
  expect(after.find((s) => s.id === 'T10')).toEqual({ id: 'T10', label: 'slogan', text: '连线拓面' });
  // The pledge it came out of is still there, without it.
  const pledge = after.find((s) => s.id === 'T9')!;
  expect(pledge.text).not.toContain('连线拓面');
  expect(pledge.text.startsWith('榆次将在全市发展大潮中突围领跑')).toBe(true);
  expect(after).toHaveLength(35);
});

test('what the editor selects is scrolled into view: the span list, J/K, link targets, undo', async ({ page, loupe }) => {
  await openReport(page, loupe);
  const panel = page.getByRole('complementary', { name: 'Spans' });
  // The last row of the span list: the slogan near the end of the report.
  const last = panel.getByRole('listitem').filter({ hasText: '怡然见晋中 田园太谷游' });
  await last.scrollIntoViewIfNeeded();
  await last.click();
  await expectInView(page, '怡然见晋中 田园太谷游', 'span list');
  // K back to the spans near the top, one by one: each is brought into view.
  for (let i = 0; i < 34; i++) await page.keyboard.press('k');
  await expectInView(page, '市人大常委会副主任、榆次区委书记张英杰', 'K');
  for (let i = 0; i < 33; i++) await page.keyboard.press('j');
  await expectInView(page, '太谷区将全面贯彻落实市两会精神', 'J');

  // Link targets: from the last quote, Tab cycles to officials far above.
  await page.keyboard.press('Escape');
  await panel.getByRole('listitem').filter({ hasText: '政府工作报告总结成绩客观' }).click();
  await page.keyboard.press('l');
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await expect(inspector).toContainText('New link');
  for (let i = 0; i < 8; i++) {
    const text = (await inspector.textContent()) ?? '';
    if (text.includes('→ “市人大常委会副主任、榆次区委书记张英杰”')) break;
    await page.keyboard.press('Tab');
    // Read the next candidate only once the inspector shows it (with one candidate it never changes).
    await expect
      .poll(async () => (await inspector.textContent()) ?? '', { timeout: 2_000 })
      .not.toBe(text)
      .catch(() => undefined);
  }
  await expect(inspector).toContainText('→ “市人大常委会副主任、榆次区委书记张英杰”');
  await expectInView(page, '市人大常委会副主任、榆次区委书记张英杰', 'link target');
  await page.keyboard.press('Escape');

  // Undo of an edit at the end, made while the top is in view.
  await page.keyboard.press('e');
  await selectText(page, '向着梦想进发');
  await page.keyboard.press('Backspace');
  await page.locator('.editor-scroll').evaluate((el) => el.scrollTo(0, 0));
  await page.keyboard.press('Control+z');
  await expectInView(page, '向着梦想进发', 'undo');
});
