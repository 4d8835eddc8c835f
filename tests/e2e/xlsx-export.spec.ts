/**
 * The XLSX export from the browser build: File › Export corpus / Export document, and File ›
 * Export…, download a workbook that openpyxl reads with the tagged span and the Chinese intact.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEBIAN_PYTHON, python, requireTool, skipWithout } from '../externalTools';
import { editor, expect, selectText, test, waitSaved } from './fixtures';

const OPENPYXL = python(['openpyxl'], ['python3-openpyxl']);

/** The sheets of a workbook as openpyxl reads them: rows of cell values. */
function readWorkbook(file: string): Record<string, unknown[][]> {
  requireTool(OPENPYXL);
  const script = String.raw`
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
print(json.dumps({ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}, ensure_ascii=False))
`;
  const py = spawnSync(DEBIAN_PYTHON, ['-c', script, file], { encoding: 'utf8' });
  expect(py.stderr).toBe('');
  return JSON.parse(py.stdout) as Record<string, unknown[][]>;
}

test.skip(skipWithout(OPENPYXL), 'needs openpyxl');

test('File › Export corpus: XLSX and File › Export… download a workbook with the span, Chinese intact', async ({ page }) => {
  await expect(editor(page)).toContainText('县委书记周振华');
  await selectText(page, '县委书记周振华');
  await page.keyboard.press('2'); // official
  await waitSaved(page);

  const dir = test.info().outputDir;
  fs.mkdirSync(dir, { recursive: true });
  await page.getByRole('menuitem', { name: 'File' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Export corpus: XLSX', exact: true }).click();
  const corpusFile = path.join(dir, (await download).suggestedFilename());
  await (await download).saveAs(corpusFile);
  expect(corpusFile).toMatch(/\.xlsx$/);
  const book = readWorkbook(corpusFile);
  expect(Object.keys(book)).toEqual(['spans', 'links', 'documents']);
  const header = book.spans![0]!;
  const row = book.spans!.slice(1).find((r) => r[header.indexOf('text')] === '县委书记周振华');
  expect(row?.[header.indexOf('label')]).toBe('official');
  const documents = book.documents!;
  const text = documents.slice(1).find((d) => d[0] === row![0])![documents[0]!.indexOf('text')] as string;
  // code points by default: Python-style slicing of the document's text gives the span's text
  const [start, end] = [row![header.indexOf('start')] as number, row![header.indexOf('end')] as number];
  expect(Array.from(text).slice(start, end).join('')).toBe('县委书记周振华');

  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await dialog.getByRole('combobox', { name: 'Format' }).selectOption({ label: 'XLSX' });
  await expect(dialog).toContainText('Offsets in the unit chosen under File › Export offsets.');
  await dialog.getByRole('radio', { name: 'The open document' }).check();
  const fromDialog = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export' }).click();
  const documentFile = path.join(dir, (await fromDialog).suggestedFilename());
  await (await fromDialog).saveAs(documentFile);
  expect(path.basename(documentFile)).toMatch(/^document-\d+\.xlsx$/);
  expect(readWorkbook(documentFile).spans!.slice(1).map((r) => r[header.indexOf('text')])).toEqual(['县委书记周振华']);
});
