/**
 * The Label Studio export, checked by Label Studio itself: the real frontend
 * (`@heartexlabs/label-studio` 1.4.0, its prebuilt bundle) in Chromium.
 *
 * - Loupe → Label Studio: spans placed on the sample corpus (Chinese, 𠮷, 👍🏽, a ZWJ family, a flag,
 *   combining marks; nested, overlapping, across paragraphs) are exported as Loupe's users export
 *   them, each file's tasks are loaded into Label Studio, and for every region both the text Label
 *   Studio's store finds at its offsets and the text it highlights in its page must be the span's
 *   text. (Label Studio 1.4.0 draws a few nested or overlapping highlights too wide, whatever the
 *   offsets: such a highlight is looked at again with its region alone, and listed.)
 * - Label Studio → Loupe: regions made in Label Studio with the mouse, after astral characters, are
 *   serialised as Label Studio hands them out (one task object with its annotation) and imported
 *   into Loupe: each span must cover the characters that were selected.
 *
 * `checkLabelStudio()` returns the figures (files, regions, mismatches); the test in
 * tests/unit/labelStudioClient.test.ts asserts on them, and the reliability runner can report them.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- Label Studio 1.4.0's page globals (LabelStudio, Htx and its store) come without types */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from '@playwright/test';
import type { ExportSource } from '../../src/main/formats/export';
import { writeExportFile } from '../../src/main/formats/export';
import { labelStudioConfig } from '../../src/main/formats/export/labelStudio';
import { importBatch } from '../../src/main/services/importer';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import type { Link, LoupeDocument, SpanInput } from '../../src/shared/types';
import { CHROMIUM, CHROMIUM_ARGS } from '../chromium';
import { CORPUS_FIXTURES } from '../fixturePaths';
import { at, cpSlice } from '../unit/textHelpers';

/** Debian's Chromium (Playwright's own browser download is not reachable from these machines). */

/** What the check found. */
export interface RealClientFigures {
  /** Files that crossed between the tools: Loupe's exports loaded into Label Studio, and Label Studio's task read by Loupe. */
  files: number;
  /** Regions compared (each export region, and each region made in Label Studio). */
  regions: number;
  /** One line per region that did not land on the same characters (empty when all did). */
  mismatches: string[];
  /**
   * Regions Label Studio placed right but highlighted too wide among nested and overlapping
   * highlights (its own drawing, not the offsets), each right when shown alone: which and why.
   */
  tooWideAmongOthers: string[];
  /** How long the check took, in milliseconds. */
  ms: number;
}

const requireHere = createRequire(__filename);

/** `build/static` of the Label Studio frontend package (a devDependency, installed without its dependencies). */
function labelStudioBundle(): { js: string; css: string; version: string } {
  const manifest = requireHere.resolve('@heartexlabs/label-studio/package.json');
  const root = path.dirname(manifest);
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string };
  return { js: path.join(root, 'build/static/js/main.js'), css: path.join(root, 'build/static/css/main.css'), version };
}

/**
 * Spans on tricky-offsets.txt: around and after 𠮷, 👍🏽, 👨‍👩‍👧 and 🇨🇳, combining marks; nested,
 * overlapping, across paragraph breaks. [label, text, occurrence].
 */
const TRICKY_SPANS: [string, string, number?][] = [
  ['slogan', '𠮷'],
  ['slogan', '“𠮷”'],
  ['slogan', '“吉”'],
  ['official', '𠮷野家社长'],
  ['official', '社长'],
  ['official', '𠮷野家'],
  ['official', '吉野家'],
  ['quote', '“我们会坚持品质👍🏽。”'],
  ['pledge', '我们会坚持品质👍🏽'],
  ['slogan', '品质👍🏽'],
  ['slogan', '👍🏽'],
  ['quote', '社长说,“我们会'],
  ['quote', '吉野家的“𠮷”字不是“吉”:𠮷野家社长说,“我们会坚持品质👍🏽。”'],
  ['quote', '。”\n記者在臺北報導'],
  ['official', '記者'],
  ['official', '市長'],
  ['quote', '「明年將推動三項改革」'],
  ['pledge', '明年將推動三項改革'],
  ['quote', '表示,「明年'],
  ['official', 'José'],
  ['quote', '“we’ll reopen”'],
  ['official', 'the mayor (市长)'],
  ['official', '市长'],
  ['pledge', 'pledged 5\u202f% growth'], // a narrow no-break space before %
  ['quote', 'growth.\nCafe\u0301 with'], // e + U+0301, two code points
  ['slogan', 'Cafe\u0301 with a combining accent'],
  ['slogan', 'combining accent; family emoji'],
  ['slogan', '👨‍👩‍👧'],
  ['quote', 'family emoji 👨‍👩‍👧 counts'],
  ['quote', 'counts as 5 code points'],
  ['slogan', '🇨🇳'],
  ['quote', '🇨🇳 flag is 2.'],
  ['quote', 'points; 🇨🇳'],
  ['quote', '2.\n最后一段'],
  ['slogan', '最后一段没有换行符。'],
  ['slogan', '换行符'],
];

/** Links on tricky-offsets.txt: [type, the text of the span it starts from, the text of the one it goes to]. */
const TRICKY_LINKS: [string, string, string][] = [
  ['speaker', '“我们会坚持品质👍🏽。”', '𠮷野家社长'],
  ['pledged_by', '明年將推動三項改革', '市長'],
  ['speaker', '“we’ll reopen”', 'José'],
];

/**
 * Spans on the Jinzhong report, placed by rule: each sentence of the first paragraphs as a quote,
 * the words in quotation marks inside it as slogans (nested), a span from the middle of one sentence
 * to the middle of the next (overlapping both), and the officials' names.
 */
function jinzhongSpans(text: string): [string, number, number][] {
  const out: [string, number, number][] = [];
  const sentences = [...text.matchAll(/[^。！？\n]+[。！？]/g)].slice(0, 18);
  sentences.forEach((m, k) => {
    const start = Array.from(text.slice(0, m.index)).length;
    const length = Array.from(m[0]).length;
    out.push(['quote', start, start + length]);
    for (const q of m[0].matchAll(/“[^”]+”/g)) {
      const qs = start + Array.from(m[0].slice(0, q.index)).length;
      out.push(['slogan', qs, qs + Array.from(q[0]).length]);
    }
    const next = sentences[k + 1];
    if (next && next.index === m.index! + m[0].length) {
      const nextLength = Array.from(next[0]).length;
      out.push(['pledge', start + Math.floor(length / 2), start + length + Math.floor(nextLength / 2)]);
    }
  });
  for (const name of ['张英杰', '任光耀']) {
    for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
      const start = Array.from(text.slice(0, i)).length;
      out.push(['official', start, start + Array.from(name).length]);
    }
  }
  return out;
}

/** A corpus with the two fixtures imported as a user imports them, and spans placed on them. */
function buildCorpus(dir: string): CorpusStore {
  const store = openCorpusStore(path.join(dir, 'corpus.loupe'), { create: true });
  const names = ['tricky-offsets.txt', 'jinzhong-two-sessions.txt'];
  const report = importBatch(
    store,
    names.map((name) => ({ name, data: fs.readFileSync(path.join(CORPUS_FIXTURES, name)) })),
  );
  if (report.failed.length > 0) throw new Error(`check setup: ${JSON.stringify(report.failed)}`);
  for (const doc of store.documents()) {
    const spans: SpanInput[] = [];
    const links: Link[] = [];
    if (doc.meta.fileName === 'tricky-offsets.txt') {
      const ids = new Map<string, string>();
      TRICKY_SPANS.forEach(([label, s, occ], k) => {
        const [start, end] = at(doc.text, s, occ);
        spans.push({ id: `t${k + 1}`, label, start, end, attrs: {} });
        ids.set(s, `t${k + 1}`);
      });
      TRICKY_LINKS.forEach(([type, from, to], k) => links.push({ id: `tl${k + 1}`, type, from: ids.get(from)!, to: ids.get(to)! }));
    } else {
      jinzhongSpans(doc.text).forEach(([label, start, end], k) => spans.push({ id: `j${k + 1}`, label, start, end, attrs: {} }));
    }
    store.saveDocument({ id: doc.id, upsert: spans, remove: [], upsertLinks: links });
  }
  return store;
}

/** What Label Studio makes of one region. */
interface ShownRegion {
  id: string;
  labels: string[];
  /** The offsets as Label Studio's store holds them. */
  start: number;
  end: number;
  /** The text Label Studio's store finds at those offsets (its own range, a <br> read as "\n"). */
  located: string;
  /** The text of the region's highlight in the page (a <br> read as "\n"). */
  highlighted: string;
  /** Text between the region's first and last highlight that is not highlighted. */
  gaps: number;
}

/** The element Label Studio 1.4.0 shows a `<Text>` in (it keeps two hidden copies beside it). */
const TEXT_IN_PAGE = '.lsf-richtext__container';

/** A blank page with the Label Studio bundle loaded. */
async function labelStudioPage(browser: Browser, dir: string): Promise<Page> {
  const bundle = labelStudioBundle();
  const html = path.join(dir, 'label-studio.html');
  if (!fs.existsSync(html)) {
    fs.writeFileSync(
      html,
      `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="${pathToFileURL(bundle.css).href}">
<script src="${pathToFileURL(bundle.js).href}"></script></head>
<body><div id="label-studio"></div></body></html>`,
    );
  }
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(pathToFileURL(html).href);
  await page.waitForFunction(() => typeof (window as unknown as { LabelStudio?: unknown }).LabelStudio === 'function');
  return page;
}

/** Mounts Label Studio with `task` and `config`; with `annotate`, opens a new annotation to draw regions in. */
async function mount(page: Page, task: unknown, config: string, annotate: boolean): Promise<void> {
  await page.evaluate(
    ({ task, config, annotate }) => {
      const w = window as unknown as Record<string, any>;
      new w.LabelStudio('label-studio', {
        config,
        interfaces: ['panel', 'side-column', 'annotations:current'],
        task,
        onLabelStudioLoad(ls: any) {
          if (!annotate) return;
          const annotation = ls.annotationStore.addAnnotation({ userGenerate: true });
          ls.annotationStore.selectAnnotation(annotation.id);
        },
      });
    },
    { task, config, annotate },
  );
  await page.waitForFunction((selector) => {
    const w = window as unknown as Record<string, any>;
    const selected = w.Htx?.annotationStore?.selected;
    return Boolean(selected) && document.querySelector(selector) !== null;
  }, TEXT_IN_PAGE);
}

/** The regions of the selected annotation (or prediction) and what the page highlights for each. */
async function shownRegions(page: Page, expected: number): Promise<ShownRegion[]> {
  // Highlights are drawn after the text renders: wait until every region has its spans in the page.
  await page.waitForFunction(
    (n) => {
      const regions = (window as unknown as Record<string, any>).Htx.annotationStore.selected.regions as any[];
      return regions.length >= n && regions.every((r) => Array.isArray(r._spans) && r._spans.length > 0 && r._spans.every((s: Element) => s.isConnected));
    },
    expected,
    { timeout: 30_000 },
  );
  return page.evaluate(() => {
    const regions = (window as unknown as Record<string, any>).Htx.annotationStore.selected.regions as any[];
    // (No named helper functions in here: the bundler's name-keeping wrappers do not exist in the page.)
    return regions.map((r) => {
      // Where the store puts the region: the range Label Studio computes from its offsets, in the
      // unhighlighted copy of the text it keeps beside the visible one.
      const range = r._getRange({ useOriginalContent: true, useCache: false }) as Range | undefined;
      let located = '';
      if (range) {
        const copy = document.createTreeWalker(range.cloneContents(), NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
        for (let node = copy.nextNode(); node; node = copy.nextNode()) {
          if (node.nodeName === 'BR') located += '\n';
          else if (node.nodeType === Node.TEXT_NODE) located += node.textContent ?? '';
        }
      }
      // What the page shows: the text inside the region's highlight spans, from its first to its last.
      const spans = [...(r._spans as HTMLElement[])].sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
      const shown = document.createRange();
      shown.setStartBefore(spans[0]!);
      shown.setEndAfter(spans[spans.length - 1]!);
      let highlighted = '';
      let gaps = 0;
      const walker = document.createTreeWalker(shown.commonAncestorContainer, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
      for (let node = walker.currentNode as Node | null; node; node = walker.nextNode()) {
        if (!shown.intersectsNode(node)) continue;
        if (node.nodeName === 'BR') highlighted += '\n';
        if (node.nodeType !== Node.TEXT_NODE) continue;
        if (spans.some((span) => span.contains(node))) highlighted += node.textContent ?? '';
        else if ((node.textContent ?? '') !== '') gaps++;
      }
      return {
        id: String(r.cleanId ?? r.id),
        labels: [...(r.getLabels() as string[])].map(String),
        start: Number(r.startOffset),
        end: Number(r.endOffset),
        located,
        highlighted,
        gaps,
      };
    });
  });
}

/** Selects `text` (its first occurrence in one text node of the page's text) with the mouse, as a user drags over it. */
async function dragOver(page: Page, text: string): Promise<void> {
  const box = await page.evaluate(({ wanted, selector }) => {
    const root = document.querySelector(selector)!;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const i = (node.textContent ?? '').indexOf(wanted);
      if (i < 0) continue;
      // (No helper functions in here: the bundler's name-keeping wrappers do not exist in the page.)
      const chars = Array.from(wanted);
      const a = document.createRange();
      a.setStart(node, i);
      a.setEnd(node, i + chars[0]!.length);
      const b = document.createRange();
      b.setStart(node, i + wanted.length - chars[chars.length - 1]!.length);
      b.setEnd(node, i + wanted.length);
      const [ra, rb] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
      return { x1: ra.left + 1, y1: ra.top + ra.height / 2, x2: rb.right - 1, y2: rb.top + rb.height / 2 };
    }
    return null;
  }, { wanted: text, selector: TEXT_IN_PAGE });
  if (!box) throw new Error(`check setup: "${text}" is not in one text node of Label Studio's page`);
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move((box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2, { steps: 4 });
  await page.mouse.move(box.x2, box.y2, { steps: 4 });
  await page.mouse.up();
}

/**
 * Regions drawn with the mouse in Label Studio, in this order: [label, text]. The first two lie after
 * 𠮷 in the first paragraph (Label Studio writes code points); the third is in the second paragraph,
 * after the first one's astral characters (Label Studio 1.4.0 counts earlier text nodes in UTF-16
 * units there, so Loupe must recognise that unit from the region's text).
 */
const DRAWN: [string, string][] = [
  ['pledge', '坚持品质👍🏽'],
  ['official', '社长'],
  ['official', '市長'],
];

/** Runs the whole check; prints one line with the figures. */
export async function checkLabelStudio(options: { log?: (line: string) => void } = {}): Promise<RealClientFigures> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-label-studio-'));
  const mismatches: string[] = [];
  let files = 0;
  let regions = 0;
  const tooWideAmongOthers: string[] = [];
  let browser: Browser | undefined;
  let store: CorpusStore | undefined;
  try {
    store = buildCorpus(dir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
    const config = labelStudioConfig(store.labels(), store.linkTypes());

    // Loupe → Label Studio: one export file per document, every region checked in the page.
    for (const doc of store.documents()) {
      const file = path.join(dir, `${path.parse(String(doc.meta.fileName)).name}.label-studio.json`);
      const source: ExportSource = { labels: store.labels(), linkTypes: store.linkTypes(), corpusName: store.name, documents: () => [doc] };
      await writeExportFile(file, 'label-studio', source, 'codepoint');
      files++;
      const [task] = JSON.parse(fs.readFileSync(file, 'utf8')) as Task[];
      const shown = await showTask(browser, dir, task!, config, doc.spans.length);
      const check = compare(path.basename(file), doc, shown);
      // A highlight drawn too wide among overlapping ones is looked at again with its region alone.
      for (const { id, why } of check.recheck) {
        const alone = { ...task!, predictions: [{ ...task!.predictions[0]!, result: task!.predictions[0]!.result.filter((r) => r.id === id) }] };
        const again = compare(path.basename(file), doc, await showTask(browser, dir, alone, config, 1), id);
        check.mismatches.push(...again.mismatches);
        if (again.mismatches.length === 0) tooWideAmongOthers.push(why);
      }
      mismatches.push(...check.mismatches);
      regions += doc.spans.length;
    }

    // Several annotators (issue 15): one document's spans split between two layers, exported as an
    // annotation each; Label Studio lists both, and each shows its annotator's regions where they are.
    {
      const doc = [...store.documents()].find((d) => d.spans.length >= 4)!;
      const whose = (i: number) => (i % 2 === 0 ? 'li' : '王芳');
      const spans = doc.spans.map((s, i) => ({ ...s, annotator: whose(i) }));
      const annotatorOf = new Map(spans.map((s) => [s.id, s.annotator]));
      const layered = { ...doc, spans, links: doc.links.filter((l) => annotatorOf.get(l.from) === annotatorOf.get(l.to)) };
      const file = path.join(dir, 'layers.label-studio.json');
      const source: ExportSource = { labels: store.labels(), linkTypes: store.linkTypes(), corpusName: store.name, documents: () => [layered] };
      await writeExportFile(file, 'label-studio', source, 'codepoint');
      files++;
      const [task] = JSON.parse(fs.readFileSync(file, 'utf8')) as Task[];
      const page = await labelStudioPage(browser, dir);
      try {
        await mount(page, task, config, false);
        const listed = await page.evaluate(() =>
          ((window as unknown as Record<string, any>).Htx.annotationStore.annotations as any[]).map((a) => ({ id: a.id as string, pk: String(a.pk), regions: a.regions.length as number })),
        );
        if (listed.length !== 2) mismatches.push(`layers: Label Studio lists ${listed.length} annotations, not 2 (li, 王芳)`);
        // Label Studio lists them newest first; each keeps the id it was exported with (its pk).
        for (const [k, annotator] of ['li', '王芳'].entries()) {
          const mine = spans.filter((s) => s.annotator === annotator);
          const exported = task!.annotations?.[k] as { id?: unknown; completed_by?: { loupe_annotator?: string } } | undefined;
          if (exported?.completed_by?.loupe_annotator !== annotator) mismatches.push(`layers: annotation ${k + 1} is not ${annotator}’s`);
          const listedAs = listed.find((a) => a.pk === String(exported?.id));
          if (!listedAs) {
            mismatches.push(`layers: Label Studio does not list ${annotator}’s annotation`);
            continue;
          }
          await page.evaluate((id) => (window as unknown as Record<string, any>).Htx.annotationStore.selectAnnotation(id), listedAs.id);
          const shown = await shownRegions(page, mine.reduce((n, s) => n + s.fragments.length, 0));
          const check = compare(`layers.label-studio.json (${annotator})`, { ...doc, spans: mine }, shown);
          mismatches.push(...check.mismatches);
          // A highlight drawn too wide among overlapping ones is looked at again with its region alone.
          for (const { id, why } of check.recheck) {
            const alone = { ...task!, annotations: [{ ...task!.annotations![k]!, result: task!.annotations![k]!.result.filter((r) => r.id === id) }], predictions: [] };
            const again = compare(`layers.label-studio.json (${annotator})`, { ...doc, spans: mine }, await showTask(browser, dir, alone, config, 1), id);
            mismatches.push(...again.mismatches);
            if (again.mismatches.length === 0) tooWideAmongOthers.push(why);
          }
          regions += mine.length;
        }
      } finally {
        await page.close();
      }
    }

    // Label Studio → Loupe: regions drawn with the mouse, serialised as Label Studio does, imported.
    const tricky = [...store.documents()].find((d) => d.meta.fileName === 'tricky-offsets.txt')!;
    const page = await labelStudioPage(browser, dir);
    let task: unknown;
    try {
      await mount(page, { id: 7001, data: { text: tricky.text } }, config, true);
      for (const [k, [label, text]] of DRAWN.entries()) {
        await page.locator('.lsf-labels').getByText(label, { exact: true }).click(); // the Labels control's button
        await dragOver(page, text);
        await page.waitForFunction((n) => (window as unknown as Record<string, any>).Htx.annotationStore.selected.regions.length > n, k);
      }
      // Serialised as Label Studio does on Submit, before anything else reads the regions (reading a
      // text region's range makes Label Studio 1.4.0 rewrite its text from the offsets).
      const result = await page.evaluate(() => (window as unknown as Record<string, any>).Htx.annotationStore.selected.serializeAnnotation());
      const made = (result as { type: string; value: { text?: string } }[]).filter((r) => r.type === 'labels').map((r) => r.value.text);
      if (made.sort().join('|') !== DRAWN.map(([, text]) => text).sort().join('|')) {
        mismatches.push(`dragged over ${JSON.stringify(DRAWN.map(([, text]) => text))}, Label Studio made regions over ${JSON.stringify(made)}`);
      }
      task = { id: 7001, data: { text: tricky.text }, annotations: [{ id: 1, completed_by: 1, was_cancelled: false, result }] };
    } finally {
      await page.close();
    }
    const taskFile = path.join(dir, 'label-studio-task.json');
    fs.writeFileSync(taskFile, JSON.stringify(task, null, 2));
    files++;
    regions += DRAWN.length;
    mismatches.push(...importDrawn(dir, taskFile));
  } finally {
    await browser?.close();
    store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const ms = Date.now() - started;
  const version = labelStudioBundle().version;
  const quirk = tooWideAmongOthers.length > 0 ? `; ${tooWideAmongOthers.length} highlights drawn too wide by Label Studio among overlapping ones, right alone` : '';
  log(`Label Studio ${version} (real frontend, Chromium): ${files} files, ${regions} regions, ${mismatches.length} mismatches${quirk} (${(ms / 1000).toFixed(1)} s)`);
  return { files, regions, mismatches, tooWideAmongOthers, ms };
}

/** A Label Studio task as Loupe exports it. */
interface Task {
  id: number;
  data: Record<string, unknown>;
  annotations?: { completed_by: unknown; result: { id?: string; type: string }[] }[];
  predictions: { model_version: string; result: { id?: string; type: string }[] }[];
}

/** Mounts `task` in a new page and reads what Label Studio makes of its regions. */
async function showTask(browser: Browser, dir: string, task: unknown, config: string, regions: number): Promise<ShownRegion[]> {
  const page = await labelStudioPage(browser, dir);
  try {
    await mount(page, task, config, false);
    return await shownRegions(page, regions);
  } finally {
    await page.close();
  }
}

/**
 * The spans of `doc` (or only span `only`) against the regions Label Studio shows. A region whose
 * offsets Label Studio reads onto other text is a mismatch; one it places right but whose highlight
 * shows other text is to be looked at again alone (`recheck`): Label Studio 1.4.0 draws some nested
 * and overlapping highlights too wide (a highlight covering a whole text node wraps that node's parent
 * highlight, with all of the parent's text).
 */
function compare(file: string, doc: LoupeDocument, shown: ShownRegion[], only?: string): { mismatches: string[]; recheck: { id: string; why: string }[] } {
  const mismatches: string[] = [];
  const recheck: { id: string; why: string }[] = [];
  const byId = new Map(shown.map((r) => [r.id, r]));
  const spans = doc.spans.filter((s) => only === undefined || s.id === only);
  for (const span of spans) {
    const want = cpSlice(doc.text, span.start, span.end);
    const region = byId.get(span.id);
    const where = `${file}: ${span.label} span ${span.id} ${JSON.stringify(want)}`;
    if (!region) {
      mismatches.push(`${where} has no region in Label Studio`);
    } else if (region.located !== want || region.labels.join() !== span.label) {
      mismatches.push(`${where}: Label Studio reads its region (${region.labels.join()}, ${region.start}–${region.end}) as ${JSON.stringify(region.located)}`);
    } else if (region.highlighted !== want || region.gaps > 0) {
      const why = `${where}: Label Studio highlights ${JSON.stringify(region.highlighted)}${region.gaps ? ` with ${region.gaps} gaps` : ''}`;
      if (only === undefined) recheck.push({ id: span.id, why });
      else mismatches.push(`${why}, even alone`);
    }
  }
  if (shown.length !== spans.length) mismatches.push(`${file}: Label Studio shows ${shown.length} regions for ${spans.length} spans`);
  return { mismatches, recheck };
}

/** Imports Label Studio's task file into a new corpus; each drawn region must be a span on the text that was selected. */
function importDrawn(dir: string, taskFile: string): string[] {
  const out: string[] = [];
  const target = openCorpusStore(path.join(dir, 'from-label-studio.loupe'), { create: true });
  try {
    const report = importBatch(target, [{ name: path.basename(taskFile), data: fs.readFileSync(taskFile) }]);
    for (const f of report.failed) out.push(`Loupe refused Label Studio's task ${f.name}: ${f.error}`);
    const [doc] = [...target.documents()];
    if (!doc) return out;
    for (const [label, text] of DRAWN) {
      const spans = doc.spans.filter((s) => s.label === label && cpSlice(doc.text, s.start, s.end) === text);
      if (spans.length !== 1) {
        const got = doc.spans.filter((s) => s.label === label).map((s) => cpSlice(doc.text, s.start, s.end));
        out.push(`region drawn in Label Studio over ${label} “${text}” imported as ${JSON.stringify(got)}`);
      }
    }
    if (doc.spans.length !== DRAWN.length) out.push(`Loupe imported ${doc.spans.length} spans from ${DRAWN.length} regions drawn in Label Studio`);
  } finally {
    target.close();
  }
  return out;
}
