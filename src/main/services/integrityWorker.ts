/**
 * The integrity worker (a sync worker; see services/integrityCheck.ts): runs SQLite's whole
 * integrity check of one corpus on a read-only connection of its own and posts the outcome.
 */
import { checkCorpusIntegrity, CorpusOpenError } from '../store/database';
import { syncWorkerSide } from './syncWorker';

/** What the worker posts: nothing wrong, or the error to throw (a CorpusOpenError's parts). */
export type IntegrityOutcome = { ok: true } | { ok: false; message: string; reason?: CorpusOpenError['reason']; damaged: boolean };

function outcome(path: string): IntegrityOutcome {
  try {
    checkCorpusIntegrity(path);
    return { ok: true };
  } catch (error) {
    if (error instanceof CorpusOpenError) return { ok: false, message: error.message, ...(error.reason ? { reason: error.reason } : {}), damaged: error.damaged };
    return { ok: false, message: `cannot check ${path}: ${(error as Error).message}`, damaged: false };
  }
}

const side = syncWorkerSide<{ path: string }, IntegrityOutcome>();
side.post(outcome(side.data.path));
