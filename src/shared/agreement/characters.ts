/**
 * Character-level items (docs/agreement.md): for every label, one item per character (code point) of
 * the text; an annotator's value is "1" when one of their spans of that label covers the character and
 * "0" when none does, and missing (null) when they did not annotate the document. Chinese has no word
 * boundaries to count on, so characters are the unit; labels are items of their own because spans of
 * different labels overlap and nest.
 *
 * A document of 10,000 characters is not 40,000 items in memory: the characters between two span edges
 * all have the same values, so the items are counted by pattern of values (a weighted Item each), in one
 * sweep over the edges per label.
 */
import type { Item } from './coefficients';
import { type AgreementDocument, piecesOf } from './layers';

/** Per label, the document's character items as weighted patterns. */
export function characterItems(doc: AgreementDocument, labels: readonly string[]): Map<string, Item[]> {
  const k = doc.layers.length;
  // An edge is one number, place × 2k + (k + who when a piece starts there, who when it ends), so
  // that a label's edges sort as numbers; the order of edges at one place does not matter (no
  // character lies between them).
  const edges = new Map<string, number[]>(labels.map((l) => [l, []]));
  doc.layers.forEach((layer, who) => {
    for (const span of layer?.spans ?? []) {
      const list = edges.get(span.label);
      if (!list) continue;
      for (const [s, e] of piecesOf(span, doc.length)) list.push(s * 2 * k + k + who, e * 2 * k + who);
    }
  });
  const out = new Map<string, Item[]>();
  for (const label of labels) {
    const list = Float64Array.from(edges.get(label)!).sort();
    const byMask = new Map<number, number>();
    const cover = new Array<number>(k).fill(0);
    let mask = 0;
    let at = 0;
    for (const edge of list) {
      const place = Math.floor(edge / (2 * k));
      const code = edge - place * 2 * k;
      const who = code >= k ? code - k : code;
      if (place > at) {
        byMask.set(mask, (byMask.get(mask) ?? 0) + place - at);
        at = place;
      }
      cover[who]! += code >= k ? 1 : -1;
      mask = cover[who]! > 0 ? mask | (1 << who) : mask & ~(1 << who);
    }
    if (doc.length > at) byMask.set(mask, (byMask.get(mask) ?? 0) + doc.length - at);
    const items: Item[] = [];
    for (const [m, weight] of byMask) {
      if (weight > 0) items.push({ values: doc.layers.map((layer, who) => (layer ? ((m >> who) & 1 ? '1' : '0') : null)), weight });
    }
    out.set(label, items);
  }
  return out;
}

/** Adds `more` to `into`, merging items with the same values (keeps a corpus's items few). */
export function addItems(into: Map<string, Item>, more: readonly Item[]): void {
  for (const item of more) {
    const key = item.values.map((v) => (v === null ? '\u0000' : v)).join('\u0001');
    const had = into.get(key);
    into.set(key, had ? { values: had.values, weight: had.weight + item.weight } : item);
  }
}
