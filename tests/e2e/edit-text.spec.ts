import path from 'node:path';
import { editor, expect, exportVia, importFiles, selectText, CORPUS_FIXTURES, test, waitSaved } from './fixtures';
import { parseJsonl, sliceCp } from './helpers';

const ARTICLE = path.join(CORPUS_FIXTURES, 'jinzhong-two-sessions.txt');
const CAPTION = '晋中国家农高区全景 记者 程婧 摄';

test('fix the page-break artefacts: every span still covers the same words', async ({ page }) => {
  await importFiles(page, [ARTICLE]);
  await expect(editor(page)).toContainText(CAPTION);

  // 介休's quote runs across the photo caption and the split 精/准.
  const jiexiuQuote = `政府工作报告站位高远,通篇贯穿习近平新时代中国特色社会主义思想,是中央及省委、市委经济工作会议精神的有效贯彻,是市委“156”战略举措和打好“五张牌”的精\n${CAPTION}\n准落实`;
  await selectText(page, jiexiuQuote);
  await page.keyboard.press('1');
  await selectText(page, '介休市委书记任光耀');
  await page.keyboard.press('2');
  // A pledge split by 持久/战, with a slogan inside it that is split too.
  await selectText(page, '四是保护发展双向发力,坚决打好“降碳”主动战、“减污”攻坚战、“扩绿”持久\n战,厚植美丽和顺生态底蕴。');
  await page.keyboard.press('3');
  await selectText(page, '“扩绿”持久\n战');
  await page.keyboard.press('4');
  // 三是/围绕 split the same way
  await selectText(page, '三是\n围绕新型城镇化建设');
  await page.keyboard.press('3');

  await page.getByRole('button', { name: 'Edit text' }).click();
  // Delete the caption with the two breaks around it: 精 and 准 meet again.
  await selectText(page, `精\n${CAPTION}\n准`, { part: { start: 1, end: CAPTION.length + 3 } });
  await page.keyboard.press('Backspace');
  await expect(editor(page)).not.toContainText(CAPTION);
  // Join 持久 / 战 and 三是 / 围绕.
  await selectText(page, '持久\n战', { part: { start: 2, end: 3 } });
  await page.keyboard.press('Backspace');
  await selectText(page, '三是\n围绕', { part: { start: 2, end: 3 } });
  await page.keyboard.press('Backspace');
  // a typo fix inside the official's span (a deliberately different character, to see the span follow)
  await selectText(page, '耀');
  await page.keyboard.type('曜');
  await page.keyboard.press('Escape');
  await waitSaved(page);

  const [doc] = parseJsonl(await exportVia(page, 'document', 'JSONL'));
  const byText = doc!.spans.map((s) => [s.label, s.text]);
  expect(byText).toEqual(
    expect.arrayContaining([
      ['quote', jiexiuQuote.replace(`\n${CAPTION}\n`, '')],
      ['official', '介休市委书记任光曜'],
      ['pledge', '四是保护发展双向发力,坚决打好“降碳”主动战、“减污”攻坚战、“扩绿”持久战,厚植美丽和顺生态底蕴。'],
      ['slogan', '“扩绿”持久战'],
      ['pledge', '三是围绕新型城镇化建设'],
    ]),
  );
  expect(doc!.spans).toHaveLength(5);
  expect(doc!.text).not.toContain(CAPTION);
  for (const s of doc!.spans) expect(sliceCp(doc!.text, s.start, s.end)).toBe(s.text);
});

test('delete a tagged sentence, then undo brings back the text and its span', async ({ page, loupe }) => {
  await importFiles(page, [ARTICLE]);
  await expect(editor(page)).toContainText(CAPTION);
  const sentence = '潮头登高再击桨,无边胜景在前方。';
  await selectText(page, sentence);
  await page.keyboard.press('4');
  await waitSaved(page);
  const [before] = loupe.query<{ id: string }>('SELECT id FROM spans');

  await page.keyboard.press('e'); // edit mode
  await selectText(page, sentence);
  await page.keyboard.press('Backspace');
  await expect(editor(page)).not.toContainText('潮头登高再击桨');
  const panel = page.getByRole('complementary', { name: 'Spans' });
  await expect(panel.getByRole('listitem')).toHaveCount(0);
  await waitSaved(page);
  expect(loupe.query('SELECT id FROM spans')).toEqual([]);

  await page.keyboard.press('Control+z');
  await expect(editor(page)).toContainText(sentence);
  await expect(panel.getByRole('listitem')).toHaveCount(1);
  await waitSaved(page);
  expect(loupe.query('SELECT id FROM spans')).toEqual([before]);

  await page.reload();
  await page.getByRole('button', { name: /攀“高”逐“新”/ }).click();
  await expect(editor(page)).toContainText(sentence);
  await expect(panel.getByRole('listitem')).toHaveCount(1);
});

test('annotate mode never types into the article', async ({ page, loupe }) => {
  await importFiles(page, [ARTICLE]);
  await expect(editor(page)).toContainText(CAPTION);
  const before = loupe.query<{ text: string }>('SELECT text FROM documents ORDER BY id DESC LIMIT 1')[0]!.text;
  await selectText(page, '阳和启蛰');
  await page.keyboard.type('xyz9');
  await page.keyboard.press('Enter');
  await expect(editor(page)).toContainText('阳和启蛰,品物皆春。');
  await expect(editor(page)).not.toContainText('xyz');
  await page.keyboard.press('Control+s');
  await waitSaved(page);
  expect(loupe.query<{ text: string }>('SELECT text FROM documents ORDER BY id DESC LIMIT 1')[0]!.text).toBe(before);
});

test('the interface switches to Simplified Chinese and remembers it', async ({ page }) => {
  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.getByRole('menuitemradio', { name: 'Language: 简体中文' }).click();
  await expect(page.getByRole('menuitem', { name: '文件' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: '文档' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('menuitem', { name: '文件' })).toBeVisible();
  // messages from the Node side are translated too
  await page.getByRole('menuitem', { name: '文件' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('menuitem', { name: '导入…' }).click();
  await (await chooser).setFiles([path.join(__dirname, '../fixtures/not-text.bin')]);
  await expect(page.getByRole('dialog', { name: '导入报告' })).toContainText(
    // not-text.bin：不是文本文件（含有二进制数据）, full-width punctuation escaped so it survives any editor
    'not-text.bin\uff1a\u4e0d\u662f\u6587\u672c\u6587\u4ef6\uff08\u542b\u6709\u4e8c\u8fdb\u5236\u6570\u636e\uff09',
  );
});

test('two tabs on one document: the later save is refused, nothing is overwritten, and the user can reload', async ({ page, loupe }) => {
  const other = await page.context().newPage();
  await other.goto(loupe.url);
  await expect(editor(other)).toContainText('县委书记周振华');

  await selectText(other, '县委书记周振华');
  await other.keyboard.press('2');
  await waitSaved(other);

  await selectText(page, '副县长、县河长办主任王丽萍');
  await page.keyboard.press('2');
  await expect(page.getByRole('status')).toContainText('was changed in another window or tab');
  expect(loupe.query<{ label: string }>('SELECT label FROM spans')).toEqual([{ label: 'official' }]);

  // Choosing the document again reloads it, after asking; discarding shows what the other tab saved.
  await page.getByRole('navigation', { name: 'Documents' }).getByRole('button', { name: /清河县/ }).click();
  const ask = page.getByRole('alertdialog', { name: 'Unsaved changes' });
  await ask.getByRole('button', { name: 'Discard and continue' }).click();
  const panel = page.getByRole('complementary', { name: 'Spans' });
  await expect(panel.getByRole('listitem')).toHaveCount(1);
  await expect(panel).toContainText('县委书记周振华');
});

test('File › New corpus, then Open recent back to the first one', async ({ page, loupe }) => {
  const file = path.join(loupe.dataDir, 'second.loupe');
  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'New corpus…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New corpus' });
  await dialog.getByRole('textbox').fill(file);
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(page.getByRole('status').locator('..')).toContainText('Corpus: second');
  await expect(page.getByRole('navigation', { name: 'Documents' })).toContainText('No documents yet');

  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: `Open recent: ${loupe.corpusPath}` }).click();
  await expect(page.getByRole('navigation', { name: 'Documents' })).toContainText('清河县');
  // a path that is not a corpus: a clear message, and the current corpus stays open
  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'Open corpus…' }).click();
  await page.getByRole('dialog', { name: 'Open corpus' }).getByRole('textbox').fill(path.join(__dirname, '../fixtures/not-text.bin'));
  await page.getByRole('dialog', { name: 'Open corpus' }).getByRole('button', { name: 'OK' }).click();
  await expect(page.getByRole('alert')).toContainText('is not a Loupe corpus');
  await expect(page.getByRole('navigation', { name: 'Documents' })).toContainText('清河县');
});
