/**
 * Helpers of the team-annotation tests (merge from other formats, per-annotator exports): where words
 * are in a text, tagging as an app's save would, and every layer of a corpus file in words.
 */
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';

/** The code point range of `words` in `text`. */
export const at = (text: string, words: string): [number, number] => {
  const i = [...text.slice(0, text.indexOf(words))].length;
  return [i, i + [...words].length];
};

/** Tags `words` of document `id` as `label` in the store's layer, as the editor's save would. */
export function tag(store: CorpusStore, id: number, spanId: string, label: string, words: string): void {
  const [start, end] = at(store.getDocument(id).text, words);
  store.saveDocument({ id, upsert: [{ id: spanId, label, start, end }], remove: [] });
}

/** Every non-empty layer of the corpus at `file`: `document:label:text` per span, `document:type` per link. */
export function layersOf(file: string): Record<string, string[]> {
  const store = openCorpusStore(file, { create: false });
  try {
    const out: Record<string, string[]> = {};
    for (const { id } of store.listDocuments()) {
      for (const { annotator } of store.layersOf(id)) {
        const doc = store.getDocument(id, [], annotator);
        const cps = [...doc.text];
        const spans = doc.spans.map((s) => `${id}:${s.label}:${cps.slice(s.start, s.end).join('')}`);
        const links = doc.links.map((l) => `${id}:${l.type}`);
        out[annotator] = [...(out[annotator] ?? []), ...spans, ...links];
      }
    }
    for (const k of Object.keys(out)) if (out[k]!.length === 0) delete out[k];
    return out;
  } finally {
    store.close();
  }
}
