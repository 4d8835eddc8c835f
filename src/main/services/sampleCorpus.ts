/**
 * The demo articles a new user's default corpus starts with (resources/sample/sample-corpus.json).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DocumentMeta } from '../../shared/types';
import type { CorpusStore } from '../store/corpusStore';

interface SampleFile {
  documents: { title: string; text: string; meta?: DocumentMeta }[];
}

const SAMPLE_RELATIVE = path.join('resources', 'sample', 'sample-corpus.json');

/** Finds the shipped sample corpus by walking up from this module (source, bundle or app.asar alike). */
export function findSampleCorpus(start: string = __dirname): string | null {
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, SAMPLE_RELATIVE);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Adds the demo articles to a freshly created corpus; returns how many were added. */
export function seedSampleCorpus(store: CorpusStore, file: string | null = findSampleCorpus()): number {
  if (!file) return 0; // a build without resources still starts, with an empty corpus
  const sample = JSON.parse(fs.readFileSync(file, 'utf8')) as SampleFile;
  for (const doc of sample.documents) {
    store.insertDocument({
      title: doc.title,
      text: doc.text,
      meta: { ...doc.meta, fileName: path.basename(file) },
    });
  }
  return sample.documents.length;
}
