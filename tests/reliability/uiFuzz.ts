/**
 * Model-based fuzz of the editor, in Chromium over `loupe web`, the way a person works: random walks
 * of mode switches, clicks (plain, with Ctrl, with Shift), drags, hovering, wheel scrolling, typing
 * (key by key, and by an input method), Backspace/Delete, Enter, undo/redo, tagging with keys and
 * the toolbar, removing spans, moving span edges, find, J/K and the span list, on documents whose
 * spans nest, cross paragraphs and sit on emoji.
 *
 * After every action the text and the spans are read from the editor's DOM (what the user sees),
 * and checked against what that action may change:
 * - looking around (clicks, drags, hovering, scrolling, find, J/K, modes) changes nothing;
 * - a span command (tag, relabel, remove, edge, fragment) changes one span and no text;
 * - a text edit changes the text in one place, and no span gains or loses a character outside it:
 *   a span disappears only when all its text is deleted;
 * - undo and redo bring back a state seen before.
 * Every few actions, once autosave has run, the corpus file must hold exactly what the editor shows.
 *
 * The walk is replayable: its seed drives the actions, the page's clock is Playwright's (so undo
 * grouping and autosave timing do not depend on the machine's speed), and span ids come from a
 * generator seeded the same way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type Browser, chromium, type Page } from '@playwright/test';
import { importBatch } from '../../src/main/services/importer';
import { openCorpusStore } from '../../src/main/services/loupeService';
import { startLoupeWeb } from '../e2e/loupeWeb';
import { CHROMIUM, CHROMIUM_ARGS } from '../chromium';
import { FIXTURES } from '../fixturePaths';
import { Rng } from './rng';

export interface UiFuzzOptions {
  seed: number;
  /** Walks, each on a fresh corpus; they alternate between the documents. */
  runs: number;
  /** Actions per walk. */
  actions: number;
  /** The corpus file is compared with the editor every this many actions (and at the end). */
  checkEvery?: number;
  log?: (line: string) => void;
  /** A browser to use (Playwright's test fixture); one is launched when absent. */
  browser?: Browser;
  /** Where a failing walk leaves its screenshot. */
  artifactsDir?: string;
}

export interface UiFuzzReport {
  name: string;
  runs: number;
  actions: number;
  byKind: Record<string, number>;
  documents: string[];
  /** Spans at the start of the walks, and spans that ended removed by the user or with all their text deleted. */
  spansAtStart: number;
  spansGoneLegitimately: number;
  /** Spans that vanished or lost characters without the user asking (must be 0). */
  spansLost: number;
  /** Comparisons of the corpus file with the editor. */
  corpusChecks: number;
  failures: string[];
  ms: number;
}

/** The documents the walks run on: name, files to import, and the title to open. */
const DOCUMENTS = [
  {
    name: 'Jinzhong report (35 nested spans, brat)',
    files: ['brat/jinzhong/article.txt', 'brat/jinzhong/article.ann', 'brat/jinzhong/annotation.conf'],
    title: '攀“高”逐“新” 共绘美好未来',
  },
  { name: 'tricky offsets (13 spans on emoji, astral, combining)', files: ['ui-fuzz/tricky-tagged.jsonl'], title: 'Tricky offsets, tagged' },
] as const;

/** What the user sees: the mode, the text, and each span's label and the code points it covers. */
interface Shown {
  mode: 'annotate' | 'edit';
  text: string;
  spans: Map<string, { label: string; cover: Set<number> }>;
}

type Expect = 'nothing' | 'span' | 'text' | 'history';

const CJK = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经';
const ASCII = 'abcdefghijklmnopqrstuvwxyz0123456789,.';

/** Reads the editor's DOM: paragraphs joined by "\n", and per span id the code points its mark covers. */
async function readShown(page: Page): Promise<Shown | null> {
  const raw = await page.evaluate(() => {
    const root = document.querySelector('.ProseMirror');
    if (!root) return null;
    const mode = root.classList.contains('lp-mode-edit') ? 'edit' : 'annotate';
    const cover: Record<string, [number, number][]> = {};
    const labels: Record<string, string> = {};
    let text = '';
    let cp = 0;
    root.querySelectorAll(':scope > p').forEach((p, i) => {
      if (i > 0) {
        text += '\n';
        cp += 1;
      }
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
        const len = [...n.data].length;
        // The span marks around this text (the marks' own elements, not the selection highlight).
        for (let el = n.parentElement; el && el !== p; el = el.parentElement) {
          const id = el.getAttribute('data-span-id');
          if (id === null || !el.hasAttribute('data-span-mark')) continue;
          (cover[id] ??= []).push([cp, cp + len]);
          const label = el.getAttribute('data-label') ?? document.querySelector(`.lp-span[data-span-id="${CSS.escape(id)}"]`)?.getAttribute('data-label');
          if (label) labels[id] = label;
        }
        text += n.data;
        cp += len;
      }
    });
    return { mode, text, cover, labels };
  });
  if (!raw) return null;
  const spans = new Map<string, { label: string; cover: Set<number> }>();
  for (const [id, runs] of Object.entries(raw.cover)) {
    const cover = new Set<number>();
    for (const [a, b] of runs) for (let i = a; i < b; i++) cover.add(i);
    spans.set(id, { label: raw.labels[id] ?? '?', cover });
  }
  return { mode: raw.mode as Shown['mode'], text: raw.text, spans };
}

/** Runs of consecutive code points, "a-b" joined by commas. */
function runsOf(cover: Set<number>): string {
  const sorted = [...cover].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(`${sorted[i]}-${sorted[j]! + 1}`);
    i = j + 1;
  }
  return out.join(',');
}

/** A state's identity: text and spans (not the mode). */
function keyOf(shown: Shown): string {
  const spans = [...shown.spans].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, s]) => `${id}:${s.label}:${runsOf(s.cover)}`);
  return `${shown.text}\u0000${spans.join(';')}`;
}

const describeSpan = (text: string, id: string, s: { label: string; cover: Set<number> } | undefined): string => {
  if (!s) return `${id} (gone)`;
  const cps = [...text];
  const covered = [...s.cover].sort((a, b) => a - b).map((i) => cps[i] ?? '?').join('');
  return `${id} ${s.label} [${runsOf(s.cover)}] “${covered.length > 40 ? `${covered.slice(0, 40)}…` : covered}”`;
};

/** What differs between two states, in words (for failure reports). */
function differences(before: Shown, after: Shown): string[] {
  const out: string[] = [];
  if (before.text !== after.text) {
    const a = [...before.text];
    const b = [...after.text];
    let p = 0;
    while (p < a.length && p < b.length && a[p] === b[p]) p++;
    out.push(`text differs from ${p}: “${a.slice(p, p + 20).join('')}” → “${b.slice(p, p + 20).join('')}” (${a.length} → ${b.length} code points)`);
  }
  for (const id of new Set([...before.spans.keys(), ...after.spans.keys()])) {
    const x = before.spans.get(id);
    const y = after.spans.get(id);
    if (!x || !y || x.label !== y.label || runsOf(x.cover) !== runsOf(y.cover)) {
      out.push(`before ${describeSpan(before.text, id, x)}\n    after  ${describeSpan(after.text, id, y)}`);
    }
  }
  return out.slice(0, 8);
}

/** A change to spans or text that `kind` may not make, in words; null when it is allowed. */
function check(kind: Expect, before: Shown, after: Shown, seen: ReadonlyMap<string, Shown>): string | null {
  if (kind === 'history') {
    if (seen.has(keyOf(after))) return null;
    // The seen state it most likely should have been: one with the same text, else the one before.
    const sameText = [...seen.values()].reverse().find((state) => state.text === after.text);
    return `undo/redo gave a state never seen before; against ${sameText ? 'a state seen with the same text' : 'the state before it'}:\n  ${differences(sameText ?? before, after).join('\n  ')}`;
  }
  const changed = [...new Set([...before.spans.keys(), ...after.spans.keys()])].filter((id) => {
    const a = before.spans.get(id);
    const b = after.spans.get(id);
    return !a || !b || a.label !== b.label || runsOf(a.cover) !== runsOf(b.cover);
  });
  if (kind === 'nothing' || kind === 'span') {
    if (before.text !== after.text) return `the text changed (${kind === 'nothing' ? 'by an action that only looks' : 'by a span command'})`;
    const allowed = kind === 'nothing' ? 0 : 1;
    if (changed.length <= allowed) return null;
    return `${changed.length} spans changed:\n${changed.slice(0, 6).map((id) => `    before ${describeSpan(before.text, id, before.spans.get(id))}\n    after  ${describeSpan(after.text, id, after.spans.get(id))}`).join('\n')}`;
  }
  // A text edit: one region changed; outside it every span covers exactly what it covered.
  const oldCps = [...before.text];
  const newCps = [...after.text];
  let prefix = 0;
  while (prefix < oldCps.length && prefix < newCps.length && oldCps[prefix] === newCps[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < oldCps.length - prefix &&
    suffix < newCps.length - prefix &&
    oldCps[oldCps.length - 1 - suffix] === newCps[newCps.length - 1 - suffix]
  )
    suffix++;
  const removed = oldCps.length - prefix - suffix;
  const inserted = newCps.length - prefix - suffix;
  const oldTail = oldCps.slice(prefix + removed).join('');
  let firstProblem: string | null = null;
  // The same edit can sit at several places when it repeats its neighbours ("aa" → "aaa"): any will do.
  for (let at = prefix; at >= Math.max(0, prefix - 64); at--) {
    if (at < prefix && oldCps.slice(at + removed).join('') !== newCps.slice(at + inserted).join('')) continue;
    if (at < prefix && oldTail !== newCps.slice(prefix + inserted).join('')) continue;
    const problem = coverageProblem(before, after, at, removed, inserted);
    if (!problem) return null;
    firstProblem ??= problem;
  }
  return firstProblem;
}

/** Whether every span covers the same characters outside the edited region [at, at + removed). */
function coverageProblem(before: Shown, after: Shown, at: number, removed: number, inserted: number): string | null {
  const problems: string[] = [];
  const moved = (i: number) => (i < at ? i : i - removed + inserted);
  const back = (i: number) => (i < at ? i : i - inserted + removed);
  for (const id of new Set([...before.spans.keys(), ...after.spans.keys()])) {
    const b = before.spans.get(id);
    const a = after.spans.get(id);
    if (b && a && b.label !== a.label) problems.push(`${id} changed label ${b.label} → ${a.label}`);
    if (!b && a) {
      problems.push(`a new span appeared: ${describeSpan(after.text, id, a)}`);
      continue;
    }
    const lost = [...(b?.cover ?? [])].filter((i) => (i < at || i >= at + removed) && !a?.cover.has(moved(i)));
    const gained = [...(a?.cover ?? [])].filter((i) => (i < at || i >= at + inserted) && !b?.cover.has(back(i)));
    if (lost.length || gained.length) {
      problems.push(
        `${id} ${a ? 'changed outside the edit' : 'vanished though not all its text was deleted'} (edit at ${at}, −${removed} +${inserted}; ` +
          `lost ${lost.length}, gained ${gained.length}):\n    before ${describeSpan(before.text, id, b)}\n    after  ${describeSpan(after.text, id, a)}`,
      );
    }
  }
  return problems.length ? problems.slice(0, 6).join('\n  ') : null;
}

/** The corpus file's text and spans of document `id`, as coverage (what the file says the user tagged). */
function readCorpus(corpusPath: string, docId: number): { text: string; spans: Shown['spans'] } {
  const db = new Database(corpusPath, { readonly: true, fileMustExist: true });
  try {
    const { text } = db.prepare('SELECT text FROM documents WHERE id = ?').get(docId) as { text: string };
    const rows = db.prepare('SELECT id, label, start_cp AS start, end_cp AS "end", fragments FROM spans WHERE document_id = ?').all(docId) as {
      id: string;
      label: string;
      start: number;
      end: number;
      fragments: string | null;
    }[];
    const cps = [...text];
    const spans: Shown['spans'] = new Map();
    for (const r of rows) {
      const fragments: [number, number][] = r.fragments ? (JSON.parse(r.fragments) as [number, number][]) : [[r.start, r.end]];
      const cover = new Set<number>();
      // "\n" is the break between paragraphs, never a character a mark sits on.
      for (const [a, b] of fragments) for (let i = a; i < b; i++) if (cps[i] !== '\n') cover.add(i);
      spans.set(r.id, { label: r.label, cover });
    }
    return { text, spans };
  } finally {
    db.close();
  }
}

/** A point over a random visible character of the editor (over a span's text with probability `inSpan`). */
async function pointAt(page: Page, rng: Rng, inSpan = 0.5): Promise<{ x: number; y: number } | null> {
  return page.evaluate(
    ({ r1, r2, wantSpan }) => {
      const root = document.querySelector('.ProseMirror');
      const scroller = document.querySelector('.editor-scroll');
      if (!root || !scroller) return null;
      const view = scroller.getBoundingClientRect();
      const nodes: Text[] = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
        if (!n.data.trim()) continue;
        if (wantSpan && !n.parentElement?.closest('[data-span-id]')) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const r = range.getBoundingClientRect();
        if (r.bottom > view.top + 4 && r.top < view.bottom - 4 && r.width > 0) nodes.push(n);
      }
      if (!nodes.length) return null;
      const node = nodes[Math.floor(r1 * nodes.length)]!;
      const units = node.data.length;
      let at = Math.floor(r2 * units);
      if (at > 0 && /[\uDC00-\uDFFF]/.test(node.data[at]!)) at--;
      const end = at + (/[\uD800-\uDBFF]/.test(node.data[at]!) ? 2 : 1);
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, Math.min(end, units));
      const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.bottom > view.top + 4 && r.top < view.bottom - 4);
      const r = rects[0];
      if (!r) return null;
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    },
    { r1: rng.next(), r2: rng.next(), wantSpan: rng.chance(inSpan) },
  );
}

/**
 * The walk's actions: each does its thing and says what it may change. An action of several key
 * presses calls `step` after each, so that the states between them count as seen: undo may go back
 * to any of them (each key can be its own undo step).
 */
type Action = (page: Page, rng: Rng, shown: Shown, step: () => Promise<void>) => Promise<Expect>;

const press = async (page: Page, key: string, times = 1, step?: () => Promise<void>): Promise<void> => {
  for (let i = 0; i < times; i++) {
    await page.keyboard.press(key);
    await step?.();
  }
};

const ACTIONS: Record<string, { weight: (s: Shown) => number; run: Action }> = {
  wheel: {
    weight: () => 6,
    async run(page, rng) {
      const box = await page.locator('.editor-scroll').boundingBox();
      if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, rng.pick([-1, 1]) * rng.range(100, 1200));
      return 'nothing';
    },
  },
  hover: {
    weight: () => 8,
    async run(page, rng) {
      const p = await pointAt(page, rng, 0.8);
      if (p) await page.mouse.move(p.x, p.y, { steps: 2 });
      return 'nothing';
    },
  },
  click: {
    weight: () => 12,
    async run(page, rng, shown) {
      const p = await pointAt(page, rng);
      if (!p) return 'nothing';
      const modifier = rng.weighted([[null, 8], ['Control', 1], ['Shift', 1]] as const);
      if (modifier) await page.keyboard.down(modifier);
      await page.mouse.click(p.x, p.y);
      if (modifier) await page.keyboard.up(modifier);
      // Shift-click extends a text selection; nothing else changes either way.
      void shown;
      return 'nothing';
    },
  },
  drag: {
    weight: () => 10,
    async run(page, rng, shown) {
      const a = await pointAt(page, rng, 0.3);
      const b = await pointAt(page, rng, 0.3);
      if (!a || !b) return 'nothing';
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move(b.x, b.y, { steps: 4 });
      await page.mouse.up();
      // Started inside the selection, a drag moves the text (in edit mode): a text edit.
      return shown.mode === 'edit' ? 'text' : 'nothing';
    },
  },
  mode: {
    weight: () => 6,
    async run(page, rng, shown) {
      if (rng.chance(0.3)) {
        await page.getByRole('button', { name: shown.mode === 'edit' ? 'Annotate' : 'Edit text', exact: true }).click();
      } else await page.keyboard.press(shown.mode === 'edit' ? 'Escape' : 'e');
      return 'nothing';
    },
  },
  tag: {
    weight: () => 10,
    async run(page, rng, shown) {
      const digit = String(rng.range(1, 4));
      if (rng.chance(0.2)) {
        await page.getByRole('toolbar').getByRole('button', { name: rng.pick(['quote', 'official', 'pledge', 'slogan']), exact: true }).click();
      } else await page.keyboard.press(shown.mode === 'edit' ? `Alt+${digit}` : rng.chance(0.15) ? `Alt+${digit}` : digit);
      return 'span';
    },
  },
  type: {
    weight: (s) => (s.mode === 'edit' ? 12 : 0),
    async run(page, rng, _shown, step) {
      if (rng.chance(0.5)) {
        for (let i = rng.range(1, 3); i > 0; i--) {
          await page.keyboard.type(ASCII[rng.int(ASCII.length)]!);
          await step();
        }
      } else {
        // An input method: text arrives as one insertion, not as key presses.
        let text = '';
        for (let i = rng.range(1, 3); i > 0; i--) text += CJK[rng.int(CJK.length)];
        await page.keyboard.insertText(text);
      }
      return 'text';
    },
  },
  delete: {
    weight: (s) => (s.mode === 'edit' ? 9 : 3),
    async run(page, rng, shown, step) {
      if (shown.mode === 'annotate') {
        await page.keyboard.press(rng.pick(['Delete', 'Backspace']));
        return 'span'; // removes the selected span, if any
      }
      if (rng.chance(0.3)) await press(page, rng.pick(['Shift+ArrowLeft', 'Shift+ArrowRight']), rng.range(1, 6));
      await press(page, rng.pick(['Backspace', 'Delete']), rng.range(1, 3), step);
      return 'text';
    },
  },
  enter: {
    weight: (s) => (s.mode === 'edit' ? 3 : 0),
    async run(page) {
      await page.keyboard.press('Enter');
      return 'text';
    },
  },
  undo: {
    weight: () => 7,
    async run(page) {
      await page.keyboard.press('Control+z');
      return 'history';
    },
  },
  redo: {
    weight: () => 4,
    async run(page, rng) {
      await page.keyboard.press(rng.chance(0.5) ? 'Control+Shift+z' : 'Control+y');
      return 'history';
    },
  },
  next: {
    weight: (s) => (s.mode === 'annotate' ? 7 : 0),
    async run(page, rng) {
      await press(page, rng.pick(['j', 'k', 'Tab', 'Shift+Tab']), rng.range(1, 4));
      return 'nothing';
    },
  },
  edge: {
    weight: (s) => (s.mode === 'annotate' ? 4 : 0),
    async run(page, rng) {
      await page.keyboard.press(rng.pick(['BracketLeft', 'BracketRight', 'Shift+BracketLeft', 'Shift+BracketRight', 'Alt+BracketRight']));
      return 'span';
    },
  },
  quote: {
    weight: (s) => (s.mode === 'annotate' ? 2 : 0),
    async run(page) {
      await page.keyboard.press('q');
      return 'nothing';
    },
  },
  escape: {
    weight: (s) => (s.mode === 'annotate' ? 3 : 0),
    async run(page) {
      await page.keyboard.press('Escape');
      return 'nothing';
    },
  },
  find: {
    weight: (s) => (s.mode === 'annotate' ? 4 : 0),
    async run(page, rng, shown) {
      const cps = [...shown.text];
      const at = rng.int(Math.max(1, cps.length - 4));
      const needle = cps.slice(at, at + rng.range(2, 4)).join('').split('\n')[0]!;
      if (!needle) return 'nothing';
      await page.keyboard.press('/');
      const box = page.getByRole('search').getByRole('textbox');
      await box.fill(needle);
      await box.press('Enter');
      return 'nothing';
    },
  },
  list: {
    weight: () => 3,
    async run(page, rng) {
      const rows = page.locator('.span-panel .span-item');
      const n = await rows.count();
      if (n) await rows.nth(rng.int(n)).click();
      return 'nothing';
    },
  },
};

/** Seeds the page's random numbers (span and link ids) from `seed`, so a walk replays. */
const seededRandom = (seed: number) => `(() => {
  let s = ${seed >>> 0};
  const next = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return (t ^ (t >>> 14)) >>> 0; };
  crypto.getRandomValues = (array) => { const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength); for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 255; return array; };
})();`;

/** One walk on a fresh corpus holding `doc`; returns its failures. */
async function walk(
  browser: Browser,
  seed: number,
  actions: number,
  doc: (typeof DOCUMENTS)[number],
  report: UiFuzzReport,
  options: UiFuzzOptions,
): Promise<void> {
  const rng = new Rng(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-uifuzz-'));
  const corpusPath = path.join(dir, 'fuzz.loupe');
  const store = openCorpusStore(corpusPath, { create: true });
  const imported = importBatch(
    store,
    doc.files.map((f) => ({ name: f, data: new Uint8Array(fs.readFileSync(path.join(FIXTURES, f))) })),
  );
  store.close();
  const docId = imported.imported[0]!.documentId;
  const { child, url } = await startLoupeWeb(['--corpus', corpusPath, '--data-dir', path.join(dir, 'data')]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  const page = await context.newPage();
  const history: string[] = [];
  const fail = async (what: string) => {
    const line = `seed ${seed} (${doc.name}), after ${history.length} actions [${history.slice(-8).join(', ')}]: ${what}`;
    report.failures.push(line);
    options.log?.(`ui fuzz FAILURE ${line}`);
    if (options.artifactsDir) {
      fs.mkdirSync(options.artifactsDir, { recursive: true });
      await page.screenshot({ path: path.join(options.artifactsDir, `ui-fuzz-${seed}.png`) }).catch(() => undefined);
    }
  };
  try {
    await page.addInitScript(seededRandom(seed));
    await page.clock.install({ time: new Date('2026-12-01T09:00:00Z') });
    await page.goto(url);
    await page.getByRole('navigation', { name: 'Documents' }).getByText(doc.title, { exact: true }).click();
    await page.locator('.ProseMirror').waitFor();
    await page.clock.runFor(500);
    let shown = (await readShown(page))!;
    const seen = new Map([[keyOf(shown), shown]]);
    report.spansAtStart += shown.spans.size;
    const checkCorpus = async (): Promise<boolean> => {
      // Autosave waits for a pause; let the page's clock run until the status bar says Saved.
      const status = page.locator('.save-status');
      // The save itself goes to the bridge in real time: give it real seconds (a loaded machine is slow), not a count of turns.
      const deadline = Date.now() + 30_000;
      while ((await status.textContent()) !== 'Saved' && Date.now() < deadline) {
        await page.clock.runFor(1000);
        await page.waitForTimeout(50);
      }
      if ((await status.textContent()) !== 'Saved') {
        await fail(`autosave did not finish: the status bar says “${await status.textContent()}”`);
        return false;
      }
      report.corpusChecks++;
      const stored = readCorpus(corpusPath, docId);
      if (stored.text !== shown.text) {
        await fail('the corpus file holds another text than the editor shows');
        return false;
      }
      const problems: string[] = [];
      for (const id of new Set([...stored.spans.keys(), ...shown.spans.keys()])) {
        const a = stored.spans.get(id);
        const b = shown.spans.get(id);
        if (!a || !b || a.label !== b.label || runsOf(a.cover) !== runsOf(b.cover)) {
          problems.push(`file ${describeSpan(stored.text, id, a)} / editor ${describeSpan(shown.text, id, b)}`);
        }
      }
      if (problems.length) {
        await fail(`the corpus file differs from the editor:\n  ${problems.slice(0, 6).join('\n  ')}`);
        return false;
      }
      return true;
    };
    for (let n = 0; n < actions; n++) {
      const entries = Object.entries(ACTIONS)
        .map(([name, a]) => [name, a.weight(shown)] as const)
        .filter(([, w]) => w > 0);
      const name = rng.weighted(entries);
      history.push(`${name}`);
      report.byKind[name] = (report.byKind[name] ?? 0) + 1;
      report.actions++;
      // States between the key presses of one action: undo may come back to them.
      const step = async () => {
        const between = await readShown(page);
        if (between) seen.set(keyOf(between), between);
      };
      const expect = await ACTIONS[name]!.run(page, rng, shown, step);
      // Close the find bar if it stayed open (no match), and let timers run: each action is its own undo step.
      if (await page.getByRole('search').isVisible()) await page.keyboard.press('Escape');
      await page.clock.runFor(600);
      const next = await readShown(page);
      if (!next) {
        await fail('the editor is gone from the page');
        return;
      }
      const problem = check(expect, shown, next, seen);
      if (problem) {
        const vanished = [...shown.spans.keys()].filter((id) => !next.spans.has(id) && expect === 'text').length;
        report.spansLost += Math.max(1, vanished);
        await fail(`${name} (${expect}) in ${shown.mode} mode: ${problem}`);
        return;
      }
      if (process.env.LOUPE_UI_FUZZ_VERBOSE) options.log?.(`  ${n + 1} ${name} (${shown.mode}): ${differences(shown, next).join('\n    ') || 'no change'}`);
      report.spansGoneLegitimately += [...shown.spans.keys()].filter((id) => !next.spans.has(id)).length;
      shown = next;
      seen.set(keyOf(shown), shown);
      if ((n + 1) % (options.checkEvery ?? 15) === 0 && !(await checkCorpus())) return;
    }
    await checkCorpus();
  } finally {
    await context.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `runs` walks of `actions` actions each, alternating documents; seed + k replays walk k. */
export async function fuzzUi(options: UiFuzzOptions): Promise<UiFuzzReport> {
  const started = Date.now();
  const report: UiFuzzReport = {
    name: `uiFuzz seed ${options.seed}, ${options.runs} walks × ${options.actions} actions`,
    runs: 0,
    actions: 0,
    byKind: {},
    documents: [],
    spansAtStart: 0,
    spansGoneLegitimately: 0,
    spansLost: 0,
    corpusChecks: 0,
    failures: [],
    ms: 0,
  };
  const own = options.browser ? null : await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const browser = options.browser ?? own!;
  try {
    for (let k = 0; k < options.runs; k++) {
      const doc = DOCUMENTS[k % DOCUMENTS.length]!;
      if (!report.documents.includes(doc.name)) report.documents.push(doc.name);
      options.log?.(`ui fuzz walk ${k + 1}/${options.runs}: seed ${options.seed + k}, ${doc.name}`);
      await walk(browser, options.seed + k, options.actions, doc, report, options);
      report.runs++;
    }
  } finally {
    await own?.close();
  }
  report.ms = Date.now() - started;
  return report;
}
