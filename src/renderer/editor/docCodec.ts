/**
 * Converts between Loupe's stored form (text + standoff spans in code points) and the editor's
 * document (paragraphs whose text carries span marks).
 */
import type { Mark, Node } from 'prosemirror-model';
import type { SpanInput } from '../../shared/types';
import { codePointLength } from '../../shared/offsets';
import { cpToUtf16Sorted, positionIndex } from './positions';
import { paragraphType, schema, spanMark } from './schema';
import { spanRanges } from './spanMarks';

export { cpToPos, posToCp, positionIndex } from './positions';

/** The document's text and spans, offsets in code points. */
export interface DocumentContent {
  text: string;
  spans: SpanInput[];
}

/**
 * Builds the editor document of a text (paragraphs joined by "\n") and its spans (code points).
 * Built in one sweep over the span boundaries, so a long article with many spans loads fast.
 * A span is its marked text: a "\n" at either end is not part of it, and a span covering only
 * "\n"s has no text and is dropped. Throws a RangeError for offsets out of range or a duplicate id.
 */
export function docFromText(text: string, spans: readonly SpanInput[]): Node {
  const length = codePointLength(text);
  const n = spans.length;
  const marks: Mark[] = new Array<Mark>(n);
  const seen = new Set<string>();
  for (let k = 0; k < n; k++) {
    const s = spans[k]!;
    if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < 0 || s.end > length || s.end <= s.start)
      throw new RangeError(`span ${s.id}: [${s.start}, ${s.end}) is not a range of a text of ${length} code points`);
    if (seen.has(s.id)) throw new RangeError(`span id ${s.id} appears twice`);
    seen.add(s.id);
    marks[k] = spanMark(s.id, s.label);
  }

  // Events: k < n opens span k, k >= n closes span k - n. At one offset closes come first;
  // opens go outer (longer) first, so mark sets list enclosing spans before enclosed ones.
  const offsetOf = (e: number): number => (e < n ? spans[e]!.start : spans[e - n]!.end);
  const events = Array.from({ length: 2 * n }, (_, e) => e);
  events.sort((a, b) => {
    const d = offsetOf(a) - offsetOf(b);
    if (d) return d;
    const aOpen = a < n;
    const bOpen = b < n;
    if (aOpen !== bOpen) return aOpen ? 1 : -1;
    if (!aOpen) return 0;
    const sa = spans[a]!;
    const sb = spans[b]!;
    return sb.end - sa.end || (sa.id < sb.id ? -1 : sa.id > sb.id ? 1 : 0);
  });
  const eventUnits = cpToUtf16Sorted(text, events.map(offsetOf));

  const active: Mark[] = [];
  let current: readonly Mark[] = [];
  let ei = 0;
  const applyEventsUpTo = (unit: number): void => {
    let changed = false;
    while (ei < events.length && eventUnits[ei]! <= unit) {
      const e = events[ei++]!;
      if (e < n) active.push(marks[e]!);
      else active.splice(active.indexOf(marks[e - n]!), 1);
      changed = true;
    }
    if (changed) current = active.slice();
  };

  const paragraphs: Node[] = [];
  let paraStart = 0;
  for (;;) {
    let paraEnd = text.indexOf('\n', paraStart);
    if (paraEnd < 0) paraEnd = text.length;
    const nodes: Node[] = [];
    let unit = paraStart;
    applyEventsUpTo(unit);
    while (unit < paraEnd) {
      const next = ei < events.length ? Math.min(eventUnits[ei]!, paraEnd) : paraEnd;
      if (next > unit) nodes.push(schema.text(text.slice(unit, next), current));
      unit = next;
      applyEventsUpTo(unit);
    }
    paragraphs.push(paragraphType.create(null, nodes));
    if (paraEnd === text.length) break;
    paraStart = paraEnd + 1;
  }
  return schema.topNodeType.create(null, paragraphs);
}

/** The text and spans of an editor document, offsets in code points, spans sorted by start, end, id. */
export function readDocument(doc: Node): DocumentContent {
  const parts: string[] = [];
  for (let i = 0; i < doc.childCount; i++) parts.push(doc.child(i).textContent);
  const index = positionIndex(doc);
  const spans = spanRanges(doc).map((s) => ({
    id: s.id,
    label: s.label,
    start: index.posToCp(s.from),
    end: index.posToCp(s.to),
  }));
  return { text: parts.join('\n'), spans };
}
