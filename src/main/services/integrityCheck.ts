/**
 * A corpus's integrity check, run in a worker thread beside work on the corpus: a command opens the
 * corpus without the check (OpenOptions.deferIntegrityCheck), starts this, reads (and writes in a
 * transaction not yet committed), and waits for the check before it trusts what it read or commits.
 * On a large corpus the check takes a second or more, which it then no longer adds to the command.
 * Waiting is synchronous (Atomics.wait), so that it can happen inside an SQLite transaction.
 */
import { checkCorpusIntegrity, CorpusOpenError } from '../store/database';
import type { IntegrityOutcome } from './integrityWorker';
import { canBlock, startSyncWorker } from './syncWorker';

/** A check under way. */
export interface IntegrityCheck {
  /** Blocks until the check is done; throws its CorpusOpenError when the corpus failed it. Again: the same. */
  wait(): void;
  /** Stops the check if it still runs (what was not waited for is not needed). */
  stop(): void;
}

/**
 * Starts the check of the corpus at `path` in a worker thread; where this thread may not block
 * (canBlock), `wait` runs the check itself instead. `readFrom`: the file to check when it is not
 * `path` itself (the snapshot copy a read-only corpus is read from: see store/database.ts).
 */
export function startIntegrityCheck(path: string, readFrom = path): IntegrityCheck {
  if (!canBlock()) {
    let outcome: { error?: unknown } | undefined;
    return {
      wait() {
        if (!outcome) {
          try {
            checkCorpusIntegrity(readFrom, path);
            outcome = {};
          } catch (error) {
            outcome = { error };
          }
        }
        if (outcome.error) throw outcome.error;
      },
      stop: () => undefined,
    };
  }
  const worker = startSyncWorker<IntegrityOutcome>(__dirname, 'integrityWorker', { path: readFrom, shownAs: path });
  let outcome: IntegrityOutcome | undefined;
  return {
    wait() {
      if (!outcome) {
        try {
          outcome = worker.next();
        } catch (error) {
          outcome = { ok: false, message: `the integrity check of ${path} could not run: ${(error as Error).message}`, damaged: false };
        }
        worker.stop();
      }
      if (!outcome.ok) throw new CorpusOpenError(outcome.message, outcome.reason, outcome.damaged);
    },
    stop() {
      if (!outcome) worker.stop();
    },
  };
}

/**
 * Runs `read` (which reads the corpus at `path`, opened with the check deferred; from `readFrom`, see
 * startIntegrityCheck) while the check runs, and returns what it read once the check passed. When
 * the check fails, its error is thrown, also over any error of `read` (a damaged file can make
 * reading fail in any way).
 */
export function readWhileChecking<T>(path: string, read: () => T, readFrom = path): T {
  const check = startIntegrityCheck(path, readFrom);
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
