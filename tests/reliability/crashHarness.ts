/**
 * The crash harness: runs Loupe's Node side in a child process (crashChild.ts), drives a stream of
 * edits, tags, links, imports and exports through the API, kills the child with SIGKILL at random
 * moments, then reopens the corpus and checks that
 *  - it passes `PRAGMA integrity_check`;
 *  - it holds every change the child had acknowledged, and nothing half-done: it equals a reference
 *    corpus that the harness drives in-process with the same calls, as of the last acknowledged call
 *    or (when the kill fell after the commit but before the answer) the call in flight;
 *  - an export's target is absent, or a complete export, never a part of one.
 * The reference is Loupe's own store run without kills, so this checks durability and atomicity,
 * not the store's rules (other tests do that).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import { parseArgs, type ApiMethod } from '../../src/shared/contract';
import type { ExportFormat, LoupeDocument } from '../../src/shared/types';
import { bytesReplacer } from '../../src/shared/wire';
import { Rng } from './rng';
import { CorpusStore } from '../../src/main/store/corpusStore';
import { createLoupeService, type LoupeService } from '../../src/main/services/loupeService';
import { checkFile, listBackups } from '../../src/main/services/backups';

const CHILD = path.join(__dirname, 'crashChild.ts');
const ROOT = path.join(__dirname, '..', '..');

/** What a run did and found. */
export interface CrashReport {
  scenario: 'edits' | 'import' | 'export';
  kills: number;
  /** Calls sent, and calls the child acknowledged before it was killed. */
  calls: number;
  acknowledged: number;
  byMethod: Record<string, number>;
  /** Kills after which the corpus held exactly the acknowledged calls / also the call in flight. */
  atAcknowledged: number;
  withCallInFlight: number;
  /** Acknowledged calls the API refused (a span past the end, a stale revision): both sides agreed. */
  refused: number;
  /** Kills that fell before the child had opened the corpus and said so. */
  duringStartup: number;
  /** Export kills that left the target absent, the previous export, or the new one complete. */
  exportTargets: Record<string, number>;
  /** Backups found after kills (each must pass its check: a kill during a backup leaves no bad one). */
  backupsChecked: number;
  /** Most temporary files of earlier killed exports found beside a target after a later export to it. */
  tmpLeft: number;
  failures: string[];
  ms: number;
}

/** A seeded random source, as a function (see rng.ts), so a failing run can be replayed from its seed. */
export function prng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

const PIECES = [
  '\u56fd\u52a1\u9662\u603b\u7406\u5f3a\u8c03', // 国务院总理强调
  '\u201c\u8981\u575a\u6301\u4ee5\u4eba\u6c11\u4e3a\u4e2d\u5fc3\u3002\u201d', // “要坚持以人民为中心。”
  '\u4e0b\u4e00\u6b65\u5c06\u52a0\u5feb\u63a8\u8fdb\u4e61\u6751\u632f\u5174\uff0c', // 下一步将加快推进乡村振兴，
  'the minister said ',
  '\ud842\udfb7\u91ce\u5bb6 ', // 𠮷野家 (astral)
  '\ud83d\udc4d\ud83c\udffd ', // emoji with a skin tone
  'e\u0301 ',
  '\n',
];

function words(random: () => number, n: number): string {
  let out = '';
  while ([...out].length < n) out += PIECES[Math.floor(random() * PIECES.length)];
  return [...out].slice(0, n).join('');
}

function article(random: () => number, paragraphs: number, length: number): string {
  const lines = [`\u62a5\u9053 ${Math.floor(random() * 1e6)}`]; // 报道 N
  for (let i = 0; i < paragraphs; i++) lines.push(words(random, length).replace(/\n/g, ''));
  return lines.join('\n');
}

type Call = { method: ApiMethod; args: Record<string, unknown> };

/** The corpus as compared: everything a user or an export sees, without timestamps. */
function dump(file: string): string {
  const store = CorpusStore.open(file, { create: false });
  try {
    const docs = [...store.documents()].map((d: LoupeDocument) => ({
      ...d,
      createdAt: undefined,
      updatedAt: undefined,
      spans: d.spans.map((s) => ({ ...s, createdAt: undefined, updatedAt: undefined })),
    }));
    return JSON.stringify({ schema: store.schema(), name: store.name, docs });
  } finally {
    store.close();
  }
}

/** `PRAGMA integrity_check` on the file as the app would open it after a crash (WAL recovered). */
function integrity(file: string): string {
  const db = new Database(file, { fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** The child process and its answers. */
class Child {
  readonly process: ChildProcessWithoutNullStreams;
  ready = false;
  exited: Promise<void>;
  private waiting = new Map<number, (answer: { ok: boolean; code?: string; message?: string; result?: unknown }) => void>();
  private onReady: (() => void) | undefined;
  /** Called when the child has read and decoded a call and hands it to the service. */
  onStarted: (() => void) | undefined;
  stderr = '';

  constructor(dataDir: string, corpus: string) {
    this.process = spawn(process.execPath, ['-r', 'tsx/cjs', CHILD, dataDir, corpus], { cwd: ROOT, stdio: 'pipe' });
    // A call written after the kill meets a closed pipe; the answer 'killed' says so already.
    this.process.stdin.on('error', () => undefined);
    this.process.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    readline.createInterface({ input: this.process.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { ready?: boolean; started?: number; seq?: number; ok?: boolean };
      if (message.started !== undefined) {
        this.onStarted?.();
        return;
      }
      if (message.ready) {
        this.ready = true;
        this.onReady?.();
        return;
      }
      const resolve = this.waiting.get(message.seq!);
      this.waiting.delete(message.seq!);
      resolve?.(message as { ok: boolean });
    });
    this.exited = new Promise((resolve) => this.process.once('exit', () => resolve()));
    void this.exited.then(() => {
      this.onReady?.();
      for (const resolve of this.waiting.values()) resolve({ ok: false, code: 'killed' });
      this.waiting.clear();
    });
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => (this.onReady = resolve));
  }

  private seq = 0;
  /** Sends a call; resolves with the answer, or { code: 'killed' } when the child died first. */
  call(call: Call, onSent?: () => void): Promise<{ ok: boolean; code?: string; message?: string; result?: unknown }> {
    const seq = ++this.seq;
    const line = `${JSON.stringify({ seq, ...call }, bytesReplacer)}\n`;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      this.process.stdin.write(line, () => onSent?.());
    });
  }

  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.exited;
  }
}

/** The reference: the same service in this process, never killed. */
class Reference {
  readonly service: LoupeService;
  corpusId = '';
  constructor(
    dataDir: string,
    readonly file: string,
  ) {
    this.service = createLoupeService({ dataDir, corpusPath: file });
  }
  async init(): Promise<void> {
    this.corpusId = (await this.service.corpusInfo({})).id;
  }
  /** Applies a call; returns whether it was accepted. */
  async apply(call: Call): Promise<boolean> {
    const args = { ...call.args };
    if (args.corpusId === '$') args.corpusId = this.corpusId;
    try {
      await (this.service[call.method] as (a: unknown) => Promise<unknown>)(parseArgs(call.method, args));
      return true;
    } catch {
      return false;
    }
  }
  dump(): string {
    return dump(this.file);
  }
}

/** Picks the next call from the reference's state. */
class CallMaker {
  private spanSeq = 0;
  private linkSeq = 0;
  constructor(
    private readonly random: () => number,
    private readonly ref: Reference,
  ) {}

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  private int(below: number): number {
    return Math.floor(this.random() * below);
  }

  textFile(paragraphs: number, length: number): { name: string; data: Uint8Array } {
    return { name: `a${this.int(1e9)}.txt`, data: new TextEncoder().encode(article(this.random, paragraphs, length)) };
  }

  async next(): Promise<Call> {
    const list = await this.ref.service.listDocuments({});
    const roll = this.random();
    if (list.length < 3 || roll < 0.05) {
      const files = Array.from({ length: 1 + this.int(3) }, () => this.textFile(2 + this.int(20), 40 + this.int(400)));
      return { method: 'importFiles', args: { files } };
    }
    const doc = await this.ref.service.getDocument({ id: this.pick(list).id });
    const length = [...doc.text].length;
    const base = { corpusId: '$', id: doc.id, baseRevision: doc.revision, upsert: [], remove: [] };
    const info = await this.ref.service.corpusInfo({});
    if (roll < 0.07 && list.length > 4) return { method: 'deleteDocument', args: { id: doc.id } };
    if (roll < 0.45) {
      // typing, deleting, pasting: a splice, as autosave sends it
      const at = this.int(length + 1);
      const remove = this.random() < 0.4 ? this.int(Math.min(30, length - at) + 1) : 0;
      const insert = this.random() < 0.05 ? words(this.random, 2000 + this.int(4000)) : words(this.random, this.int(12) + (remove ? 0 : 1));
      return { method: 'saveDocument', args: { ...base, edit: { at, remove, insert } } };
    }
    if (roll < 0.7 && length > 2) {
      const spans = Array.from({ length: this.random() < 0.2 ? 2 + this.int(6) : 1 }, () => {
        const start = this.int(length - 1);
        const end = start + 1 + this.int(Math.min(60, length - start - 1) + 0);
        return { id: `s${++this.spanSeq}`, label: this.pick(info.labels).name, start, end: Math.min(end, length) };
      }).filter((s) => s.end > s.start);
      return { method: 'saveDocument', args: { ...base, upsert: spans } };
    }
    if (roll < 0.8 && doc.spans.length > 0) {
      const gone = Array.from({ length: 1 + this.int(3) }, () => this.pick(doc.spans).id);
      return { method: 'saveDocument', args: { ...base, remove: [...new Set(gone)] } };
    }
    if (roll < 0.87 && doc.spans.length > 0) {
      const span = this.pick(doc.spans);
      const moved = { id: span.id, label: this.pick(info.labels).name, start: span.start, end: span.end, note: `n${this.int(100)}` };
      return { method: 'saveDocument', args: { ...base, upsert: [moved] } };
    }
    if (roll < 0.94 && doc.spans.length > 1) {
      for (const type of info.linkTypes) {
        const from = doc.spans.filter((s) => type.from.length === 0 || type.from.includes(s.label));
        const to = doc.spans.filter((s) => type.to.length === 0 || type.to.includes(s.label));
        if (from.length && to.length) {
          const a = this.pick(from);
          const b = this.pick(to);
          if (a.id !== b.id) {
            return { method: 'saveDocument', args: { ...base, upsertLinks: [{ id: `l${++this.linkSeq}`, type: type.name, from: a.id, to: b.id }] } };
          }
        }
      }
    }
    const status = this.pick(['new', 'in-progress', 'done', 'reviewed']);
    return { method: 'saveDocument', args: { ...base, status, note: `note ${this.int(1000)}`, title: `title ${this.int(1000)}` } };
  }
}

function emptyReport(scenario: CrashReport['scenario']): CrashReport {
  return {
    scenario,
    kills: 0,
    calls: 0,
    acknowledged: 0,
    byMethod: {},
    atAcknowledged: 0,
    withCallInFlight: 0,
    refused: 0,
    duringStartup: 0,
    exportTargets: {},
    backupsChecked: 0,
    tmpLeft: 0,
    failures: [],
    ms: 0,
  };
}

export interface CrashOptions {
  seed: number;
  kills: number;
  /** Where to work (a fresh temp folder by default; removed afterwards unless it was given). */
  dir?: string;
  /** Longest life of a child before its kill, in ms after it is spawned (imports: the first window). */
  maxLifeMs?: number;
  log?: (line: string) => void;
}

interface Setup {
  dir: string;
  childData: string;
  childCorpus: string;
  ref: Reference;
  random: () => number;
  cleanup(): void;
}

async function setup(options: CrashOptions): Promise<Setup> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-crash-'));
  const childData = path.join(dir, 'child');
  const refData = path.join(dir, 'reference');
  fs.mkdirSync(childData, { recursive: true });
  fs.mkdirSync(refData, { recursive: true });
  const ref = new Reference(refData, path.join(refData, 'corpus.loupe'));
  await ref.init();
  return {
    dir,
    childData,
    childCorpus: path.join(childData, 'corpus.loupe'),
    ref,
    random: prng(options.seed),
    cleanup() {
      ref.service.close();
      if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * After a kill: the corpus must pass the integrity check and equal the reference as of the last
 * acknowledged call, or with the call in flight applied too (then the reference takes it as well).
 */
async function checkAfterKill(s: Setup, report: CrashReport, inFlight: Call | undefined, label: string): Promise<boolean> {
  if (!fs.existsSync(s.childCorpus)) {
    // Killed before the first child made the corpus: right only if nothing was ever acknowledged.
    if (report.acknowledged === 0) {
      report.atAcknowledged++;
      return true;
    }
    report.failures.push(`${label}: the corpus file is gone after ${report.acknowledged} acknowledged calls`);
    return false;
  }
  // The child backs the corpus up when it opens: a kill during a backup must not leave a bad one.
  for (const backup of listBackups(path.join(s.childData, 'backups'), s.childCorpus)) {
    report.backupsChecked++;
    const problem = checkFile(backup.path);
    if (problem) {
      report.failures.push(`${label}: backup ${path.basename(backup.path)} fails its check (${problem})`);
      return false;
    }
  }
  const check = integrity(s.childCorpus);
  if (check !== 'ok') {
    report.failures.push(`${label}: integrity_check says ${check}`);
    return false;
  }
  const found = dump(s.childCorpus);
  if (found === s.ref.dump()) {
    report.atAcknowledged++;
    return true;
  }
  if (inFlight?.method === 'importFiles') {
    // A batch is a transaction per file: the first k files may be in.
    for (const file of inFlight.args.files as unknown[]) {
      await s.ref.apply({ method: 'importFiles', args: { files: [file] } });
      if (found === s.ref.dump()) {
        report.withCallInFlight++;
        return true;
      }
    }
  } else if (inFlight && (await s.ref.apply(inFlight)) && found === s.ref.dump()) {
    report.withCallInFlight++;
    return true;
  }
  report.failures.push(`${label}: the corpus differs from every acknowledged state${inFlight ? ` (call in flight: ${inFlight.method})` : ''}`);
  return false;
}

/** Edits, tags, links and imports through the API, with a SIGKILL at a random moment of each child's life. */
export async function crashEdits(options: CrashOptions): Promise<CrashReport> {
  const started = performance.now();
  const report = emptyReport('edits');
  const s = await setup(options);
  const maker = new CallMaker(s.random, s.ref);
  const maxLife = options.maxLifeMs ?? 1500;
  try {
    for (let kill = 1; kill <= options.kills; kill++) {
      const child = new Child(s.childData, s.childCorpus);
      const lifeMs = s.random() * maxLife;
      const timer = setTimeout(() => void child.kill(), lifeMs);
      let inFlight: Call | undefined;
      await child.whenReady();
      while (child.ready && child.process.exitCode === null && child.process.signalCode === null) {
        const call = await maker.next();
        inFlight = call;
        report.calls++;
        const answer = await child.call(call);
        if (answer.code === 'killed') break;
        report.acknowledged++;
        report.byMethod[call.method] = (report.byMethod[call.method] ?? 0) + 1;
        inFlight = undefined;
        if (!answer.ok) report.refused++;
        const accepted = await s.ref.apply(call);
        if (accepted !== answer.ok) {
          report.failures.push(`seed ${options.seed} kill ${kill}: ${call.method} was ${answer.ok ? 'accepted' : `refused (${answer.message})`} by the child, not by the reference`);
        }
      }
      clearTimeout(timer);
      await child.kill();
      report.kills++;
      if (!child.ready) report.duringStartup++;
      if (!child.ready && child.stderr && !/SIGKILL/.test(child.stderr)) options.log?.(`child stderr: ${child.stderr.slice(0, 500)}`);
      const ok = await checkAfterKill(s, report, inFlight, `seed ${options.seed} kill ${kill} after ${Math.round(lifeMs)} ms`);
      options.log?.(`kill ${kill}: ${report.acknowledged} acknowledged so far${ok ? '' : ' — FAILED'}`);
      if (!ok) break;
    }
  } finally {
    s.cleanup();
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

/**
 * A kill in the middle of one large import batch: every file is its own transaction, so the corpus
 * must hold the acknowledged state plus whole files, the first k of the batch, and nothing of the next.
 */
export async function crashImports(options: CrashOptions): Promise<CrashReport> {
  const started = performance.now();
  const report = emptyReport('import');
  const s = await setup(options);
  const maker = new CallMaker(s.random, s.ref);
  let window = options.maxLifeMs ?? 1000;
  try {
    for (let kill = 1; kill <= options.kills; kill++) {
      const files = Array.from({ length: 8 }, () => maker.textFile(60, 300 + Math.floor(s.random() * 400)));
      const child = new Child(s.childData, s.childCorpus);
      await child.whenReady();
      // The kill falls within the import: the window is how long the last whole batch took.
      const lifeMs = s.random() * window;
      let timer: NodeJS.Timeout | undefined;
      let sent = 0;
      report.calls++;
      // Timed from when the service has the batch (not from the pipe), so the kill falls in the import.
      child.onStarted = () => {
        sent = performance.now();
        timer = setTimeout(() => void child.kill(), lifeMs);
      };
      const answer = await child.call({ method: 'importFiles', args: { files } });
      if (answer.code !== 'killed') window = (performance.now() - sent) * 1.05;
      clearTimeout(timer);
      await child.kill();
      report.kills++;
      const label = `seed ${options.seed} import kill ${kill} after ${Math.round(lifeMs)} ms`;
      if (!fs.existsSync(s.childCorpus)) {
        report.duringStartup++;
        continue;
      }
      const check = integrity(s.childCorpus);
      if (check !== 'ok') {
        report.failures.push(`${label}: integrity_check says ${check}`);
        break;
      }
      // The reference takes the files one at a time until it matches.
      const found = dump(s.childCorpus);
      let taken = 0;
      let matched = found === s.ref.dump();
      while (!matched && taken < files.length) {
        await s.ref.apply({ method: 'importFiles', args: { files: [files[taken]!] } });
        taken++;
        matched = found === s.ref.dump();
      }
      if (answer.code !== 'killed') {
        report.acknowledged++;
        if (taken !== files.length && !(taken === 0 && matched && !answer.ok)) {
          report.failures.push(`${label}: the import was acknowledged but only ${taken} of ${files.length} files are in the corpus`);
        }
      }
      if (!matched) {
        report.failures.push(`${label}: the corpus is not the acknowledged state plus whole files of the batch`);
        break;
      }
      report.byMethod[`files kept of a killed batch: ${taken}`] = (report.byMethod[`files kept of a killed batch: ${taken}`] ?? 0) + 1;
      if (taken === 0) report.atAcknowledged++;
      else report.withCallInFlight++;
    }
  } finally {
    s.cleanup();
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** Checks that a file is a whole export of `docs` documents in `format` (JSONL or the spans CSV). */
function wholeExport(file: string, format: ExportFormat, docs: number): string | null {
  const text = fs.readFileSync(file, 'utf8');
  if (format === 'jsonl') {
    if (!text.endsWith('\n')) return 'does not end with a newline';
    const lines = text.slice(0, -1).split('\n');
    for (const line of lines) {
      try {
        JSON.parse(line);
      } catch {
        return 'has a line that is not JSON';
      }
    }
    return lines.length === docs ? null : `has ${lines.length} lines for ${docs} documents`;
  }
  if (format === 'json') {
    try {
      const parsed = JSON.parse(text) as { documents?: unknown[] };
      return parsed.documents?.length === docs ? null : 'has the wrong number of documents';
    } catch {
      return 'is not JSON';
    }
  }
  return text.length > 0 && text.endsWith('\n') ? null : 'is empty or cut';
}

/**
 * A kill in the middle of exports: the target is written to a temporary file and renamed, so it is
 * absent (nothing acknowledged yet) or a whole export, never a part of one.
 */
export async function crashExports(options: CrashOptions): Promise<CrashReport> {
  const started = performance.now();
  const report = emptyReport('export');
  const s = await setup(options);
  const maker = new CallMaker(s.random, s.ref);
  const maxLife = options.maxLifeMs ?? 3000;
  const outDir = path.join(s.dir, 'exports');
  fs.mkdirSync(outDir, { recursive: true });
  try {
    // A corpus big enough that an export takes a while: imported by a child that is not killed.
    const seeder = new Child(s.childData, s.childCorpus);
    await seeder.whenReady();
    for (let i = 0; i < 6; i++) {
      const files = Array.from({ length: 8 }, () => maker.textFile(80, 500));
      await seeder.call({ method: 'importFiles', args: { files } });
      await s.ref.apply({ method: 'importFiles', args: { files } });
    }
    await seeder.kill();
    const docs = (await s.ref.service.listDocuments({})).length;
    const formats: ExportFormat[] = ['jsonl', 'json', 'csv'];
    for (let kill = 1; kill <= options.kills; kill++) {
      const format = formats[kill % formats.length]!;
      const target = path.join(outDir, `corpus.${format}`);
      const child = new Child(s.childData, s.childCorpus);
      const lifeMs = s.random() * maxLife;
      const timer = setTimeout(() => void child.kill(), lifeMs);
      let exportsThisLife = 0;
      await child.whenReady();
      while (child.ready && child.process.exitCode === null && child.process.signalCode === null) {
        report.calls++;
        // Again and again to the same target: replacing it is the point (the app sends overwrite once asked).
        const answer = await child.call({ method: 'exportCorpus', args: { format, path: target, offsets: 'codepoint', overwrite: true } });
        if (answer.code === 'killed') break;
        report.acknowledged++;
        exportsThisLife++;
        report.byMethod[`exportCorpus ${format}`] = (report.byMethod[`exportCorpus ${format}`] ?? 0) + 1;
        if (!answer.ok) report.failures.push(`seed ${options.seed} export kill ${kill}: the export failed: ${answer.message}`);
      }
      clearTimeout(timer);
      await child.kill();
      report.kills++;
      const label = `seed ${options.seed} export kill ${kill} (${format}) after ${Math.round(lifeMs)} ms`;
      const targets = format === 'csv' ? [target, target.replace(/\.csv$/, '.links.csv')] : [target];
      for (const file of targets) {
        if (!fs.existsSync(file)) {
          report.exportTargets.absent = (report.exportTargets.absent ?? 0) + 1;
          continue;
        }
        const problem = file.endsWith('.links.csv') ? wholeExport(file, 'csv-links', docs) : wholeExport(file, format, docs);
        if (problem) report.failures.push(`${label}: ${path.basename(file)} ${problem}`);
        else report.exportTargets.whole = (report.exportTargets.whole ?? 0) + 1;
      }
      // The killed export's own temporary files stay until the next export to that target; older
      // ones beside this target must be gone (the child's export removed them).
      const names = targets.map((t) => `.${path.basename(t)}.`);
      const stale = fs.readdirSync(outDir).filter((f) => f.endsWith('.tmp') && names.some((n) => f.startsWith(n)) && !f.includes(`.${child.process.pid}.`));
      if (exportsThisLife > 0) report.tmpLeft = Math.max(report.tmpLeft, stale.length);
      const check = integrity(s.childCorpus);
      if (check !== 'ok') report.failures.push(`${label}: integrity_check says ${check}`);
      if (dump(s.childCorpus) !== s.ref.dump()) report.failures.push(`${label}: an export changed the corpus`);
      else report.atAcknowledged++;
      if (report.failures.length) break;
    }
  } finally {
    s.cleanup();
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}
