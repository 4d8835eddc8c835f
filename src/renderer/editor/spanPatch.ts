/**
 * Patching span decorations by span id. Most transactions (a tag, a relabel, a key typed) change a
 * paragraph or two: the spans marked there, before and after, are the only ones that can have
 * changed, and the decorations of the others are carried along by mapping. Looking at those few
 * spans, instead of all twenty thousand, is what keeps tagging in a long report quick.
 */
import type { Node } from 'prosemirror-model';
import type { Mapping } from 'prosemirror-transform';
import type { Decoration, DecorationSet } from 'prosemirror-view';
import { assignLanes } from './lanes';
import { spanAttrs, spanType } from './schema';
import { type DrawnSpans, replaceDecorations, sameFragments, spanDecorations } from './spanDecorations';
import { compareSpans, findSpan, type SpanRange } from './spanMarks';

/** Wider changes (a paste of many paragraphs, a replaced document) take the walk over every span. */
const MAX_CHANGED_PARAGRAPHS = 32;

/** Paragraphs [first, endOld) of the old document became [first, endNew) of the new one, at `pos`. */
interface ChangedParagraphs {
  first: number;
  endOld: number;
  endNew: number;
  pos: number;
  oldEnd: number;
  newEnd: number;
}

/** The paragraphs that differ between two documents (children compared by identity). */
function changedParagraphs(before: Node, doc: Node): ChangedParagraphs | null {
  const a = before.content;
  const b = doc.content;
  let first = 0;
  const common = Math.min(a.childCount, b.childCount);
  while (first < common && a.child(first) === b.child(first)) first++;
  let endOld = a.childCount;
  let endNew = b.childCount;
  while (endOld > first && endNew > first && a.child(endOld - 1) === b.child(endNew - 1)) {
    endOld--;
    endNew--;
  }
  if (endOld - first + (endNew - first) > MAX_CHANGED_PARAGRAPHS) return null;
  let pos = 0;
  for (let p = 0; p < first; p++) pos += a.child(p).nodeSize;
  let oldEnd = pos;
  for (let p = first; p < endOld; p++) oldEnd += a.child(p).nodeSize;
  let newEnd = pos;
  for (let p = first; p < endNew; p++) newEnd += b.child(p).nodeSize;
  return { first, endOld, endNew, pos, oldEnd, newEnd };
}

/**
 * Whether every step changed only text inside the changed paragraphs: then everything outside them
 * is merely shifted by mapping. A step can replace paragraphs with the very same node objects (undo
 * does), which a comparison of paragraphs alone would miss.
 */
function stepsWithin(mapping: Mapping, changed: ChangedParagraphs): boolean {
  let inside = true;
  mapping.maps.forEach((map, i) => {
    const rest = mapping.slice(i + 1);
    map.forEach((_oldStart, _oldEnd, newStart, newEnd) => {
      if (rest.map(newStart, -1) < changed.pos || rest.map(newEnd, 1) > changed.newEnd) inside = false;
    });
  });
  return inside;
}

function movesText(mapping: Mapping): boolean {
  let moves = false;
  for (const map of mapping.maps) map.forEach(() => (moves = true));
  return moves;
}

function markedIds(doc: Node, first: number, end: number, into: Set<string>): void {
  for (let p = first; p < end; p++) {
    doc.child(p).forEach((child) => {
      for (const mark of child.marks) if (mark.type === spanType) into.add(spanAttrs(mark).id);
    });
  }
}

/** The index of `s` in `list` (sorted by compareSpans), or -1. */
function indexOfSpan(list: readonly SpanRange[], s: SpanRange): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareSpans(list[mid]!, s) < 0) lo = mid + 1;
    else hi = mid;
  }
  return list[lo]?.id === s.id ? lo : -1;
}

/**
 * The ids of spans whose lane differs between `prevLanes` and `lanes`, skipping `changed` ids
 * (drawn afresh anyway). Both lists hold the other spans in the same order; if they do not
 * (mapping made two starts equal and the order flipped), lanes are compared by id.
 */
function laneChanges(
  prev: readonly SpanRange[],
  prevLanes: readonly number[],
  spans: readonly SpanRange[],
  lanes: readonly number[],
  changed: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  let j = 0;
  for (let i = 0; i < spans.length; i++) {
    const id = spans[i]!.id;
    if (changed.has(id)) continue;
    while (j < prev.length && changed.has(prev[j]!.id)) j++;
    if (prev[j]?.id !== id) {
      const byId = new Map(prev.map((s, k) => [s.id, prevLanes[k]!]));
      return spans.filter((s, k) => !changed.has(s.id) && byId.get(s.id) !== lanes[k]).map((s) => s.id);
    }
    if (prevLanes[j] !== lanes[i]) out.push(id);
    j++;
  }
  return out;
}

/** New decorations and lanes for a change, or null when the change is too wide to patch by span id. */
export interface PatchedSpans {
  decorations: DecorationSet;
  lanes: readonly number[];
}

/**
 * `prev`'s decorations patched for a transaction from `before` to `doc` whose spans are `spans`,
 * replacing only the decorations of spans marked in the changed paragraphs, or whose lane changed.
 * Lanes are assigned again only when spans may have moved against each other (a pass over
 * numbers that touches no decoration); otherwise they are kept as they are.
 */
export function patchSpansById(prev: DrawnSpans, mapping: Mapping, before: Node, doc: Node, spans: readonly SpanRange[]): PatchedSpans | null {
  const changed = changedParagraphs(before, doc);
  if (!changed || !stepsWithin(mapping, changed)) return null;
  const ids = new Set<string>();
  markedIds(before, changed.first, changed.endOld, ids);
  markedIds(doc, changed.first, changed.endNew, ids);
  // Which of those spans are added, removed or moved differently from their decorations.
  const moved = new Set<string>();
  for (const id of ids) {
    const old = findSpan(before, id);
    const s = findSpan(doc, id);
    if (!old || !s || !sameFragments(mapping, old, s)) moved.add(id);
  }
  // A span added, removed or resized, or text moved under spans (an overlap can become a touch),
  // may change lanes, there and after; a relabel or typing away from spans cannot.
  const relaid = moved.size > 0 || spans.length !== prev.spans.length || (ids.size > 0 && movesText(mapping));
  const lanes = relaid ? assignLanes(spans) : prev.lanes;
  const redraw = new Set(ids);
  if (lanes !== prev.lanes) for (const id of laneChanges(prev.spans, prev.lanes, spans, lanes, ids)) redraw.add(id);
  const stale = new Map<string, SpanRange>();
  const fresh: Decoration[] = [];
  for (const id of redraw) {
    const old = findSpan(before, id);
    const s = findSpan(doc, id);
    const oldLane = old ? prev.lanes[indexOfSpan(prev.spans, old)] : undefined;
    const lane = s ? lanes[indexOfSpan(spans, s)] : undefined;
    if (old && s && !moved.has(id) && old.label === s.label && oldLane === lane && old.fragments.length === s.fragments.length) continue;
    if (old) stale.set(id, old);
    if (s) fresh.push(...spanDecorations(s, lane!, prev.labels));
  }
  if (!stale.size && !fresh.length) return { decorations: prev.decorations.map(mapping, doc), lanes };
  const decorations = replaceDecorations(prev.decorations, mapping, doc, stale, fresh);
  return decorations && { decorations, lanes };
}
