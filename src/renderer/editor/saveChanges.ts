/**
 * What autosave sends, read from two editor documents (the one saved last and the one shown now)
 * without reading either whole. A transaction shares every paragraph it left alone with the document
 * before it, so the changed paragraphs are found by identity; their text alone is diffed, and only
 * the spans touching them (or whose values or note changed) are compared. Every other span moves as
 * the splice moves it, in the editor and in the store alike. Typing in a 1,000,000-character report
 * used to read and diff the whole document at each save (25–50 ms); this reads a paragraph or two.
 */
import type { Node } from 'prosemirror-model';

export { changedParagraphs } from './positions';
import { diffById, type DocVersion, type SaveDiff, sameLink, sameSpan } from '../../shared/saveDiff';
import { diffText, shifter, type TextEdit } from '../../shared/textEdit';
import type { SpanInput } from '../../shared/types';
import { liveLinks, savedSpan } from './docCodec';
import { changedParagraphs, positionIndex, textOfParagraph } from './positions';
import { spanInfoOf, storedLinks } from './schema';
import { findSpan, spansTouching, spanSeqOf } from './spanMarks';

/** The text of paragraphs [from, to) of `doc`, joined by "\n" as the stored text is. */
function textOf(doc: Node, from: number, to: number): string {
  const parts: string[] = [];
  for (let i = from; i < to; i++) parts.push(textOfParagraph(doc.child(i)));
  return parts.join('\n');
}

/** Positions from the start of paragraph `from` to the end of paragraph `to - 1`. */
function positionsOf(doc: Node, from: number, to: number): { start: number; end: number } {
  const start = positionIndex(doc).paragraphStart(from) - 1;
  let end = start;
  for (let i = from; i < to; i++) end += doc.child(i).nodeSize;
  return { start, end };
}

/** Adds to `ids` every span of `doc` reaching to or between positions `start` and `end`. */
function addSpansTouching(doc: Node, start: number, end: number, ids: Set<string>): void {
  for (const s of spansTouching(doc, start, end)) ids.add(s.id);
}

/**
 * The save request body turning `before` into `after`: the text change as one splice (of the changed
 * paragraphs with one unchanged paragraph either side, so spans outside them move exactly as the
 * splice moves them), and the spans and links that changed otherwise.
 */
export function docChanges(before: Node, after: Node): SaveDiff {
  const region = changedParagraphs(before, after);
  let edit: TextEdit | null = null;
  const ids = new Set<string>();
  if (region) {
    // Both documents hold at least one paragraph, and the paragraphs before `first` are the same nodes.
    const lo = Math.max(0, region.first - 1);
    const hiBefore = Math.min(before.childCount, region.endBefore + 1);
    const hiAfter = Math.min(after.childCount, region.endAfter + 1);
    const base = positionIndex(before).posToCp(positionIndex(before).paragraphStart(lo));
    const local = diffText(textOf(before, lo, hiBefore), textOf(after, lo, hiAfter));
    if (local) edit = { ...local, at: base + local.at };
    const a = positionsOf(before, lo, hiBefore);
    const b = positionsOf(after, lo, hiAfter);
    addSpansTouching(before, a.start, a.end, ids);
    addSpansTouching(after, b.start, b.end, ids);
  }
  const infoBefore = spanInfoOf(before);
  const infoAfter = spanInfoOf(after);
  if (infoBefore !== infoAfter) {
    for (const id of Object.keys(infoBefore)) if (infoAfter[id] !== infoBefore[id]) ids.add(id);
    for (const id of Object.keys(infoAfter)) if (infoAfter[id] !== infoBefore[id]) ids.add(id);
  }

  const move = edit ? shifter(edit) : null;
  const indexBefore = positionIndex(before);
  const indexAfter = positionIndex(after);
  const upsert: SpanInput[] = [];
  const remove: string[] = [];
  let spansCameOrWent = false;
  for (const id of ids) {
    const was = findSpan(before, id);
    const now = findSpan(after, id);
    if (!now) {
      if (was) {
        remove.push(id);
        spansCameOrWent = true;
      }
      continue;
    }
    const saved = savedSpan(now, indexAfter, infoAfter);
    if (!was) spansCameOrWent = true;
    if (!was || !sameSpan(savedSpan(was, indexBefore, infoBefore), saved, edit, move)) upsert.push(saved);
  }
  upsert.sort((x, y) => x.start - y.start || x.end - y.end || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  remove.sort();

  // A link is saved while both its spans exist: it comes and goes with them as well as by itself.
  const links =
    spansCameOrWent || storedLinks(before) !== storedLinks(after)
      ? diffById(liveLinks(before), liveLinks(after), sameLink)
      : { upsert: [], remove: [] };
  return { ...(edit ? { edit } : {}), upsert, remove, upsertLinks: links.upsert, removeLinks: links.remove };
}

class EditorVersion implements DocVersion {
  constructor(readonly doc: Node) {}
  get spanCount(): number {
    return spanSeqOf(this.doc).length;
  }
  changesSince(saved: DocVersion): SaveDiff {
    if (!(saved instanceof EditorVersion)) throw new TypeError('an editor document is compared with another editor document');
    return docChanges(saved.doc, this.doc);
  }
}

/** The editor document as autosave keeps it: the immutable document itself. */
export const editorVersion = (doc: Node): DocVersion => new EditorVersion(doc);
