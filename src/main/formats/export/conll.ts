/**
 * CoNLL export: one token per line, `TOKEN<TAB>TAG`, a blank line after each sentence (a paragraph),
 * and CoNLL-U style comments `# doc_id = N` and `# title = …` before each document. Tags follow BIO
 * (or BIOES). Tokens come from formats/tokenize: one character per CJK token, Unicode word boundaries
 * via Intl.Segmenter('und', {granularity: 'word'}) for non-CJK runs; whitespace is never a token, so
 * no token holds a tab or a line break. CoNLL has no offsets, so the context's offset unit plays no
 * part here.
 *
 * What BIO cannot say is reported through ctx.lost, once per kind with the total of the export:
 * overlapping spans (outermost wins: the longest in tokens is kept; ties go to the earliest start,
 * then the label's place in the schema), spans widened to whole tokens, fragmented spans (each
 * fragment is written as a span of its own), spans across paragraphs (split at each break), spans
 * that cover no token, links, attribute values and notes, the spacing of texts (CoNLL holds tokens),
 * and a document's status, note and metadata.
 */
import type { LoupeDocument, Span } from '../../../shared/types';
import { type Token, tokenizeSentences } from '../tokenize';
import type { ExportContext, ExportSource, Exporter } from './types';
import { DocumentLosses } from './losses';

/** The tagging schemes the export writes. */
export type ConllScheme = 'bio' | 'bioes';

/** A contiguous piece of a span, as token indices `[first, last]` inside one sentence. */
interface Piece {
  span: Span;
  first: number;
  last: number;
  /** The token length of the whole fragment the piece comes from (a span split at breaks keeps its rank). */
  rank: number;
  widened: boolean;
}

/** What one export could not carry, summed over its documents. */
interface Losses {
  overlapping: number;
  widened: number;
  fragmented: number;
  acrossParagraphs: number;
  noToken: number;
  links: number;
  attributes: number;
  spanNotes: number;
  /** Documents whose text is more than its tokens and single line breaks (spaces, blank lines…). */
  spacing: number;
}

/** The first index of `tokens` whose `key` is above (or, with `orEqual`, at least) `value`. */
function firstIndex(tokens: Token[], value: number, key: (t: Token) => number, orEqual: boolean): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = key(tokens[mid]!);
    if (orEqual ? k < value : k <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Lines can hold neither tabs nor line breaks; everything else of a title or label is kept. */
// eslint-disable-next-line no-control-regex -- VT and FF break lines for Python's readers, so they go too
const oneLine = (s: string): string => s.replace(/[\t\r\n\u000b\u000c\u0085\u2028\u2029]+/g, ' ');

/**
 * The pieces a document's spans become, overlaps resolved: fragments split into spans, spans widened
 * to whole tokens and split at paragraph breaks, then the outermost kept.
 */
function resolvePieces(
  doc: LoupeDocument,
  tokens: Token[],
  sentenceOf: Int32Array,
  labelOrder: Map<string, number>,
  losses: Losses,
): Piece[] {
  const candidates: Piece[] = [];
  for (const span of doc.spans) {
    const fragments = span.fragments.length > 0 ? span.fragments : [[span.start, span.end] as const];
    if (fragments.length > 1) losses.fragmented++;
    let split = false;
    let covered = false;
    for (const [start, end] of fragments) {
      const first = firstIndex(tokens, start, (t) => t.end, false);
      const last = firstIndex(tokens, end, (t) => t.start, true) - 1;
      if (first > last) continue;
      covered = true;
      const widened = tokens[first]!.start < start || tokens[last]!.end > end;
      const rank = last - first + 1;
      let from = first;
      for (let i = first; i <= last; i++) {
        if (i === last || sentenceOf[i + 1] !== sentenceOf[i]) {
          candidates.push({ span, first: from, last: i, rank, widened });
          if (i !== last) split = true;
          from = i + 1;
        }
      }
    }
    if (!covered) losses.noToken++;
    if (split) losses.acrossParagraphs++;
  }

  const order = (label: string) => labelOrder.get(label) ?? labelOrder.size;
  candidates.sort(
    (a, b) =>
      b.rank - a.rank ||
      a.first - b.first ||
      order(a.span.label) - order(b.span.label) ||
      (a.span.label < b.span.label ? -1 : a.span.label > b.span.label ? 1 : 0) ||
      (a.span.id < b.span.id ? -1 : a.span.id > b.span.id ? 1 : 0),
  );
  // A span counts once however many of its pieces were dropped or widened.
  const dropped = new Set<string>();
  const widened = new Set<string>();
  const taken = new Uint8Array(tokens.length);
  const kept: Piece[] = [];
  for (const piece of candidates) {
    let free = true;
    for (let i = piece.first; i <= piece.last && free; i++) free = taken[i] === 0;
    if (!free) {
      dropped.add(piece.span.id);
      continue;
    }
    taken.fill(1, piece.first, piece.last + 1);
    kept.push(piece);
    if (piece.widened) widened.add(piece.span.id);
  }
  losses.overlapping += dropped.size;
  losses.widened += widened.size;
  return kept;
}

/** A label as a tag: whitespace (which CoNLL readers split columns on) becomes `_`. */
// eslint-disable-next-line no-control-regex -- FS..US are whitespace to Python's str.split(), which column readers use
const tagLabel = (label: string): string => label.replace(/[\s\x1c-\x1f]/gu, '_');

/** The tag prefix of token `i` of a piece: B/I, or with BIOES also S (a one-token piece) and E (its last token). */
function prefixOf(scheme: ConllScheme, i: number, piece: Piece): 'B' | 'I' | 'E' | 'S' {
  if (scheme === 'bioes' && piece.first === piece.last) return 'S';
  if (i === piece.first) return 'B';
  return scheme === 'bioes' && i === piece.last ? 'E' : 'I';
}

/** One document in CoNLL: its comment lines, then its sentences, each followed by a blank line. */
function documentChunk(doc: LoupeDocument, scheme: ConllScheme, labelOrder: Map<string, number>, losses: Losses): string {
  const sentences = tokenizeSentences(doc.text);
  if (sentences.map((sentence) => sentence.map((t) => t.text).join('')).join('\n') !== doc.text) losses.spacing++;
  const tokens = sentences.flat();
  const sentenceOf = new Int32Array(tokens.length);
  let n = 0;
  sentences.forEach((sentence, s) => sentence.forEach(() => (sentenceOf[n++] = s)));

  const tags: string[] = new Array<string>(tokens.length).fill('O');
  for (const piece of resolvePieces(doc, tokens, sentenceOf, labelOrder, losses)) {
    const label = oneLine(piece.span.label);
    for (let i = piece.first; i <= piece.last; i++) tags[i] = `${prefixOf(scheme, i, piece)}-${tagLabel(label)}`;
  }

  losses.links += doc.links.length;
  for (const span of doc.spans) {
    losses.attributes += Object.keys(span.attrs).length;
    if (span.note) losses.spanNotes++;
  }

  const lines = [`# doc_id = ${doc.id}`, `# title = ${oneLine(doc.title)}`];
  n = 0;
  for (const sentence of sentences) {
    for (const token of sentence) lines.push(`${token.text}\t${tags[n++]!}`);
    lines.push('');
  }
  if (sentences.length === 0) lines.push('');
  return `${lines.join('\n')}\n`;
}

function report(ctx: ExportContext, losses: Losses): void {
  const counts: [string, number][] = [
    ['spans overlapping a longer span dropped (outermost kept)', losses.overlapping],
    ['spans widened to whole tokens', losses.widened],
    ['fragmented spans written as separate spans', losses.fragmented],
    ['spans across paragraphs split at paragraph breaks', losses.acrossParagraphs],
    ['spans covering no token dropped', losses.noToken],
    ['links not representable', losses.links],
    ['attribute values not representable', losses.attributes],
    ['span notes not representable', losses.spanNotes],
    ['document texts whose spaces, blank lines or invisible characters CoNLL cannot keep (it holds tokens)', losses.spacing],
  ];
  for (const [what, count] of counts) if (count > 0) ctx.lost(what, count);
}

/** The CoNLL exporter for a tagging scheme: BIO, or BIOES (S- for one-token spans, E- for the last token). */
export function conllExporterFor(scheme: ConllScheme): Exporter {
  return function* conll(source: ExportSource, ctx: ExportContext): Generator<string> {
    const labelOrder = new Map(source.labels.map((l, i) => [l.name, i]));
    const losses: Losses = {
      overlapping: 0,
      widened: 0,
      fragmented: 0,
      acrossParagraphs: 0,
      noToken: 0,
      links: 0,
      attributes: 0,
      spanNotes: 0,
      spacing: 0,
    };
    // The title is written as a comment; a document's status, note and metadata have no place.
    const documentLosses = new DocumentLosses(['status', 'note', 'meta']);
    let renamed = 0;
    for (const doc of source.documents()) {
      renamed += doc.spans.filter((span) => tagLabel(span.label) !== span.label).length;
      documentLosses.add(doc);
      yield documentChunk(doc, scheme, labelOrder, losses);
    }
    report(ctx, losses);
    if (renamed > 0) ctx.lost('spans whose label has spaces, tagged with _ instead', renamed);
    documentLosses.report(ctx);
  };
}

/** CoNLL with BIO tags. */
export const conllExporter: Exporter = conllExporterFor('bio');
