// Regenerates docs/screenshot.png: the demo article tagged, in Debian's Chromium over `loupe web`.
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
  const tag = async (needle, key) => {
    await select(needle);
    await page.waitForTimeout(80);
    await page.keyboard.press(key);
    await page.keyboard.press('Escape');
  };
  await tag('“河道干不干净,群众看得最清楚。”', '1');
  await tag('县委书记周振华', '2');
  await tag('“今年我们要把问题找准、把责任压实,决不让一条河拖后腿。”', '1');
  await tag('决不让一条河拖后腿', '3');
  await tag('副县长、县河长办主任王丽萍', '2');
  await tag('一是确保5月底前完成主要河段清淤', '3');
  await tag('二是确保每条河都有专职巡河员', '3');
  await tag('三是确保水质监测数据每周向社会公开', '3');
  await tag('“一河一策”', '4');
  await tag('县水务局局长陈建国', '2');
  await tag('“清水绿岸、鱼翔浅底”', '4');
  await page.getByText('已保存').waitFor();
  await page.screenshot({ path: 'docs/screenshot.png' });
} finally {
  await browser.close();
  server.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
