/**
 * Converts between Loupe's stored form (text + standoff spans in code points) and the editor's
 * document (paragraphs whose text carries span marks).
 */
import type { Mark, Node } from 'prosemirror-model';
import type { Fragment, Link, SpanInput } from '../../shared/types';
import { OffsetIndex } from '../../shared/offsets';
import { type PositionIndex, positionIndex, textOfParagraph } from './positions';
import { paragraphType, schema, type SpanInfo, type SpanInfoMap, spanInfoOf, spanMark, storedLinks } from './schema';
import { findSpan, type SpanRange, spanRanges } from './spanMarks';

export { cpToPos, posToCp, positionIndex } from './positions';

/** A span as saved: offsets in code points, fragments, attribute values and note always present. */
export type SavedSpan = Required<SpanInput>;

/** The document's text, spans and links, offsets in code points. */
export interface DocumentContent {
  text: string;
  spans: SavedSpan[];
  links: Link[];
}

/**
 * Builds the editor document of a text (paragraphs joined by "\n") and its spans (code points).
 * Built in one sweep over the span boundaries, so a long article with many spans loads fast.
 * A span is its marked text: a "\n" at either end is not part of it, and a span covering only
 * "\n"s has no text and is dropped. Throws a RangeError for offsets out of range or a duplicate id.
 */
export function docFromText(text: string, spanInputs: readonly SpanInput[], links: readonly Link[] = []): Node {
  const offsets = new OffsetIndex(text);
  const { length } = offsets;
  const seen = new Set<string>();
  const spanInfo: Record<string, SpanInfo> = {};
  // Each fragment is marked on its own (its own `frag` number), so it can be told apart in the editor.
  const spans: { id: string; start: number; end: number }[] = [];
  const marks: Mark[] = [];
  for (const s of spanInputs) {
    if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < 0 || s.end > length || s.end <= s.start)
      throw new RangeError(`span ${s.id}: [${s.start}, ${s.end}) is not a range of a text of ${length} code points`);
    if (seen.has(s.id)) throw new RangeError(`span id ${s.id} appears twice`);
    seen.add(s.id);
    const fragments = s.fragments ?? [[s.start, s.end]];
    fragments.forEach(([start, end], frag) => {
      if (!(Number.isInteger(start) && Number.isInteger(end) && start >= s.start && end <= s.end && end > start))
        throw new RangeError(`span ${s.id}: fragment [${start}, ${end}) is not within [${s.start}, ${s.end})`);
      spans.push({ id: s.id, start, end });
      marks.push(spanMark(s.id, s.label, frag));
    });
    if ((s.attrs && Object.keys(s.attrs).length) || s.note) spanInfo[s.id] = { attrs: s.attrs ?? {}, note: s.note ?? '' };
  }
  const n = spans.length;

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
  const eventUnits = events.map((e) => offsets.fromCodePoint(offsetOf(e), 'utf16'));

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
  return schema.topNodeType.create({ spanInfo, links: [...links] }, paragraphs);
}

const NO_INFO: SpanInfo = { attrs: {}, note: '' };

/** The links whose ends both exist, sorted by id. */
export function liveLinks(doc: Node): Link[] {
  return storedLinks(doc)
    .filter((l) => findSpan(doc, l.from) && findSpan(doc, l.to))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A span as saved: its fragments in code points (those that came to touch merged), its values and note. */
export function savedSpan(s: SpanRange, index: PositionIndex, info: SpanInfoMap): SavedSpan {
  const fragments: Fragment[] = [];
  for (const f of s.fragments) {
    const start = index.posToCp(f.from);
    const end = index.posToCp(f.to);
    const last = fragments[fragments.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else fragments.push([start, end]);
  }
  const { attrs, note } = info[s.id] ?? NO_INFO;
  return { id: s.id, label: s.label, start: fragments[0]![0], end: fragments[fragments.length - 1]![1], fragments, attrs, note };
}

/**
 * The text, spans and live links of an editor document, offsets in code points, spans sorted by
 * start, end, id. Fragments that came to touch (the text between them deleted) are one fragment.
 */
export function readDocument(doc: Node): DocumentContent {
  const parts: string[] = [];
  for (let i = 0; i < doc.childCount; i++) parts.push(textOfParagraph(doc.child(i)));
  const index = positionIndex(doc);
  const info = spanInfoOf(doc);
  const spans = spanRanges(doc).map((s) => savedSpan(s, index, info));
  return { text: parts.join('\n'), spans, links: liveLinks(doc) };
}
