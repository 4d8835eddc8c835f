// Regenerates docs/screenshot.png: the demo article tagged and linked, in Debian's Chromium over `loupe web`.
// Run from the repo root after `npm run build`: npx node docs/make-screenshot.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { chromium } from '@playwright/test';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-shot-'));
const server = spawn(process.execPath, ['bin/loupe.cjs', 'web', '--port', '0', '--data-dir', dataDir], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve) => readline.createInterface({ input: server.stdout }).once('line', resolve));
const browser = await chromium.launch({
  executablePath: process.env.LOUPE_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  await page.goto(url);
  await page.locator('.ProseMirror').waitFor();
  const select = (needle) =>
    page.evaluate((needle) => {
      const root = document.querySelector('.ProseMirror');
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.data.indexOf(needle);
        if (i >= 0) {
          const range = document.createRange();
          range.setStart(n, i);
          range.setEnd(n, i + needle.length);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
          return;
        }
      }
      throw new Error(`not found: ${needle}`);
    }, needle);
  const tag = async (needle, key, { keep = false } = {}) => {
    await select(needle);
    await page.waitForTimeout(80);
    await page.keyboard.press(key);
    if (!keep) await page.keyboard.press('Escape');
  };
  // A direct quote interrupted by its speaker: one span in two fragments (Alt+1), linked to him (L).
  await tag('河道干不干净,群众看得最清楚。', '1', { keep: true });
  await tag('今年我们要把问题找准、把责任压实,决不让一条河拖后腿。', 'Alt+1', { keep: true });
  await page.keyboard.press('a');
  await page.keyboard.press('d');
  await page.keyboard.press('Escape');
  await tag('县委书记周振华', '2', { keep: true });
  await page.keyboard.press('k');
  await page.keyboard.press('l');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await tag('决不让一条河拖后腿', '3', { keep: true });
  await page.keyboard.press('l');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await tag('副县长、县河长办主任王丽萍', '2');
  for (const pledge of ['一是确保5月底前完成主要河段清淤', '二是确保每条河都有专职巡河员', '三是确保水质监测数据每周向社会公开']) {
    await tag(pledge, '3', { keep: true });
    await page.keyboard.press('l');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
  }
  await tag('“一河一策”', '4');
  await tag('县水务局局长陈建国', '2');
  await tag('“清水绿岸、鱼翔浅底”', '4');
  // Show the quote selected: its fragments, attribute, link arc and inspector.
  await page.locator('.ProseMirror [data-label="quote"]').first().click({ position: { x: 30, y: 10 } });
  await page.waitForTimeout(300);
  await page.getByText('已保存').waitFor();
  await page.screenshot({ path: 'docs/screenshot.png' });
} finally {
  await browser.close();
  server.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
