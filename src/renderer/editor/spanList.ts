/**
 * The open document's spans as the span list shows them: the document and its spans in text order.
 * The list reads the excerpts of the rows it draws, not of all twenty thousand.
 *
 * Typing changes where spans are and what their excerpts read, rarely which rows the list has. So
 * the list has two sources: its rows (which spans, in which order, with which label and fragment
 * count), drawn by React and changed only when they do change; and the newest document and spans
 * (SpanListStore), from which the rows in view take their excerpts straight into the DOM. While the
 * caret is in the editor a React commit measures the selection across the editor's DOM: typing
 * makes none.
 */
import type { Node } from 'prosemirror-model';
import { findSpan, spanExcerpts, type SpanRange, spanSeqOf } from './spanMarks';
import { EMPTY_SEQ, type SpanSeq } from './spanSeq';

/** A document and its spans. The editor gives the store lists whose `spans` are made only when read. */
export interface SpanList {
  doc: Node | null;
  readonly spans: readonly SpanRange[];
}

export const NO_SPANS: SpanList = { doc: null, spans: [] };

/** How much of a span's text lists and the inspector show. */
export const EXCERPT_LENGTH = 60;

/** The excerpt of each of `spans` (spans of `list`'s document), as the list shows them. */
export function spanListExcerpts(list: SpanList, spans: readonly SpanRange[]): string[] {
  return list.doc ? spanExcerpts(list.doc, spans, EXCERPT_LENGTH) : spans.map(() => '');
}

/**
 * True when two lists draw the same rows: the same spans in the same order, with the same labels
 * and fragment counts. Where the spans are (and so their excerpts) may differ.
 */
export function sameRows(a: readonly SpanRange[], b: readonly SpanRange[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.id !== y.id || x.label !== y.label || x.fragments.length !== y.fragments.length) return false;
  }
  return true;
}

/** The rows of `seq` at [lo, hi) and those of `other` at [lo2, ...) are the same rows. */
function sameRowsAt(seq: SpanSeq, lo: number, hi: number, other: SpanSeq, lo2: number): boolean {
  for (let i = lo, j = lo2; i < hi; i++, j++) {
    const x = seq.at(i);
    const y = other.at(j);
    if (x.id !== y.id || x.label !== y.label || x.fragments.length !== y.fragments.length) return false;
  }
  return true;
}

/**
 * sameRows for two documents' span sequences. When `next` was derived from `prev` (typing), only
 * the spans of the changed paragraphs are compared: every other row is the same span moved.
 */
export function sameSeqRows(prev: SpanSeq, next: SpanSeq): boolean {
  if (prev === next) return true;
  if (prev.length !== next.length) return false;
  const steps = next.derivationsFrom(prev);
  if (!steps) return sameRowsAt(prev, 0, prev.length, next, 0);
  for (const { seq, derivation } of steps) {
    const { parent, lo, hi, count } = derivation;
    if (hi - lo !== count || !sameRowsAt(parent, lo, hi, seq, lo)) return false;
  }
  return true;
}

const seqOf = (list: SpanList): SpanSeq => (list.doc ? spanSeqOf(list.doc) : EMPTY_SEQ);

/**
 * The newest span list of the open document, outside React: the editor sets it after changes, the
 * span list redraws the excerpts of the rows it shows from it (subscribe), and tells whether the
 * rows themselves changed since React last drew them (then, and only then, a React commit is due).
 */
export class SpanListStore {
  private current: SpanList = NO_SPANS;
  /** Whether the newest list's rows may differ from those React draws. */
  private differ = false;
  private readonly listeners = new Set<() => void>();

  /** The newest list. */
  get = (): SpanList => this.current;

  /** `listener` runs after each new list. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  /** Sets the newest list; true when its rows differ from those React draws (see `drawing`). */
  set(list: SpanList): boolean {
    const before = this.current;
    this.current = list;
    for (const listener of this.listeners) listener();
    // Compared with the list before (derived from it while typing), not with the one React draws,
    // which may be hundreds of keys older: rows that stayed the same through each list stay the same.
    this.differ ||= !sameSeqRows(seqOf(before), seqOf(list));
    return this.differ;
  }

  /** React is given `list`'s rows to draw. */
  drawing(list: SpanList): void {
    this.differ = !sameSeqRows(seqOf(list), seqOf(this.current));
  }

  /**
   * The newest range of the span drawn at row `index` as `row` (a span of `rows`), and the document
   * it is in: the newest list's when the span is still there, else the row's own (it is gone, the
   * row goes at the next commit).
   */
  newest(rows: SpanList, row: SpanRange, index: number): { doc: Node | null; span: SpanRange } {
    const { doc } = this.current;
    const spans = seqOf(this.current);
    const same = index < spans.length ? spans.at(index) : undefined;
    if (same && same.id === row.id) return { doc, span: same };
    const found = doc ? findSpan(doc, row.id) : undefined;
    return found ? { doc, span: found } : { doc: rows.doc, span: row };
  }

  /** The excerpts of `rows`' rows at `indexes`, read from the newest document. */
  excerpts(rows: SpanList, indexes: readonly number[]): string[] {
    const out: string[] = new Array<string>(indexes.length);
    // Read in one pass per document (spanExcerpts walks the text once for many spans).
    const byDoc = new Map<Node | null, { at: number[]; spans: SpanRange[] }>();
    indexes.forEach((index, k) => {
      const row = rows.spans[index];
      if (!row) {
        out[k] = '';
        return;
      }
      const { doc, span } = this.newest(rows, row, index);
      let group = byDoc.get(doc);
      if (!group) byDoc.set(doc, (group = { at: [], spans: [] }));
      group.at.push(k);
      group.spans.push(span);
    });
    for (const [doc, group] of byDoc) {
      const texts = spanListExcerpts({ doc, spans: group.spans }, group.spans);
      group.at.forEach((k, j) => (out[k] = texts[j]!));
    }
    return out;
  }
}
