/**
 * Where keys move a span's edge or the selection: by one character (a whole grapheme cluster, so an
 * edge never splits 👍🏽, a flag or e + U+0301), or to the neighbouring punctuation boundary; and the
 * content of the quotation marks around a selection.
 * Pure functions over the document; positions are ProseMirror positions.
 */
import type { Node, ResolvedPos } from 'prosemirror-model';
import { ClusterBreaks, findClusterBreak } from '../../shared/offsets';

/** Any Unicode punctuation: Chinese full-width marks (。,、:;!?“”「」《》…—) and ASCII alike. */
const PUNCT = /\p{P}/u;

const isPunct = (c: string | undefined): boolean => c !== undefined && PUNCT.test(c);

/** The paragraph around a text position, its text, and the position's offset into that text. */
function around(doc: Node, pos: number): { $pos: ResolvedPos; text: string; offset: number; start: number } {
  const $pos = doc.resolve(pos);
  return { $pos, text: $pos.parent.textContent, offset: $pos.parentOffset, start: $pos.start() };
}

/**
 * The position one character before (dir -1) or after (dir 1) `pos`, a character being a grapheme
 * cluster (what a reader sees as one: 𠮷, 👍🏽, 🇨🇳, 👨‍👩‍👧, e + U+0301); from inside a cluster, to its
 * edge. At a paragraph's edge it steps into the neighbouring paragraph and over its nearest
 * character, so an edge never lands between paragraphs; null at the document's ends.
 */
export function stepChar(doc: Node, pos: number, dir: 1 | -1): number | null {
  const { $pos, text, offset, start } = around(doc, pos);
  if (dir < 0) {
    if (offset === 0) {
      const index = $pos.index($pos.depth - 1);
      if (index === 0) return null;
      // The previous paragraph's end, then one character back into it.
      const prevEnd = $pos.before() - 1;
      return doc.resolve(prevEnd).parentOffset === 0 ? prevEnd : stepChar(doc, prevEnd, -1);
    }
    return start + findClusterBreak(text, offset, false);
  }
  if (offset === text.length) {
    const index = $pos.index($pos.depth - 1);
    if (index === $pos.node($pos.depth - 1).childCount - 1) return null;
    const nextStart = $pos.after() + 1;
    return doc.resolve(nextStart).parent.content.size === 0 ? nextStart : stepChar(doc, nextStart, 1);
  }
  return start + findClusterBreak(text, offset, true);
}

/**
 * The nearest punctuation boundary before (dir -1) or after (dir 1) `pos` within its paragraph: a
 * place right before or right after a punctuation mark, or the paragraph's start or end. From a
 * paragraph's edge it moves on into the neighbouring paragraph. Null at the document's ends.
 */
export function stepPunct(doc: Node, pos: number, dir: 1 | -1): number | null {
  const here = around(doc, pos);
  const { $pos } = here;
  let { text, offset, start } = here;
  const index = $pos.index($pos.depth - 1);
  if (dir < 0 && offset === 0) {
    if (index === 0) return null;
    ({ text, offset, start } = around(doc, $pos.before() - 1));
  } else if (dir > 0 && offset === text.length) {
    if (index === $pos.node($pos.depth - 1).childCount - 1) return null;
    ({ text, offset, start } = around(doc, $pos.after() + 1));
  }
  // Only between clusters, each counted as punctuation by its first character: ‼️ and #️⃣ are marks
  // followed by characters that belong to them.
  const breaks = new ClusterBreaks(text);
  const boundary = (o: number) => o === 0 || o === text.length || isPunct(text[breaks.next(o, false)]) || isPunct(text[o]);
  for (let o = offset + dir; o >= 0 && o <= text.length; o += dir) {
    if (breaks.isBoundary(o) && boundary(o)) return start + o;
  }
  return start + offset;
}

/** Quotation marks, opening to closing. Straight quotes open and close alike. */
const PAIRS: Readonly<Record<string, string>> = {
  '“': '”',
  '「': '」',
  '『': '』',
  '‘': '’',
  '"': '"',
  '«': '»',
};

/** The innermost quotation around text offsets a..b of `text`: the offsets of its opening and closing marks. */
function enclosingQuote(text: string, a: number, b: number): { open: number; close: number } | null {
  let best: { open: number; close: number } | null = null;
  for (const [opener, closer] of Object.entries(PAIRS)) {
    let open = -1;
    if (opener === closer) {
      // Straight quotes: an odd count before `a` means `a` is inside a quotation.
      let count = 0;
      let last = -1;
      for (let i = 0; i < a; i++) {
        if (text[i] !== opener) continue;
        count++;
        last = i;
      }
      if (count % 2 === 1) open = last;
    } else {
      let depth = 0;
      for (let i = a - 1; i >= 0; i--) {
        if (text[i] === closer) depth++;
        else if (text[i] === opener) {
          if (depth === 0) {
            open = i;
            break;
          }
          depth--;
        }
      }
    }
    if (open < 0) continue;
    let close = -1;
    let depth = 0;
    for (let i = opener === closer ? Math.max(b, open + 1) : b; i < text.length; i++) {
      if (opener !== closer && text[i] === opener) depth++;
      else if (text[i] === closer) {
        if (depth === 0) {
          close = i;
          break;
        }
        depth--;
      }
    }
    if (close < 0) continue;
    if (!best || open > best.open) best = { open, close };
  }
  return best;
}

/**
 * The content of the quotation marks around from..to (“…”, 「…」, ‘…’, "…", within one paragraph),
 * as positions, marks excluded. When from..to already is such a content, the next quotation out.
 */
export function quotedRange(doc: Node, from: number, to: number): { from: number; to: number } | null {
  const { $pos, text, offset, start } = around(doc, from);
  if (!$pos.parent.isTextblock) return null;
  const end = Math.min(text.length, offset + (to - from));
  let a = offset;
  let b = end;
  for (let tries = 0; tries < 8; tries++) {
    const q = enclosingQuote(text, a, b);
    if (!q) return null;
    if (q.open + 1 === offset && q.close === end && q.close > q.open + 1) {
      // Already the content of this quotation: go one level out.
      a = q.open;
      b = q.close + 1;
      continue;
    }
    if (q.close === q.open + 1) return null; // empty quotation
    return { from: start + q.open + 1, to: start + q.close };
  }
  return null;
}
