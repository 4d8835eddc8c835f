/**
 * Converts between Loupe's stored form (text + standoff spans in code points) and the editor's
 * document (paragraphs whose text carries span marks).
 */
import type { Mark, Node } from 'prosemirror-model';
import type { Fragment, Link, SpanInput } from '../../shared/types';
import { OffsetIndex } from '../../shared/offsets';
import { type PositionIndex, positionIndex, textOfParagraph } from './positions';
import { paragraphType, schema, spanAttrs, type SpanInfo, type SpanInfoMap, spanInfoOf, spanMark, storedLinks } from './schema';
import { findSpan, mergeRanges, seedSpans, type SpanRange, spanRanges } from './spanMarks';

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

  const active: number[] = [];
  let current: readonly Mark[] = [];
  let currentIdx: readonly number[] = [];
  let ei = 0;
  const applyEventsUpTo = (unit: number): void => {
    let changed = false;
    while (ei < events.length && eventUnits[ei]! <= unit) {
      const e = events[ei++]!;
      if (e < n) active.push(e);
      else active.splice(active.indexOf(e - n), 1);
      changed = true;
    }
    if (changed) {
      currentIdx = active.slice();
      current = currentIdx.map((k) => marks[k]!);
    }
  };

  // Where each fragment's marked text lies, in positions, as it is built: the editor's spans of
  // this document, read here instead of out of its marks afterwards (seedSpans).
  const marked = new Array<FragmentText | undefined>(n);
  const paragraphs: Node[] = [];
  let paraStart = 0;
  let paraPos = 0;
  for (;;) {
    let paraEnd = text.indexOf('\n', paraStart);
    if (paraEnd < 0) paraEnd = text.length;
    const nodes: Node[] = [];
    let unit = paraStart;
    applyEventsUpTo(unit);
    while (unit < paraEnd) {
      const next = ei < events.length ? Math.min(eventUnits[ei]!, paraEnd) : paraEnd;
      if (next > unit) {
        nodes.push(schema.text(text.slice(unit, next), current));
        const from = paraPos + 1 + (unit - paraStart);
        const to = from + (next - unit);
        for (const k of currentIdx) {
          const m = marked[k];
          if (!m) marked[k] = { from, to, firstPara: paragraphs.length, lastPara: paragraphs.length, length: to - from };
          else {
            m.to = to;
            m.lastPara = paragraphs.length;
            m.length += to - from;
          }
        }
      }
      unit = next;
      applyEventsUpTo(unit);
    }
    paragraphs.push(paragraphType.create(null, nodes));
    if (paraEnd === text.length) break;
    paraPos += paraEnd - paraStart + 2;
    paraStart = paraEnd + 1;
  }
  const doc = schema.topNodeType.create({ spanInfo, links: [...links] }, paragraphs);
  seedFromBuild(doc, spans, marks, marked);
  return doc;
}

/** The text a fragment's mark covers, in positions, as docFromText builds it. */
interface FragmentText {
  from: number;
  to: number;
  firstPara: number;
  lastPara: number;
  /** How many positions of text carry the mark. */
  length: number;
}

/**
 * Hands the spans of a freshly built document to spanMarks' cache, as reading them out of its marks
 * would find them (spanMarks.collectSpansAfresh; a unit test holds the two equal). Only in the plain
 * case: every fragment's text without gaps, and no two fragments of a span starting together.
 * Otherwise the spans are read out of the marks as for any document.
 */
function seedFromBuild(doc: Node, spans: readonly { id: string }[], marks: readonly Mark[], marked: readonly (FragmentText | undefined)[]): void {
  const byId = new Map<string, { first: FragmentText; mark: Mark; frags: FragmentText[] }>();
  for (let k = 0; k < spans.length; k++) {
    const m = marked[k];
    if (!m) continue; // a fragment of "\n"s only: no text, no mark
    // Each paragraph boundary inside the range is two positions of no text.
    if (m.length !== m.to - m.from - 2 * (m.lastPara - m.firstPara)) return;
    const id = spans[k]!.id;
    const acc = byId.get(id);
    if (!acc) byId.set(id, { first: m, mark: marks[k]!, frags: [m] });
    else {
      if (m.from === acc.first.from) return;
      if (m.from < acc.first.from) {
        acc.first = m;
        acc.mark = marks[k]!;
      }
      acc.frags.push(m);
    }
  }
  const list: SpanRange[] = [];
  for (const [id, { mark, frags }] of byId) {
    const fragments = frags.length === 1 ? [{ from: frags[0]!.from, to: frags[0]!.to }] : mergeRanges(frags);
    list.push({ id, label: spanAttrs(mark).label, from: fragments[0]!.from, to: fragments[fragments.length - 1]!.to, fragments, mark });
  }
  seedSpans(doc, list);
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
