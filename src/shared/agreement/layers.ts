/**
 * What agreement is computed from: one document's text length and, for each annotator compared, their
 * layer of it (their spans and links), or null when they did not annotate that document (their values
 * are then missing, not "no span").
 */
import type { AttrValue, Fragment } from '../types';

/** A span as agreement sees it: label and pieces in code points, and its attribute values. */
export interface AgreementSpan {
  id: string;
  label: string;
  start: number;
  end: number;
  /** Sorted, disjoint pieces; absent or null: one piece, [start, end]. */
  fragments?: readonly Fragment[] | null;
  /** Absent or null: none. */
  attrs?: Readonly<Record<string, AttrValue>> | null;
}

export interface AgreementLink {
  id: string;
  type: string;
  from: string;
  to: string;
}

/** One annotator's annotation of one document. */
export interface Layer {
  spans: readonly AgreementSpan[];
  links: readonly AgreementLink[];
}

export interface AgreementDocument {
  id: number;
  name: string;
  /** The text's length in code points. */
  length: number;
  /** By annotator index (the report's `annotators`); null: that annotator did not annotate it. */
  layers: readonly (Layer | null)[];
}

/** The pieces of a span, clipped to the text. */
export function piecesOf(span: AgreementSpan, length: number): Fragment[] {
  const pieces = span.fragments && span.fragments.length ? span.fragments : [[span.start, span.end] as Fragment];
  const out: Fragment[] = [];
  for (const [s, e] of pieces) {
    const a = Math.max(0, Math.min(s, length));
    const b = Math.max(0, Math.min(e, length));
    if (b > a) out.push([a, b]);
  }
  return out;
}

/** The indexes of the annotators who annotated `doc`. */
export const presentIn = (doc: AgreementDocument): number[] => doc.layers.flatMap((layer, i) => (layer ? [i] : []));
