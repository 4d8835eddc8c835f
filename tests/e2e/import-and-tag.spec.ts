import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { editor, expect, exportVia, importFiles, selectText, CORPUS_FIXTURES, test, waitSaved } from './fixtures';
import { parseJsonl, sliceCp } from './helpers';

const ARTICLE = path.join(CORPUS_FIXTURES, 'jinzhong-two-sessions.txt');
const TITLE = '攀“高”逐“新” 共绘美好未来';

test('first start shows the demo corpus with something to tag', async ({ page }) => {
  await expect(page.getByRole('navigation', { name: 'Documents' }).getByRole('button')).not.toHaveCount(0);
  await expect(editor(page)).toContainText('县委书记周振华');
  for (const name of ['quote', 'official', 'pledge', 'slogan']) {
    await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
  }
});

test('import the sample article in three encodings and report a broken file', async ({ page, loupe }) => {
  await importFiles(page, [
    ARTICLE,
    path.join(CORPUS_FIXTURES, 'jinzhong-two-sessions.gb18030.txt'),
    path.join(CORPUS_FIXTURES, 'jinzhong-two-sessions.utf16le-bom.txt'),
    path.join(__dirname, '../fixtures/not-text.bin'),
  ]);
  // The three decode to one text: the first is imported, the other two are left out as duplicates.
  const report = page.getByRole('alertdialog', { name: 'Import report' });
  await expect(report).toContainText('Imported 1 file(s) (1 documents).');
  await expect(report).toContainText('not-text.bin');
  await expect(report).toContainText('Already in the corpus, not imported again: jinzhong-two-sessions.gb18030.txt');
  await expect(report).toContainText('Already in the corpus, not imported again: jinzhong-two-sessions.utf16le-bom.txt');
  await report.getByRole('button', { name: 'Import them anyway' }).click();
  const docs = page.getByRole('navigation', { name: 'Documents' });
  await expect(docs.getByRole('button', { name: new RegExp(TITLE) })).toHaveCount(3);
  await expect(editor(page)).toContainText('市政协副主席、寿阳县委书记赵宏钟');
  const texts = loupe.query<{ text: string }>('SELECT DISTINCT text FROM documents WHERE title = ?', TITLE);
  expect(texts).toHaveLength(1);
});

test('tag by hotkey and toolbar, with overlap and same-label nesting; reload keeps everything', async ({ page, loupe }) => {
  await importFiles(page, [ARTICLE]);
  await expect(editor(page)).toContainText('赵宏钟');

  const quote = '“政府工作报告有三个特点:一是克难稳进的发展态势来之不易,二是向新求质的澎湃活力来之不易,三是更有温度的民生答卷来之不易。”';
  await selectText(page, quote);
  await page.keyboard.press('1'); // quote
  await selectText(page, '一是克难稳进的发展态势来之不易');
  await page.keyboard.press('1'); // a quote nested in a quote: same label
  await selectText(page, '市政协副主席、寿阳县委书记赵宏钟');
  await page.getByRole('button', { name: 'official', exact: true }).click();
  // a pledge that overlaps the official's span without nesting in it
  await selectText(page, '寿阳县委书记赵宏钟表示,寿阳县将以市两会为契机');
  await page.keyboard.press('3');
  await selectText(page, '争当发展排头兵、建设幸福新寿阳');
  await page.getByRole('button', { name: 'slogan', exact: true }).click();

  const panel = page.getByRole('complementary', { name: 'Spans' });
  await expect(panel.getByRole('listitem')).toHaveCount(5);
  // nested and overlapping spans stay distinguishable: they sit in different lanes
  await expect(editor(page).locator('.lp-span.lp-lane-1').first()).toBeVisible();
  await expect(panel.getByRole('button').nth(0)).toContainText('quote');
  await waitSaved(page);

  const rows = loupe.query<{ label: string; t: string }>(
    `SELECT s.label, substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp) AS t
     FROM spans s JOIN documents d ON d.id = s.document_id WHERE d.title = ? ORDER BY s.start_cp, s.end_cp DESC`,
    TITLE,
  );
  expect(rows).toEqual([
    { label: 'quote', t: quote },
    { label: 'quote', t: '一是克难稳进的发展态势来之不易' },
    { label: 'official', t: '市政协副主席、寿阳县委书记赵宏钟' },
    { label: 'pledge', t: '寿阳县委书记赵宏钟表示,寿阳县将以市两会为契机' },
    { label: 'slogan', t: '争当发展排头兵、建设幸福新寿阳' },
  ]);

  await page.reload();
  await page.getByRole('button', { name: new RegExp(TITLE) }).click();
  await expect(panel.getByRole('listitem')).toHaveCount(5);
  await expect(panel).toContainText('市政协副主席、寿阳县委书记赵宏钟');
});

test('clicking a span selects it; Delete removes it; another hotkey relabels it; all undoable', async ({ page, loupe }) => {
  await importFiles(page, [ARTICLE]);
  await expect(editor(page)).toContainText('阳和启蛰');
  await selectText(page, '阳和启蛰,品物皆春。');
  await page.keyboard.press('4');
  const panel = page.getByRole('complementary', { name: 'Spans' });
  await expect(panel.getByRole('listitem')).toHaveCount(1);

  await page.keyboard.press('Escape');
  await panel.getByRole('button', { name: /阳和启蛰/ }).click();
  await expect(panel.getByRole('button', { name: /阳和启蛰/ })).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('1');
  await expect(panel.getByRole('button', { name: /阳和启蛰/ })).toContainText('quote');
  await page.keyboard.press('Control+z');
  await expect(panel.getByRole('button', { name: /阳和启蛰/ })).toContainText('slogan');

  await editor(page).getByText('阳和启蛰').click();
  await page.keyboard.press('Delete');
  await expect(panel.getByRole('listitem')).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(panel.getByRole('listitem')).toHaveCount(1);
  await page.keyboard.press('Control+Shift+z');
  await expect(panel.getByRole('listitem')).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await waitSaved(page);
  expect(loupe.query('SELECT label FROM spans')).toEqual([{ label: 'slogan' }]);
});

test('export JSONL and CSV: offsets slice back to each span, in code points', async ({ page }) => {
  await importFiles(page, [path.join(CORPUS_FIXTURES, 'tricky-offsets.txt')]);
  await expect(editor(page)).toContainText('𠮷');
  await selectText(page, '“𠮷”字');
  await page.keyboard.press('1');
  await selectText(page, '👍🏽');
  await page.keyboard.press('4');
  await selectText(page, 'family emoji 👨‍👩‍👧 counts');
  await page.keyboard.press('2');
  await selectText(page, '「明年將推動三項改革」。\nCafé owner');
  await page.keyboard.press('3');
  await waitSaved(page);

  const docs = parseJsonl(await exportVia(page, 'document', 'JSONL'));
  expect(docs).toHaveLength(1);
  const doc = docs[0]!;
  expect(doc.offset_unit).toBe('codepoint');
  expect(doc.spans.map((s) => s.text)).toEqual(['“𠮷”字', '👍🏽', '「明年將推動三項改革」。\nCafé owner', 'family emoji 👨‍👩‍👧 counts']);
  for (const s of doc.spans) expect(sliceCp(doc.text, s.start, s.end)).toBe(s.text);

  // UTF-16 offsets on request (what JavaScript and Java slice by): 𠮷 and the emoji count double there
  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitemradio', { name: /Export offsets: UTF-16/ }).click();
  const [utf16] = parseJsonl(await exportVia(page, 'document', 'JSONL'));
  expect(utf16!.offset_unit).toBe('utf16');
  expect(utf16!.spans.map((s) => utf16!.text.slice(s.start, s.end))).toEqual(doc.spans.map((s) => s.text));
  expect(utf16!.spans[1]!.start).toBeGreaterThan(doc.spans[1]!.start);

  const csv = await exportVia(page, 'corpus', 'CSV');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  expect(csv).toContain('doc_id,doc_title,doc_status,span_id,label,start,end,text,fragments,left_context,right_context,note,offset_unit');
  expect(csv).toContain('"「明年將推動三項改革」。\nCafé owner"');
});

test('drag and drop of text files imports them', async ({ page, loupe }) => {
  const big5 = fs.readFileSync(path.join(CORPUS_FIXTURES, 'taipei-briefing.big5.txt')).toString('base64');
  const dataTransfer = await page.evaluateHandle((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'taipei-briefing.big5.txt', { type: 'text/plain' }));
    return dt;
  }, big5);
  const target = page.locator('.app');
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
  await expect(editor(page)).toContainText('交通局長陳志明');
  const [doc] = loupe.query<{ meta: string }>("SELECT meta FROM documents WHERE meta LIKE '%taipei%'");
  expect(JSON.parse(doc!.meta)).toMatchObject({ fileName: 'taipei-briefing.big5.txt', encoding: 'Big5' });
});

test('a Python script slicing the exported text reproduces every span (sample article and tricky offsets)', async ({ page }) => {
  await importFiles(page, [path.join(CORPUS_FIXTURES, 'tricky-offsets.txt')]);
  await expect(editor(page)).toContainText('𠮷');
  await selectText(page, '𠮷野家社长');
  await page.keyboard.press('2');
  await selectText(page, 'Cafe\u0301 with a combining accent');
  await page.keyboard.press('4');
  await selectText(page, '🇨🇳 flag');
  await page.keyboard.press('4');
  await importFiles(page, [ARTICLE]);
  await expect(editor(page)).toContainText('赵宏钟');
  await selectText(page, '“政府工作报告有三个特点');
  await page.keyboard.press('1');
  await selectText(page, '市政协副主席、寿阳县委书记赵宏钟');
  await page.keyboard.press('2');
  await waitSaved(page);

  const jsonl = await exportVia(page, 'corpus', 'JSONL');
  const file = path.join(test.info().outputDir, 'corpus.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, jsonl);
  const script = [
    'import json, sys',
    'n = 0',
    'for line in open(sys.argv[1], encoding="utf-8"):',
    '    doc = json.loads(line)',
    '    assert doc["offset_unit"] == "codepoint"',
    '    for s in doc["spans"]:',
    '        assert doc["text"][s["start"]:s["end"]] == s["text"], (s, doc["text"][s["start"]:s["end"]])',
    '        n += 1',
    '        print(s["text"])',
  ].join('\n');
  const result = spawnSync('python3', ['-X', 'utf8', '-c', script, file], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  // Python's slices are exactly what was selected in the editor (not just what the exporter wrote)
  expect(result.stdout.trimEnd().split('\n').sort()).toEqual(
    ['𠮷野家社长', 'Cafe\u0301 with a combining accent', '🇨🇳 flag', '“政府工作报告有三个特点', '市政协副主席、寿阳县委书记赵宏钟'].sort(),
  );
});

test('the user can give a document another title', async ({ page, loupe }) => {
  await importFiles(page, [ARTICLE]);
  const docs = page.getByRole('navigation', { name: 'Documents' });
  await docs.getByRole('button', { name: new RegExp(TITLE) }).dblclick();
  const dialog = page.getByRole('dialog', { name: 'Rename document' });
  await dialog.getByRole('textbox', { name: 'Title' }).fill('晋中市两会反响(一)');
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(docs.getByRole('button', { name: /晋中市两会反响/ })).toBeVisible();
  expect(loupe.query("SELECT count(*) AS n FROM documents WHERE title = '晋中市两会反响(一)'")).toEqual([{ n: 1 }]);
});

test('clicking the open document again keeps saving', async ({ page, loupe }) => {
  const docs = page.getByRole('navigation', { name: 'Documents' });
  const first = docs.getByRole('button').first();
  await first.click();
  await first.dblclick();
  await page.getByRole('dialog', { name: 'Rename document' }).getByRole('button', { name: 'Cancel' }).click();
  await selectText(page, '县委书记周振华');
  await page.keyboard.press('2');
  await waitSaved(page);
  expect(loupe.query('SELECT label FROM spans')).toEqual([{ label: 'official' }]);
});

test('a long Chinese document (100 KB of UTF-8) saves its text edits', async ({ page, loupe }) => {
  const paragraph = '各县(区、市)一致认为,当前我市高质量发展的宏伟蓝图已经绘就,前进方向已经明确。';
  const file = path.join(test.info().outputDir, 'long.txt');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `长文档\n${Array.from({ length: 900 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n')}\n`);
  await importFiles(page, [file]);
  await expect(editor(page)).toContainText('900. 各县');
  await page.getByRole('button', { name: 'Edit text' }).click();
  await selectText(page, '长文档');
  await page.keyboard.type('长篇');
  await waitSaved(page);
  const [row] = loupe.query<{ text: string }>("SELECT text FROM documents WHERE title = '长文档'");
  expect(row!.text.startsWith('长篇\n1. 各县')).toBe(true);
});
