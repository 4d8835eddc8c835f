/**
 * How much memory one export adds, measured in a process of its own so that nothing else counts.
 * corpusBench.ts runs it: node --expose-gc -r tsx/cjs bench/exportMemory.ts CORPUS FORMAT OUT
 * and reads the JSON line it prints: { idleMb, peakMb, heapPeakMb, peakFrom } (heapPeakMb is sampled).
 *
 * Idle is the resident set after the code is loaded and has run once (an export of the first
 * document), and after a full garbage collection: what a running app holds before the user exports.
 * Peak is the high-water mark of the resident set during the export. On Linux the kernel's mark is
 * reset just before the export (/proc/self/clear_refs), so peakFrom is 'VmHWM' and nothing from
 * start-up counts, while every momentary peak of the export does; elsewhere the resident set is sampled
 * whenever the event loop turns (every buffer of output), which can miss a short peak ('samples').
 */
import fs from 'node:fs';
import { exportFrom, openCorpusStore } from '../src/main/services/loupeService';
import type { ExportFormat } from '../src/shared/types';

const [corpus, format, out] = process.argv.slice(2) as [string, ExportFormat, string];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** Resets the kernel's high-water mark of the resident set to the current size; false where there is none. */
function resetHighWaterMark(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}
/** The kernel's high-water mark of the resident set, in bytes (Linux). */
const highWaterMark = (): number => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

async function main(): Promise<void> {
  const store = openCorpusStore(corpus, { create: false });
  const { first } = store.db.prepare('SELECT min(id) AS first FROM documents').get() as { first: number };
  await exportFrom(store, { format, path: `${out}.warm-up`, offsets: 'codepoint', documentId: first });
  gc!();
  const idle = process.memoryUsage().rss;
  let peak = idle;
  let heapPeak = process.memoryUsage().heapUsed;
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  }, 5);
  const kernel = resetHighWaterMark();
  await exportFrom(store, { format, path: out, offsets: 'codepoint' });
  clearInterval(sample);
  peak = Math.max(peak, process.memoryUsage().rss, kernel ? highWaterMark() : 0);
  store.close();
  const mb = (bytes: number) => bytes / 2 ** 20;
  console.log(JSON.stringify({ idleMb: mb(idle), peakMb: mb(peak), heapPeakMb: mb(heapPeak), peakFrom: kernel ? 'VmHWM' : 'samples' }));
}

void main();
