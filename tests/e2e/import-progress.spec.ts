/**
 * A large import shows a progress bar with Cancel; Cancel stops after the chunk being stored, keeps
 * what was stored (each file whole) and says so. The browser build sends 40 files per request: the
 * second request is held until Cancel was pressed, so the test does not race the import.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, importFiles, test } from './fixtures';

const FILES = 120; // three requests of 40

test('the import progress bar moves, and Cancel keeps what was stored and sends nothing more', async ({ page, loupe }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-progress-'));
  try {
    const files = Array.from({ length: FILES }, (_, i) => {
      const file = path.join(dir, `a${String(i).padStart(3, '0')}.txt`);
      fs.writeFileSync(file, `第${i}篇\n县委书记在会上说，今年要办好第${i}件实事。`);
      return file;
    });
    const before = loupe.query<{ n: number }>('SELECT count(*) AS n FROM documents')[0]!.n;
    let requests = 0;
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/importFiles', async (route) => {
      requests++;
      if (requests === 2) await released;
      await route.continue();
    });

    await importFiles(page, files);
    const bar = page.locator('.import-progress');
    await expect(bar.getByRole('status')).toContainText(`Importing… 40 of ${FILES} files`);
    await expect(bar.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('value', '40');
    await page.screenshot({ path: test.info().outputPath('import-progress.png') });
    await bar.getByRole('button', { name: 'Cancel' }).click();
    await expect(bar.getByRole('button', { name: 'Cancelling…' })).toBeDisabled();
    release();

    const report = page.getByRole('dialog', { name: 'Import report' });
    await expect(report).toContainText('Import cancelled: the files imported before it are kept, each whole; the rest were not read.');
    await expect(report).toContainText('Imported 80 file(s) (80 documents).');
    await expect(bar).toBeHidden();
    // the chunk in flight when Cancel was pressed is stored; the third is never sent
    expect(requests).toBe(2);
    const titles = loupe.query<{ title: string }>('SELECT title FROM documents ORDER BY id').map((r) => r.title).slice(before);
    expect(titles).toEqual(Array.from({ length: 80 }, (_, i) => `第${i}篇`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
