/**
 * The acceptance test: the attribution structure of the sample article — each official,
 * their quotes with speaker links, their pledges with pledged_by links, the slogans inside them —
 * tagged in the app, kept through text edits and a reload, and exported as JSON, JSONL and CSV
 * whose offsets a Python script slices back to every span's text.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { editor, expect, exportFiles, importFiles, selectText, CORPUS_FIXTURES, test, waitSaved } from './fixtures';

const ARTICLE = path.join(CORPUS_FIXTURES, 'jinzhong-two-sessions.txt');

interface Official {
  name: string;
  quotes: { text: string; kind: 'direct' | 'indirect' }[];
  pledges: { text: string; slogans: string[] }[];
}

const OFFICIALS: Official[] = [
  {
    name: '市人大常委会副主任、榆次区委书记张英杰',
    quotes: [{ text: '今年的政府工作报告找准了晋中发展的切入点', kind: 'indirect' }],
    pledges: [{ text: '按照“服务太原、当好副核,发展晋中、振兴中部”的总体定位', slogans: ['服务太原、当好副核,发展晋中、振兴中部'] }],
  },
  {
    name: '介休市委书记任光耀',
    quotes: [{ text: '政府工作报告站位高远', kind: 'indirect' }],
    pledges: [{ text: '介休市将提高站位抓落实', slogans: [] }],
  },
  {
    name: '市人大常委会副主任、和顺县委书记许利伟',
    quotes: [],
    pledges: [{ text: '和顺县将全面贯彻落实市两会精神,奋勇争先、狠抓落实,走在前列、勇当排头', slogans: ['走在前列、勇当排头'] }],
  },
  {
    name: '市政协副主席、寿阳县委书记赵宏钟',
    quotes: [
      {
        text: '政府工作报告有三个特点:一是克难稳进的发展态势来之不易,二是向新求质的澎湃活力来之不易,三是更有温度的民生答卷来之不易。',
        kind: 'direct',
      },
    ],
    pledges: [{ text: '咬定“争当发展排头兵、建设幸福新寿阳”奋斗目标', slogans: ['争当发展排头兵、建设幸福新寿阳'] }],
  },
  {
    name: '太谷区委书记郁效军',
    quotes: [{ text: '政府工作报告总结成绩客观', kind: 'indirect' }],
    pledges: [{ text: '太谷区将全面贯彻落实市两会精神', slogans: [] }],
  },
];

/** With the new span selected: L, then Tab until the inspector offers `official`, then Enter. */
async function linkTo(page: Page, official: string): Promise<void> {
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await page.keyboard.press('l');
  await expect(inspector).toContainText('New link');
  for (let tries = 0; tries < 12; tries++) {
    const text = (await inspector.textContent()) ?? '';
    if (text.includes(`→ “${official}”`)) {
      await page.keyboard.press('Enter');
      await expect(inspector).not.toContainText('New link');
      return;
    }
    await page.keyboard.press('Tab');
    // Read the next candidate only once the inspector shows it (with one candidate it never changes).
    await expect
      .poll(async () => (await inspector.textContent()) ?? '', { timeout: 2_000 })
      .not.toBe(text)
      .catch(() => undefined);
  }
  throw new Error(`${official} was never offered as a link target`);
}

/** Tags the text with a label key; the new span ends up selected. */
async function tag(page: Page, text: string, key: string): Promise<void> {
  await selectText(page, text);
  await page.keyboard.press(key);
  await expect(page.getByRole('region', { name: 'Inspector' }).locator('.inspector-text')).toHaveText(text);
}

test('the sample article’s whole attribution structure: tagged, edited, reloaded, exported, sliced by Python', async ({ page }) => {
  test.setTimeout(240_000);
  await importFiles(page, [ARTICLE]);
  await expect(editor(page)).toContainText('赵宏钟');
  const inspector = page.getByRole('region', { name: 'Inspector' });

  for (const o of OFFICIALS) await tag(page, o.name, '2');
  for (const o of OFFICIALS) {
    for (const q of o.quotes) {
      await tag(page, q.text, '1');
      await page.keyboard.press('a');
      await inspector.getByLabel('kind').selectOption(q.kind);
      await page.keyboard.press('Escape');
      await linkTo(page, o.name);
    }
    for (const pl of o.pledges) {
      await tag(page, pl.text, '3');
      await linkTo(page, o.name);
      for (const s of pl.slogans) await tag(page, s, '4');
    }
  }
  await waitSaved(page);

  // Text edits around and inside spans: a word before every span, a character inside a quote.
  await page.keyboard.press('e');
  await selectText(page, '刚刚闭幕的');
  await page.keyboard.type('闭幕的');
  await selectText(page, '克难稳进');
  await page.keyboard.type('克难奋进');
  await page.keyboard.press('Escape');
  await waitSaved(page);
  await page.reload();
  await page.getByRole('navigation', { name: 'Documents' }).getByRole('button', { name: /攀“高”逐“新”/ }).click();
  await expect(editor(page)).toContainText('克难奋进');

  const expected = new Map<string, string>(); // text -> label
  const links: string[] = [];
  for (const o of OFFICIALS) {
    expected.set(o.name, 'official');
    for (const q of o.quotes) {
      const text = q.text.replace('克难稳进', '克难奋进');
      expected.set(text, 'quote');
      links.push(`speaker|${text}|${o.name}`);
    }
    for (const pl of o.pledges) {
      expected.set(pl.text, 'pledge');
      links.push(`pledged_by|${pl.text}|${o.name}`);
      for (const s of pl.slogans) expected.set(s, 'slogan');
    }
  }

  const dir = test.info().outputDir;
  fs.mkdirSync(dir, { recursive: true });
  const [jsonl] = await exportFiles(page, 'document', 'JSONL');
  const [json] = await exportFiles(page, 'document', 'JSON');
  const [csv, linksCsv] = await exportFiles(page, 'document', 'CSV');
  for (const [name, content] of [['doc.jsonl', jsonl], ['doc.json', json], ['doc.csv', csv], ['doc.links.csv', linksCsv]] as const) {
    fs.writeFileSync(path.join(dir, name), content!);
  }
  // Python reads each export as a downstream script would, slices every offset, and prints what it found.
  const script = String.raw`
import csv, json, sys
d = sys.argv[1]
def check(doc, tag):
    text = doc["text"]
    by_id = {}
    for s in doc["spans"]:
        assert text[s["start"]:s["end"]] == s["text"], (tag, s)
        for a, b in s["fragments"]:
            assert s["start"] <= a < b <= s["end"], (tag, s)
        by_id[s["id"]] = s
    for l in doc["links"]:
        print(tag, "link", l["type"], by_id[l["from"]]["text"], by_id[l["to"]]["text"], sep="|")
    for s in doc["spans"]:
        print(tag, "span", s["label"], s["text"], json.dumps(s["attrs"], ensure_ascii=False, sort_keys=True), sep="|")
docs = [json.loads(line) for line in open(d + "/doc.jsonl", encoding="utf-8")]
for doc in docs: check(doc, "jsonl")
for doc in json.load(open(d + "/doc.json", encoding="utf-8"))["documents"]: check(doc, "json")
text = docs[0]["text"]
rows = list(csv.DictReader(open(d + "/doc.csv", encoding="utf-8-sig", newline="")))
for r in rows:
    assert text[int(r["start"]):int(r["end"])] == r["text"], r
    print("csv", "span", r["label"], r["text"], r["quote.kind"], sep="|")
for r in csv.DictReader(open(d + "/doc.links.csv", encoding="utf-8-sig", newline="")):
    print("csv", "link", r["type"], r["from_text"], r["to_text"], sep="|")
`;
  const result = spawnSync('python3', ['-X', 'utf8', '-c', script, dir], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  const lines = result.stdout.trimEnd().split('\n');
  for (const tag of ['jsonl', 'json', 'csv']) {
    const spans = lines.filter((l) => l.startsWith(`${tag}|span|`)).map((l) => l.split('|'));
    expect(new Map(spans.map((s) => [s[3], s[2]]))).toEqual(expected);
    expect(spans).toHaveLength(expected.size);
    const found = lines.filter((l) => l.startsWith(`${tag}|link|`)).map((l) => l.split('|').slice(2).join('|'));
    expect(found.sort()).toEqual([...links].sort());
  }
  // Quote kinds came through, in JSONL attrs and in the CSV's attribute column.
  expect(lines).toContain(`jsonl|span|quote|${OFFICIALS[3]!.quotes[0]!.text.replace('克难稳进', '克难奋进')}|{"kind": "direct"}`);
  expect(lines).toContain(`csv|span|quote|${OFFICIALS[0]!.quotes[0]!.text}|indirect`);
});
