/**
 * A worker thread whose messages a thread takes synchronously, one at a time (Atomics.wait and
 * receiveMessageOnPort): for work that runs inside synchronous code, an SQLite transaction or a
 * computation fed document by document. The worker runs inside a small loader, so that a script that
 * cannot even load still answers (a failure) and nobody waits forever; it posts at most AHEAD
 * messages more than were taken, so a fast worker does not fill the memory. Only where canBlock().
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import { workerScript } from './workerScript';

/** How many messages a worker may post that were not taken yet. */
const AHEAD = 8;

/** What travels: a value, or the failure that ended the worker. */
type Envelope<T> = { value: T } | { failed: string };

/** What a sync worker is started with; its own data is `data`. */
interface SyncInput {
  script: string;
  port: MessagePort;
  /** [0]: messages posted, [1]: messages taken, [2]: 1 once the last message (or a failure) was posted. */
  counts: Int32Array;
  data: unknown;
}

/**
 * Loads the worker's script. A worker that ends without its last message (its script failed to
 * load, threw later, or called process.exit) still says so as it exits, so that nobody waits for it.
 */
const LOADER = `
const { workerData } = require('node:worker_threads');
const fail = (message) => {
  if (workerData.counts[2]) return;
  workerData.counts[2] = 1;
  workerData.port.postMessage({ failed: message });
  Atomics.add(workerData.counts, 0, 1);
  Atomics.notify(workerData.counts, 0);
};
process.on('exit', (code) => fail('the worker stopped (exit code ' + code + ')'));
try {
  require(workerData.script);
} catch (error) {
  fail(String((error && error.message) || error));
}`;

/**
 * How long a thread waits for a worker's next message before it gives up: a worker that died where
 * no JavaScript runs any more (out of memory) cannot say so. Far beyond any batch or any integrity
 * check of a corpus Loupe can hold (one of 60 GB at this machine's pace).
 */
const GIVE_UP_MS = 10 * 60_000;

/**
 * Whether this thread may block in Atomics.wait: Node's threads may; a browser's main thread may not,
 * and an embedder (Electron's main process) may forbid it too. Callers then do the work themselves.
 */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** A running sync worker, seen from the thread that started it. */
export interface SyncWorker<T> {
  /** Blocks until the worker's next message; throws the worker's failure as an Error. */
  next(): T;
  /** Stops the worker (what it would still post is not needed). */
  stop(): void;
}

/** Starts worker `name` (a `lib.entry` beside the module in `dir`) with `data`. */
export function startSyncWorker<T>(dir: string, name: string, data: unknown): SyncWorker<T> {
  const { file, execArgv } = workerScript(dir, name);
  const { port1, port2 } = new MessageChannel();
  const counts = new Int32Array(new SharedArrayBuffer(12));
  const input: SyncInput = { script: file, port: port2, counts, data };
  const worker = new Worker(LOADER, { eval: true, workerData: input, transferList: [port2], execArgv });
  // What ends the worker reaches the waiting thread as a message (the loader's exit hook); an 'error'
  // event without a listener would end this process instead.
  worker.on('error', () => undefined);
  // Neither keeps the process alive: a command that ends (or fails) without taking everything just ends.
  worker.unref();
  port1.unref();
  let taken = 0;
  return {
    next() {
      let waited = 0;
      for (;;) {
        const received = receiveMessageOnPort(port1);
        if (received) {
          taken++;
          Atomics.store(counts, 1, taken);
          Atomics.notify(counts, 1);
          const envelope = received.message as Envelope<T>;
          if ('failed' in envelope) throw new Error(envelope.failed);
          return envelope.value;
        }
        if (waited >= GIVE_UP_MS) throw new Error(`the ${name} thread gave no answer in ${GIVE_UP_MS / 60_000} minutes`);
        if (Atomics.wait(counts, 0, taken, 1000) === 'timed-out') waited += 1000;
      }
    },
    stop() {
      port1.close();
      void worker.terminate();
    },
  };
}

/** In a sync worker: its data, and how it posts (waiting while AHEAD messages are not taken; `last` on its last message). */
export function syncWorkerSide<D, T>(): { data: D; post(value: T, last?: boolean): void; fail(error: unknown): void } {
  const { port, counts, data } = workerData as SyncInput;
  const send = (envelope: Envelope<T>, last: boolean): void => {
    if (last) counts[2] = 1;
    for (let taken = Atomics.load(counts, 1); Atomics.load(counts, 0) - taken >= AHEAD; taken = Atomics.load(counts, 1)) Atomics.wait(counts, 1, taken);
    port.postMessage(envelope);
    Atomics.add(counts, 0, 1);
    Atomics.notify(counts, 0);
  };
  return {
    data: data as D,
    post: (value, last = false) => send({ value }, last),
    fail: (error) => send({ failed: error instanceof Error ? error.message : String(error) }, true),
  };
}
