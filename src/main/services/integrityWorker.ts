/**
 * The integrity worker (a worker thread; see services/integrityCheck.ts): runs SQLite's whole
 * integrity check of one corpus on a read-only connection of its own, posts the outcome on the port
 * it was given and then raises the shared flag, which a thread waiting for it (Atomics.wait) sees.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { checkCorpusIntegrity, CorpusOpenError } from '../store/database';

/** What the worker posts: nothing wrong, or the error to throw (a CorpusOpenError's parts). */
export type IntegrityOutcome = { ok: true } | { ok: false; message: string; reason?: CorpusOpenError['reason']; damaged: boolean };

/** What the worker is started with. */
export interface IntegrityInput {
  path: string;
  port: MessagePort;
  /** [0] becomes 1 once the outcome is posted. */
  flag: Int32Array;
}

function outcome(path: string): IntegrityOutcome {
  try {
    checkCorpusIntegrity(path);
    return { ok: true };
  } catch (error) {
    if (error instanceof CorpusOpenError) return { ok: false, message: error.message, ...(error.reason ? { reason: error.reason } : {}), damaged: error.damaged };
    return { ok: false, message: `cannot check ${path}: ${(error as Error).message}`, damaged: false };
  }
}

const { path, port, flag } = workerData as IntegrityInput;
port.postMessage(outcome(path));
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
