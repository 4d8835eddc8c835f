/**
 * Launches the built app (out/main/index.js) in a real Electron with a fresh data folder, tags a
 * selection with the "quote" hotkey and checks the span on screen and in the corpus database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import type BetterSqlite3 from 'better-sqlite3';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'out/main/index.js');

/**
 * Finds the Electron binary the way node_modules/electron/index.js does, without its fallback: that
 * module downloads the binary when it is missing, which a test must never trigger.
 */
function whyNoElectron(): string | null {
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json', { paths: [ROOT] }));
  } catch {
    return 'the electron package is not installed';
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override
    ? path.join(override, relative || 'electron')
    : relative
      ? path.join(packageDir, 'dist', relative)
      : null;
  if (!binary || !fs.existsSync(binary)) {
    return `no Electron binary installed (looked for ${binary ?? path.join(packageDir, 'path.txt')}); tests never download one`;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display (DISPLAY/WAYLAND_DISPLAY unset); run under xvfb-run';
  }
  return null;
}

const skipReason = whyNoElectron();
if (skipReason) console.log(`[electron tests] skipped: ${skipReason}`);
test.skip(skipReason !== null, skipReason ?? '');

/** How many "quote" spans of the corpus cover exactly `text`. */
function quoteSpansOver(corpusFile: string, text: string): number {
  if (!fs.existsSync(corpusFile)) return 0;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded here, not at the top: a skipped run must not need the native addon
  const Database = require('better-sqlite3') as typeof BetterSqlite3;
  const db = new Database(corpusFile, { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare(
        `SELECT count(*) AS n FROM spans s JOIN documents d ON d.id = s.document_id
         WHERE s.label = 'quote' AND substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp) = ?`,
      )
      .get(text) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

test('a selection tagged with "1" shows a span and is saved to the corpus', async () => {
  expect(fs.existsSync(MAIN), `${MAIN} is missing: run npx electron-vite build first`).toBe(true);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-electron-'));
  const corpusFile = path.join(dataDir, 'Default.loupe');
  const app = await electron.launch({ args: [MAIN, `--data-dir=${dataDir}`], cwd: ROOT });
  try {
    const page = await app.firstWindow();
    const editor = page.locator('.ProseMirror').first();
    await expect(editor).toBeVisible();
    await expect(editor).not.toHaveText('');
    await editor.click();

    const spansOnScreen = page.locator('.lp-span');
    const shownBefore = await spansOnScreen.count();

    // select the first few characters of the first non-empty text node of the editor
    const selected = await editor.evaluate((root) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let node = walker.nextNode();
      while (node && (node.textContent ?? '').trim().length < 2) node = walker.nextNode();
      if (!node) throw new Error('the editor holds no text');
      const range = document.createRange();
      range.setStart(node, 0);
      range.setEnd(node, Math.min(4, (node.textContent ?? '').length));
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      return range.toString();
    });
    expect(selected.length).toBeGreaterThan(0);
    const savedBefore = quoteSpansOver(corpusFile, selected);

    await page.keyboard.press('1');

    await expect.poll(() => spansOnScreen.count()).toBeGreaterThan(shownBefore);
    await expect(spansOnScreen.filter({ hasText: selected }).first()).toBeVisible();
    await expect.poll(() => quoteSpansOver(corpusFile, selected), { timeout: 20_000 }).toBe(savedBefore + 1);
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
