/** Test helpers over a corpus store. */
import Database from 'better-sqlite3';
import type { ExportSource } from '../../src/main/formats/export';
import type { CorpusStore } from '../../src/main/store/corpusStore';
import { LOUPE_APPLICATION_ID } from '../../src/main/store/database';
import { MIGRATIONS } from '../../src/main/store/migrations';
import type { LoupeDocument } from '../../src/shared/types';

/** The store as an exporter reads it. */
export const sourceOf = (store: CorpusStore): ExportSource => ({
  labels: store.labels(),
  linkTypes: store.linkTypes(),
  corpusName: store.name,
  documents: () => store.documents(),
});

/** Every document of the store, with spans and links. */
export const docs = (store: CorpusStore): LoupeDocument[] => [...store.documents()];

/** Writes an empty corpus as the first Loupe wrote it (schema 1, too old to be read without an upgrade) at `file`. */
export function schemaOneCorpus(file: string): string {
  const db = new Database(file);
  try {
    db.exec(MIGRATIONS[0]!.up);
    db.pragma('user_version = 1');
    db.pragma(`application_id = ${LOUPE_APPLICATION_ID}`);
  } finally {
    db.close();
  }
  return file;
}
