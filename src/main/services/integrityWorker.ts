/**
 * The integrity worker (a sync worker; see services/integrityCheck.ts): runs SQLite's whole
 * integrity check of one corpus on a read-only connection of its own and posts the outcome.
 */
import { checkCorpusIntegrity, CorpusOpenError } from '../store/database';
import { syncWorkerSide } from './syncWorker';

/** What the worker posts: nothing wrong, or the error to throw (a CorpusOpenError's parts). */
export type IntegrityOutcome = { ok: true } | { ok: false; message: string; reason?: CorpusOpenError['reason']; damaged: boolean };

/** What the check of the file at `path` found; messages name it `shownAs` (the user's path of a snapshot copy). */
function outcome(path: string, shownAs: string): IntegrityOutcome {
  try {
    checkCorpusIntegrity(path, shownAs);
    return { ok: true };
  } catch (error) {
    if (error instanceof CorpusOpenError) return { ok: false, message: error.message, ...(error.reason ? { reason: error.reason } : {}), damaged: error.damaged };
    return { ok: false, message: `cannot check ${shownAs}: ${(error as Error).message}`, damaged: false };
  }
}

const side = syncWorkerSide<{ path: string; shownAs: string }, IntegrityOutcome>();
side.post(outcome(side.data.path, side.data.shownAs), true);
