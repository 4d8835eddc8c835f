/**
 * Opening a corpus file, and telling whether a path is that file: what every service that reads or
 * writes corpora (loupeService, teamwork) needs, kept apart so that they need not import each other.
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultSchema } from '../../shared/labels';
import { CorpusStore } from '../store/corpusStore';
import { checkCorpusIntegrity, type OpenOptions } from '../store/database';

/** Opens a corpus store, creating the file (with the default labels) when asked to. */
export function openCorpusStore(file: string, options: OpenOptions): CorpusStore {
  const store = CorpusStore.open(file, options);
  if (store.labels().length === 0 && !store.readOnly) {
    try {
      // Nothing is written to a corpus whose integrity check was left for later before it passed.
      if (options.deferIntegrityCheck) checkCorpusIntegrity(file);
      store.addToSchema(defaultSchema());
    } catch (error) {
      store.close();
      throw error;
    }
  }
  return store;
}

/**
 * True when writing `target` would replace the corpus file at `corpus`, or its journal files: the
 * same path, a `-wal`/`-shm`/`-journal` beside it, or the same file under another name (a link).
 */
export function replacesCorpus(corpus: string, target: string): boolean {
  const resolved = path.resolve(target);
  if (['', '-wal', '-shm', '-journal'].some((suffix) => resolved === `${corpus}${suffix}`)) return true;
  try {
    const a = fs.statSync(resolved);
    const b = fs.statSync(corpus);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

