/**
 * What an import does with what the corpus already has, as a user meets it in the browser build:
 * an article imported twice (nothing new, the report says so, “Import them anyway” makes the copy),
 * and a file whose labels are `Quote` (the corpus's quote but for case) and `PER` (mapped to official).
 */
import path from 'node:path';
import { FIXTURES } from '../fixturePaths';
import { CORPUS_FIXTURES, editor, expect, importFiles, test } from './fixtures';

const ARTICLE = path.join(CORPUS_FIXTURES, 'jinzhong-two-sessions.txt');
const TITLE = '攀“高”逐“新” 共绘美好未来';

test('the same article imported twice: nothing new the second time, unless “Import them anyway”', async ({ page, loupe }) => {
  const docs = page.getByRole('navigation', { name: 'Documents' });
  const copies = docs.getByRole('button', { name: new RegExp(TITLE) });
  await importFiles(page, [ARTICLE]);
  await expect(copies).toHaveCount(1);
  await expect(editor(page)).toContainText('赵宏钟');

  await importFiles(page, [ARTICLE]);
  const report = page.getByRole('alertdialog', { name: 'Import report' });
  await expect(report).toContainText('Nothing new: the corpus already holds every document of these files.');
  await expect(report).toContainText(`Already in the corpus, not imported again: jinzhong-two-sessions.txt (“${TITLE}”)`);
  await report.getByRole('button', { name: 'Close' }).click();
  await expect(report).toBeHidden();
  await expect(copies).toHaveCount(1);
  expect(loupe.query('SELECT id FROM documents WHERE title = ?', TITLE)).toHaveLength(1);

  await importFiles(page, [ARTICLE]);
  await report.getByRole('button', { name: 'Import them anyway' }).click();
  await expect(copies).toHaveCount(2);
  const rows = loupe.query<{ text: string }>('SELECT text FROM documents WHERE title = ?', TITLE);
  expect(rows).toHaveLength(2);
  expect(rows[0]!.text).toBe(rows[1]!.text);
});

test('a file’s Quote is the corpus’s quote, and PER can be stored as official before importing', async ({ page, loupe }) => {
  await importFiles(page, [path.join(FIXTURES, 'import-policy/quote-per.jsonl')]);
  const choose = page.getByRole('dialog', { name: 'Labels new to this corpus' });
  await expect(choose).toContainText('Matched to the corpus regardless of case: Quote → quote');
  await choose.getByRole('combobox', { name: 'What to do with “PER”' }).selectOption({ label: 'Store as “official”' });
  await choose.getByRole('button', { name: 'Import' }).click();

  const report = page.getByRole('dialog', { name: 'Import report' });
  await expect(report).toContainText('Labels stored under a label of the corpus: PER → official, Quote → quote');
  await expect(report).not.toContainText('Labels added');
  await report.getByRole('button', { name: 'Close' }).click();

  await expect(editor(page)).toContainText('赵宏钟');
  const spans = page.getByRole('complementary', { name: 'Spans' });
  await expect(spans.getByRole('listitem')).toHaveCount(2);
  expect(
    loupe.query<{ label: string; text: string }>(
      `SELECT s.label, substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp) AS text
       FROM spans s JOIN documents d ON d.id = s.document_id WHERE d.title = '赵宏钟谈生态治理' ORDER BY s.start_cp`,
    ),
  ).toEqual([
    { label: 'official', text: '赵宏钟' },
    { label: 'quote', text: '今年我们要把问题找准，把措施落实。' },
  ]);
  expect(loupe.query<{ name: string }>('SELECT name FROM labels ORDER BY position').map((l) => l.name)).toEqual(['quote', 'official', 'pledge', 'slogan']);
});
