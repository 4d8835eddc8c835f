/**
 * A corpus's integrity check, run in a worker thread beside work on the corpus: a command opens the
 * corpus without the check (OpenOptions.deferIntegrityCheck), starts this, reads (and writes in a
 * transaction not yet committed), and waits for the check before it trusts what it read or commits.
 * On a large corpus the check takes a second or more, which it then no longer adds to the command.
 * Waiting is synchronous (Atomics.wait), so that it can happen inside an SQLite transaction.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { CorpusOpenError } from '../store/database';
import type { IntegrityInput, IntegrityOutcome } from './integrityWorker';
import { workerScript } from './workerScript';

/** A check under way. */
export interface IntegrityCheck {
  /** Blocks until the check is done; throws its CorpusOpenError when the corpus failed it. Again: the same. */
  wait(): void;
  /** Stops the check if it still runs (what was not waited for is not needed). */
  stop(): void;
}

/**
 * The worker's script runs inside a small loader, so that a script that cannot even load (a broken
 * build) still posts an outcome and raises the flag: a thread waiting for it never waits forever.
 */
const LOADER = `
const { workerData } = require('node:worker_threads');
try {
  require(workerData.script);
} catch (error) {
  workerData.port.postMessage({ ok: false, message: 'the integrity check could not start: ' + (error && error.message), damaged: false });
  Atomics.store(workerData.flag, 0, 1);
  Atomics.notify(workerData.flag, 0);
}`;

/** Starts the check of the corpus at `path` in a worker thread. */
export function startIntegrityCheck(path: string): IntegrityCheck {
  const { file, execArgv } = workerScript(__dirname, 'integrityWorker');
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const input: IntegrityInput & { script: string } = { path, port: port2, flag, script: file };
  const worker = new Worker(LOADER, { eval: true, workerData: input, transferList: [port2], execArgv });
  // Neither keeps the process alive: a command that ends (or fails) without waiting just ends.
  worker.unref();
  port1.unref();
  let outcome: IntegrityOutcome | undefined;
  return {
    wait() {
      while (!outcome) {
        Atomics.wait(flag, 0, 0);
        outcome = receiveMessageOnPort(port1)?.message as IntegrityOutcome | undefined;
      }
      port1.close();
      if (!outcome.ok) throw new CorpusOpenError(outcome.message, outcome.reason, outcome.damaged);
    },
    stop() {
      if (outcome) return;
      port1.close();
      void worker.terminate();
    },
  };
}

/**
 * Runs `read` (which reads the corpus at `path`, opened with the check deferred) while the check runs,
 * and returns what it read once the check passed. When the check fails, its error is thrown, also
 * over any error of `read` (a damaged file can make reading fail in any way).
 */
export function readWhileChecking<T>(path: string, read: () => T): T {
  const check = startIntegrityCheck(path);
  try {
    let result: T;
    try {
      result = read();
    } catch (error) {
      check.wait();
      throw error;
    }
    check.wait();
    return result;
  } finally {
    check.stop();
  }
}
