/** A test document builder: spans located by their text, offsets counted in code points independently of Loupe. */
import type { DocumentStatus, Fragment, Link, LoupeDocument, Span, SpanAttrs } from '../../src/shared/types';

export interface Want {
  id: string;
  label: string;
  /** The exact text under the span: its `occurrence`-th match, or the first after the text `after`. */
  text: string;
  occurrence?: number;
  after?: string;
  /** A fragmented span: its pieces, found in order inside `text` (the first starts it, the last ends it). */
  pieces?: string[];
  attrs?: SpanAttrs;
  note?: string;
}

export const cpLength = (s: string) => Array.from(s).length;

/** Builds a document whose spans are located by their text, counted in code points independently of Loupe. */
export function makeDoc(
  id: number,
  title: string,
  text: string,
  wants: Want[],
  extra: { status?: DocumentStatus; note?: string; links?: Link[] } = {},
): LoupeDocument {
  const spans: Span[] = wants.map((w) => {
    let at = w.after === undefined ? -1 : text.indexOf(w.after) - 1;
    if (w.after !== undefined && at < -1) throw new Error(`test setup: "${w.after}" not found`);
    for (let k = 0; k <= (w.occurrence ?? 0); k++) {
      at = text.indexOf(w.text, at + 1);
      if (at < 0) throw new Error(`test setup: "${w.text}" not found`);
    }
    const start = cpLength(text.slice(0, at));
    const end = start + cpLength(w.text);
    let fragments: Fragment[] = [[start, end]];
    if (w.pieces) {
      let from = 0;
      fragments = w.pieces.map((piece) => {
        const i = w.text.indexOf(piece, from);
        if (i < 0) throw new Error(`test setup: piece "${piece}" not found in "${w.text}"`);
        from = i + piece.length;
        const s = start + cpLength(w.text.slice(0, i));
        return [s, s + cpLength(piece)];
      });
      if (fragments[0]![0] !== start || fragments[fragments.length - 1]![1] !== end) throw new Error('test setup: pieces must cover the span');
    }
    return {
      id: w.id,
      label: w.label,
      start,
      end,
      fragments,
      attrs: w.attrs ?? {},
      note: w.note ?? '',
      annotator: null,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    };
  });
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  return {
    id,
    title,
    text,
    meta: { file: `doc${id}.txt`, encoding: 'utf-8' },
    status: extra.status ?? 'new',
    note: extra.note ?? '',
    spans,
    links: extra.links ?? [],
    revision: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}
