/**
 * Sync workers (src/main/services/syncWorker.ts): a thread that waits for a worker's next message is
 * woken with an error however the worker ends without it, and a worker is held back while its
 * messages are not taken.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSyncWorker } from '../../src/main/services/syncWorker';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-sync-worker-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const SIDE = JSON.stringify(path.resolve(__dirname, '../../src/main/services/syncWorker.ts'));
const TSX = JSON.stringify(require.resolve('tsx/cjs'));

/** A worker script `name`.js in the test's folder (run with tsx, to load the TypeScript side). */
function script(name: string, body: string): void {
  fs.writeFileSync(path.join(dir, `${name}.js`), `require(${TSX});\nconst side = require(${SIDE}).syncWorkerSide();\n${body}\n`);
}

describe('a sync worker', () => {
  it('that exits, throws later or cannot load: the waiting thread gets an error, not a wait forever', () => {
    script('exits', 'process.exit(3);');
    script('throwsLater', "setTimeout(() => { throw new Error('late'); }, 20);");
    fs.writeFileSync(path.join(dir, 'broken.js'), 'this is not JavaScript');
    expect(() => startSyncWorker(dir, 'exits', {}).next()).toThrow(/the worker stopped \(exit code 3\)/);
    expect(() => startSyncWorker(dir, 'throwsLater', {}).next()).toThrow(/the worker stopped \(exit code 1\)/);
    expect(() => startSyncWorker(dir, 'broken', {}).next()).toThrow(/Unexpected identifier|SyntaxError/);
  });

  it('posts its messages in order, and no more than 8 ahead of those taken', () => {
    // After each post, how far ahead of the taking thread the worker is; the last message says the most.
    script(
      'counts',
      `const { workerData } = require('node:worker_threads');
      let most = 0;
      for (let i = 0; i < 20; i++) {
        side.post(i);
        most = Math.max(most, Atomics.load(workerData.counts, 0) - Atomics.load(workerData.counts, 1));
      }
      side.post(most, true);`,
    );
    const worker = startSyncWorker<number>(dir, 'counts', {});
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); // the worker runs ahead meanwhile
    const got = Array.from({ length: 20 }, () => worker.next());
    const most = worker.next();
    worker.stop();
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(8);
  });
});
