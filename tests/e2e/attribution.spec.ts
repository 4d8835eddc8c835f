/**
 * Attribution: who said what, recorded from the keyboard alone — find, select the quotation, tag,
 * set an attribute, link quote to speaker — then reload, export, delete and undo.
 */
import path from 'node:path';
import { editor, expect, exportFiles, exportVia, importFiles, CORPUS_FIXTURES, type LoupeServer, selectText, test, waitSaved } from './fixtures';
import { parseJsonl, sliceCp } from './helpers';

const ARTICLE = path.join(CORPUS_FIXTURES, 'jinzhong-two-sessions.txt');
const QUOTE = '政府工作报告有三个特点:一是克难稳进的发展态势来之不易,二是向新求质的澎湃活力来之不易,三是更有温度的民生答卷来之不易。';
const OFFICIAL = '市政协副主席、寿阳县委书记赵宏钟';

interface SpanRow {
  id: string;
  label: string;
  text: string;
  attrs: string;
}
interface LinkRow {
  type: string;
  from_text: string;
  to_text: string;
}

const SPANS_SQL = `SELECT s.id, s.label, substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp) AS text, s.attrs
  FROM spans s JOIN documents d ON d.id = s.document_id WHERE d.title LIKE '攀%' ORDER BY s.start_cp`;
const LINKS_SQL = `SELECT l.type, substr(d.text, f.start_cp + 1, f.end_cp - f.start_cp) AS from_text,
  substr(d.text, t.start_cp + 1, t.end_cp - t.start_cp) AS to_text
  FROM links l JOIN spans f ON f.id = l.from_span JOIN spans t ON t.id = l.to_span JOIN documents d ON d.id = l.document_id`;

/** The stored text under each span of `label` (sliced by its code-point offsets), in text order. */
const spanTexts = (loupe: LoupeServer, label: string): string[] =>
  loupe
    .query<{ t: string }>(
      `SELECT substr(d.text, s.start_cp + 1, s.end_cp - s.start_cp) AS t FROM spans s JOIN documents d ON d.id = s.document_id
       WHERE s.label = ? ORDER BY s.start_cp`,
      label,
    )
    .map((r) => r.t);

/** Finds `text` with the find bar (/), which leaves it selected and the keyboard on the text. */
async function find(page: import('@playwright/test').Page, text: string): Promise<void> {
  await page.keyboard.press('/');
  const box = page.getByRole('search').getByLabel('Find');
  await expect(box).toBeFocused();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('search')).toHaveCount(0);
}

test('tag a quote (kind = direct) and its speaker, and link them, from the keyboard alone', async ({ page, loupe }) => {
  await importFiles(page, [ARTICLE]);
  await expect(editor(page)).toContainText('赵宏钟');
  const inspector = page.getByRole('region', { name: 'Inspector' });

  // The quotation: find a few words of it, Q selects what is inside the quotation marks, 1 tags it.
  await find(page, '政府工作报告有三个特点');
  await page.keyboard.press('q');
  await page.keyboard.press('1');
  await expect(inspector.getByRole('heading', { name: 'quote' })).toBeVisible();
  // A moves to the attributes; typing picks the choice; Esc gives the keyboard back to the text.
  await page.keyboard.press('a');
  const kind = inspector.getByLabel('kind');
  await expect(kind).toBeFocused();
  await page.keyboard.press('d');
  await expect(kind).toHaveValue('direct');
  await page.keyboard.press('Escape');
  await expect(kind).not.toBeFocused();

  // The speaker.
  await find(page, OFFICIAL);
  await page.keyboard.press('2');
  await expect(inspector.getByRole('heading', { name: 'official' })).toBeVisible();

  // Back to the quote (K), L to link: the nearest official is offered first; Enter links.
  await page.keyboard.press('k');
  await expect(inspector.getByRole('heading', { name: 'quote' })).toBeVisible();
  await page.keyboard.press('l');
  await expect(inspector).toContainText('New link');
  await expect(inspector).toContainText(`speaker: “${QUOTE.slice(0, 20)}`);
  await page.keyboard.press('Enter');
  await expect(inspector.getByRole('listitem')).toContainText(['speaker →']);
  await expect(inspector.getByRole('listitem')).toContainText([OFFICIAL]);
  await waitSaved(page);

  // In the file: the two spans with their exact text, the attribute and the link.
  expect(loupe.query<SpanRow>(SPANS_SQL).map((s) => [s.label, s.text, JSON.parse(s.attrs)])).toEqual([
    ['quote', QUOTE, { kind: 'direct' }],
    ['official', OFFICIAL, {}],
  ]);
  expect(loupe.query<LinkRow>(LINKS_SQL)).toEqual([{ type: 'speaker', from_text: QUOTE, to_text: OFFICIAL }]);

  // After a reload the link is still there, seen from both ends.
  await page.reload();
  await page.getByRole('navigation', { name: 'Documents' }).getByRole('button', { name: /攀“高”逐“新”/ }).click();
  await expect(editor(page)).toContainText('赵宏钟');
  await page.keyboard.press('j');
  await expect(inspector.getByRole('heading', { name: 'quote' })).toBeVisible();
  await expect(inspector.getByLabel('kind')).toHaveValue('direct');
  await expect(inspector.getByRole('listitem')).toContainText(['speaker →']);
  await page.keyboard.press('j');
  await expect(inspector.getByRole('heading', { name: 'official' })).toBeVisible();
  await expect(inspector.getByRole('listitem')).toContainText(['← speaker']);

  // The JSONL export carries the attribute and the link, and every offset slices back to its text.
  const [doc] = parseJsonl(await exportVia(page, 'document', 'JSONL')) as unknown as {
    text: string;
    spans: { id: string; label: string; start: number; end: number; text: string; fragments: number[][]; attrs: Record<string, unknown>; annotator: string | null }[];
    links: { id: string; type: string; from: string; to: string; annotator: string | null }[];
  }[];
  const quote = doc!.spans.find((s) => s.label === 'quote')!;
  const official = doc!.spans.find((s) => s.label === 'official')!;
  expect(quote.attrs).toEqual({ kind: 'direct' });
  expect(sliceCp(doc!.text, quote.start, quote.end)).toBe(QUOTE);
  expect(quote.fragments).toEqual([[quote.start, quote.end]]);
  // Both in the layer of the app's user (the computer's user name here), the link with its spans.
  expect(doc!.links).toEqual([{ id: expect.any(String), type: 'speaker', from: quote.id, to: official.id, annotator: quote.annotator }]);
  expect(quote.annotator).toEqual(expect.any(String));
  expect(official.annotator).toBe(quote.annotator);

  // Deleting the official takes the link with it; Undo brings both back.
  await page.keyboard.press('Delete');
  await waitSaved(page);
  expect(loupe.query<LinkRow>(LINKS_SQL)).toEqual([]);
  await page.keyboard.press('Control+z');
  await waitSaved(page);
  expect(loupe.query<LinkRow>(LINKS_SQL)).toEqual([{ type: 'speaker', from_text: QUOTE, to_text: OFFICIAL }]);
  expect(loupe.query<SpanRow>(SPANS_SQL)).toHaveLength(2);
});

test('a quote interrupted by its speaker is one span of two fragments, in the editor and in every export', async ({ page, loupe }) => {
  // The demo article: “河道干不干净,群众看得最清楚。”县委书记周振华在会上说,“今年我们要……拖后腿。”
  const first = '河道干不干净,群众看得最清楚。';
  const second = '今年我们要把问题找准、把责任压实,决不让一条河拖后腿。';
  await expect(editor(page)).toContainText(first);
  await selectText(page, first);
  await page.keyboard.press('1');
  await selectText(page, second);
  await page.keyboard.press('Alt+1');
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await expect(inspector).toContainText('One span in 2 fragments.');
  await expect(page.getByRole('complementary').getByRole('button', { name: /2 fragments/ })).toHaveCount(1);
  // The speaker, linked by dragging from the quote to him with Alt held.
  await selectText(page, '县委书记周振华');
  await page.keyboard.press('2');
  const from = editor(page).locator('.lp-span[data-label="quote"]').first();
  const to = editor(page).locator('.lp-span[data-label="official"]').first();
  await page.keyboard.down('Alt');
  await from.hover();
  await page.mouse.down();
  await to.hover();
  await page.mouse.up();
  await page.keyboard.up('Alt');
  await waitSaved(page);
  const rows = loupe.query<{ fragments: string; type: string }>(
    `SELECT s.fragments, l.type FROM spans s JOIN links l ON l.from_span = s.id WHERE s.label = 'quote'`,
  );
  expect(rows).toHaveLength(1);
  expect(rows[0]!.type).toBe('speaker');
  expect(JSON.parse(rows[0]!.fragments)).toHaveLength(2);

  const [jsonl] = await exportFiles(page, 'document', 'JSONL');
  const [doc] = parseJsonl(jsonl!) as unknown as { text: string; spans: { label: string; start: number; end: number; fragments: [number, number][] }[] }[];
  const quote = doc!.spans.find((s) => s.label === 'quote')!;
  expect(quote.fragments.map(([a, b]) => sliceCp(doc!.text, a, b))).toEqual([first, second]);
  expect(quote.start).toBe(quote.fragments[0]![0]);
  expect(quote.end).toBe(quote.fragments[1]![1]);

  const [spansCsv, linksCsv] = await exportFiles(page, 'document', 'CSV');
  expect(spansCsv).toContain('quote.kind');
  expect(linksCsv!.split('\r\n')[0]).toBe('\uFEFFlink_id,type,from_span_id,from_text,to_span_id,to_text,doc_id,annotator');
  expect(linksCsv).toContain(',speaker,');
  expect(linksCsv).toContain('县委书记周振华');
});

test('grow and shrink a span by characters and to punctuation; ? lists the keys', async ({ page, loupe }) => {
  await expect(editor(page)).toContainText('周振华');
  await selectText(page, '县委书记周振华');
  await page.keyboard.press('2');
  await page.keyboard.press('Shift+BracketLeft'); // start one character inward
  await page.keyboard.press('BracketRight'); // end one character outward: 华 → 华在
  await waitSaved(page);
  const text = () => spanTexts(loupe, 'official')[0];
  expect(text()).toBe('委书记周振华在');
  await page.keyboard.press('Alt+BracketLeft'); // the start back to the punctuation before it (after ”)
  await waitSaved(page);
  expect(text()).toBe('县委书记周振华在');
  await page.keyboard.press('Alt+BracketRight'); // the end on to the next punctuation (before ,)
  await waitSaved(page);
  expect(text()).toBe('县委书记周振华在会上说');

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard' });
  await expect(help).toContainText('Link the selected span to another');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});

test('] and [ take in an emoji with its skin tone, a ZWJ family and a flag whole', async ({ page, loupe }) => {
  await importFiles(page, [path.join(CORPUS_FIXTURES, 'tricky-offsets.txt')]);
  await expect(editor(page)).toContainText('品质');
  const slogans = () => spanTexts(loupe, 'slogan');
  await selectText(page, '品质');
  await page.keyboard.press('4');
  await page.keyboard.press('BracketRight'); // 👍🏽 is one character: never 👍 without its tone
  await waitSaved(page);
  expect(slogans()).toEqual(['品质👍🏽']);
  await page.keyboard.press('Shift+BracketRight');
  await waitSaved(page);
  expect(slogans()).toEqual(['品质']);

  await selectText(page, ' counts');
  await page.keyboard.press('4');
  await page.keyboard.press('BracketLeft');
  await selectText(page, ' flag');
  await page.keyboard.press('4');
  await page.keyboard.press('BracketLeft');
  await waitSaved(page);
  expect(slogans()).toEqual(['品质', '👨‍👩‍👧 counts', '🇨🇳 flag']);
});

test('document status and notes: filter the list, and both kinds of note are saved', async ({ page, loupe }) => {
  await expect(editor(page)).toContainText('周振华');
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await inspector.getByLabel('Status').selectOption('done');
  await inspector.getByLabel('Document note').fill('checked twice');
  await inspector.getByLabel('Document note').blur();
  await expect.poll(() => loupe.query<{ status: string; note: string }>('SELECT status, note FROM documents ORDER BY id')[0]).toEqual({
    status: 'done',
    note: 'checked twice',
  });
  const docs = page.getByRole('navigation', { name: 'Documents' });
  const all = await docs.getByRole('listitem').count();
  await docs.getByLabel('Show').selectOption('done');
  await expect(docs.getByRole('listitem')).toHaveCount(1);
  await docs.getByLabel('Show').selectOption('new');
  await expect(docs.getByRole('listitem')).toHaveCount(all - 1);

  await selectText(page, '县委书记周振华');
  await page.keyboard.press('2');
  await page.keyboard.press('n');
  await expect(inspector.getByLabel('Note')).toBeFocused();
  await page.keyboard.type('周振华 is the county Party secretary');
  await page.keyboard.press('Escape');
  await waitSaved(page);
  expect(loupe.query<{ note: string }>(`SELECT note FROM spans WHERE label = 'official'`)).toEqual([
    { note: '周振华 is the county Party secretary' },
  ]);
});
