/**
 * A corpus's integrity check, run in a worker thread beside work that reads the corpus: a command that
 * only reads (agreement) opens the corpus without the check (OpenOptions.deferIntegrityCheck), starts
 * this, reads, and trusts what it read only once the check passed. On a large corpus the check takes
 * as long as a second or more of the reading, which it then no longer adds to.
 */
import { Worker } from 'node:worker_threads';
import { CorpusOpenError } from '../store/database';
import type { IntegrityOutcome } from './integrityWorker';
import { workerScript } from './workerScript';

/** Starts the check of the corpus at `path`; the promise rejects with its CorpusOpenError when it fails. */
export function integrityCheckInWorker(path: string): Promise<void> {
  const { file, execArgv } = workerScript(__dirname, 'integrityWorker');
  return new Promise<void>((resolve, reject) => {
    const worker = new Worker(file, { workerData: { path }, execArgv });
    let settled = false;
    worker.once('message', (outcome: IntegrityOutcome) => {
      settled = true;
      if (outcome.ok) resolve();
      else reject(new CorpusOpenError(outcome.message, outcome.reason, outcome.damaged));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(new Error(`the integrity check of ${path} stopped: ${error.message}`));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the integrity check of ${path} stopped (exit code ${code})`));
    });
  });
}

/**
 * Runs `read` (which reads the corpus at `path`, opened with the check deferred) while the check runs,
 * and returns what it read once the check passed. When the check fails, its error is thrown, also
 * over any error of `read` (a damaged file can make reading fail in any way).
 */
export async function readWhileChecking<T>(path: string, read: () => T): Promise<T> {
  const checked = integrityCheckInWorker(path);
  let result: T;
  try {
    result = read();
  } catch (error) {
    await checked;
    throw error;
  }
  await checked;
  return result;
}
