/**
 * Loupe's JSONL, JSON, CSV and XLSX exports read by pandas and openpyxl, and converted by
 * LibreOffice headless (see tests/realClients/spreadsheets.ts): every row must say what the corpus
 * holds.
 */
import { describe, expect, it } from 'vitest';
import { requireTool, skipWithout } from '../externalTools';
import { checkSpreadsheets, describeFigures, documentedCsvFilters, libreOffice, PANDAS, textColumns } from '../realClients/spreadsheets';

describe.skipIf(skipWithout(PANDAS) || skipWithout(libreOffice()))('exports read by pandas, openpyxl and LibreOffice', () => {
  it('every span, link and document arrives as the corpus holds it, in every file and every unit', { timeout: 300_000 }, async () => {
    requireTool(PANDAS);
    requireTool(libreOffice());
    const figures = await checkSpreadsheets();
    console.log(describeFigures(figures));
    expect(figures.mismatches).toEqual([]);
    // 15 exports (JSONL, JSON, spans CSV, links CSV and XLSX, in three units) and the 3 workbooks
    // LibreOffice made of them.
    expect(figures.files).toBe(18);
    expect(figures.rows).toBeGreaterThan(500);
    expect(figures.cells).toBeGreaterThan(10_000);
  });
});

describe('the LibreOffice filters the README documents', () => {
  it('read the CSVs as UTF-8, formulas and special numbers off, the spans CSV text columns as text', () => {
    const { spans, links } = documentedCsvFilters();
    for (const filter of [spans, links]) {
      const tokens = filter.split(':')[1]!.split(',');
      // separator, quote, UTF-8, first line; quoted fields as text, no special numbers, no formulas
      expect(tokens.slice(0, 4)).toEqual(['44', '34', '76', '1']);
      expect([tokens[6], tokens[7], tokens[12]]).toEqual(['true', 'false', 'false']);
    }
    // title, status, span id, label, text, fragments, contexts, note, unit; the default schema's text attributes
    expect(textColumns(spans)).toEqual([2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(textColumns(links)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
