/** Test helpers over a corpus store. */
import type { ExportSource } from '../../src/main/formats/export';
import type { CorpusStore } from '../../src/main/store/corpusStore';
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
