/**
 * Profiles one editor action in Chromium over the bridge, to explain a benchmark figure:
 *   npx tsx bench/profileEditor.ts open|type|tag|scroll big|plain|ref
 * (ref: the bench's reference editor, a bare ProseMirror view of the tagged report).
 * Prints where the renderer's time went (CDP Performance metrics: script, style, layout) and the
 * functions with the most self time (CDP Profiler), and writes the .cpuprofile and the trace (open it
 * in Chromium's performance panel) to the temp folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { buildReference, REFERENCE, serveReference } from './referenceEditor';
import { BIG, CHROMIUM, openDocument, PLAIN, PROBES, scrollThrough, startServer, tagOnce, typeKeys, writeBenchCorpus } from './editorBench';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function main(): Promise<void> {
  const [action = 'type', which = 'big'] = process.argv.slice(2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-profile-'));
  const corpus = path.join(dir, 'profile.loupe');
  const { doc, bigId } = writeBenchCorpus(corpus);
  const server = await startServer(corpus, path.join(dir, 'data'));
  let reference: { url: string; close(): void } | undefined;
  if (which === 'ref') {
    await buildReference(path.join(dir, 'reference'));
    reference = await serveReference(path.join(dir, 'reference'), doc);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page: Page = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' })).newPage();
    await page.addInitScript({ content: PROBES });
    await page.goto(reference?.url ?? server.url);
    if (!reference) await page.locator('.ProseMirror').waitFor();
    const title = which === 'big' ? BIG : which === 'ref' ? REFERENCE : PLAIN;
    const firstWords = doc.text.slice(0, 12);
    if (action !== 'open') await openDocument(page, title, firstWords);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    const before = await metrics(cdp);
    await cdp.send('Profiler.start');
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    if (action === 'open') console.log(await openDocument(page, title, firstWords));
    else if (action === 'type') {
      const t = await typeKeys(page, 40, reference ? 'reference' : 'loupe');
      console.log('typing ms:', t.times.map((x) => Math.round(x)).join(' '));
    } else if (action === 'scroll') {
      const { frames } = await scrollThrough(page);
      const slow = frames.filter((f) => f > 17);
      console.log(`frames ${frames.length}, over 17 ms ${slow.length}: ${slow.map((f) => f.toFixed(1)).join(' ')}`);
    } else for (let k = 0; k < 5; k++) console.log(await tagOnce(page, k, reference ? undefined : { corpus, docId: bigId }));
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
    const after = await metrics(cdp);
    const traceText = (await browser.stopTracing()).toString('utf8');
    fs.writeFileSync(path.join(os.tmpdir(), `loupe-${action}-${which}.trace.json`), traceText);
    const trace = JSON.parse(traceText) as { traceEvents: { name: string; ph: string; dur?: number; tid: number; args?: { data?: { type?: string } } }[] };
    // Renderer main thread: the thread that ran the EventDispatch/FunctionCall events
    const main = trace.traceEvents.find((e) => e.name === 'FunctionCall')?.tid;
    const totals = new Map<string, number>();
    for (const e of trace.traceEvents) {
      if (e.tid !== main || e.ph !== 'X' || !e.dur) continue;
      const key = e.name === 'EventDispatch' ? `EventDispatch ${e.args?.data?.type ?? ''}` : e.name;
      totals.set(key, (totals.get(key) ?? 0) + e.dur / 1000);
    }
    const longest = trace.traceEvents
      .filter((e) => e.tid === main && e.ph === 'X' && (e.dur ?? 0) > 8000 && e.name !== 'RunTask')
      .sort((x, y) => (x as unknown as { ts: number }).ts - (y as unknown as { ts: number }).ts);
    console.log('main-thread events over 8 ms, in order:');
    for (const e of longest.slice(0, 60)) console.log(`${((e.dur ?? 0) / 1000).toFixed(1).padStart(8)} ms  ${e.name} ${e.args?.data?.type ?? ''}`);
    console.log('main-thread trace events (inclusive ms):');
    for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${v.toFixed(1).padStart(9)} ms  ${k}`);
    for (const k of ['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration', 'LayoutCount', 'RecalcStyleCount', 'Nodes'])
      console.log(`${k}: ${((after[k] ?? 0) - (before[k] ?? 0)).toFixed(3)}${k === 'Nodes' ? ` (now ${after[k]})` : ''}`);
    const file = path.join(os.tmpdir(), `loupe-${action}-${which}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    // self time per function
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      const n = byId.get(id)!;
      const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    console.log(`\nself time, total ${total.toFixed(0)} ms:`);
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${v.toFixed(1).padStart(9)} ms  ${k}`);
    console.log(`\nprofile: ${file}`);
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    reference?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
