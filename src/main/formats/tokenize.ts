/**
 * Tokenisation for token-per-line formats (CoNLL). CJK text (Han, kana, Hangul, Bopomofo, CJK
 * punctuation and fullwidth forms) is cut into characters, one grapheme cluster each, so 𠮷, 👍🏽 or a
 * base letter with its combining mark stay whole. Other runs are cut at Unicode word boundaries via
 * Intl.Segmenter('und', {granularity: 'word'}), which splits punctuation off words but keeps "don't",
 * "U.S" and "3.5" together. Whitespace is never part of a token, and "\n" (a paragraph break) ends a
 * sentence. Offsets are code points, like every offset Loupe stores.
 */
import { codePointLength, graphemeClusters } from '../../shared/offsets';

/** A token: its text and where it lies, `[start, end)` in code points of the whole text. */
export interface Token {
  text: string;
  start: number;
  end: number;
}

const CJK_CLASS =
  '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\p{Script=Bopomofo}' +
  // CJK symbols and punctuation, kana (with ー, which is Script=Common), enclosed CJK and compatibility,
  // vertical and small forms, halfwidth and fullwidth forms.
  '\\u3000-\\u30ff\\u3190-\\u31ff\\u3200-\\u33ff\\ufe10-\\ufe1f\\ufe30-\\ufe6f\\uff00-\\uffef';

const STARTS_CJK = new RegExp(`^[${CJK_CLASS}]`, 'u');
/** Trailing marks and variation selectors belong to the character before them. */
// The second class lists marks, ZWJ and variation selectors one by one on purpose (any number may follow).
// eslint-disable-next-line no-misleading-character-class
const ENDS_CJK = new RegExp(`[${CJK_CLASS}][\\p{M}\\u200d\\ufe00-\\ufe0f]*$`, 'u');
const WHITE_SPACE = /\p{White_Space}/u;
/** A piece made only of invisible characters (a lone zero-width space, a BOM) is no token either. */
const INVISIBLE = /^\p{Default_Ignorable_Code_Point}+$/u;

const words = new Intl.Segmenter('und', { granularity: 'word' });

/** Whether a token begins with a CJK character. */
export function startsCjk(token: string): boolean {
  return STARTS_CJK.test(token);
}

/** Whether a token ends with a CJK character (marks after it included). */
export function endsCjk(token: string): boolean {
  return ENDS_CJK.test(token);
}

/**
 * Cuts a candidate token at whitespace: a word segment may hold a space followed by a combining mark
 * (" \u0301" is one segment), and a CJK run may hold U+3000. Pushes the visible pieces.
 */
function pushPieces(segment: string, start: number, out: Token[]): void {
  if (!WHITE_SPACE.test(segment)) {
    if (!INVISIBLE.test(segment)) out.push({ text: segment, start, end: start + codePointLength(segment) });
    return;
  }
  let piece = '';
  let pieceStart = start;
  let cp = start;
  const flush = () => {
    if (piece && !INVISIBLE.test(piece)) out.push({ text: piece, start: pieceStart, end: cp });
    piece = '';
  };
  for (const ch of segment) {
    if (WHITE_SPACE.test(ch)) {
      flush();
      pieceStart = cp + 1;
    } else {
      if (!piece) pieceStart = cp;
      piece += ch;
    }
    cp++;
  }
  flush();
}

/** The tokens of one line (no "\n" in it) that starts at code point `base` of its text. */
export function tokenizeLine(line: string, base = 0): Token[] {
  const out: Token[] = [];
  let cp = base;
  let run = '';
  let runStart = base;
  const flushRun = () => {
    let at = runStart;
    for (const { segment } of words.segment(run)) {
      pushPieces(segment, at, out);
      at += codePointLength(segment);
    }
    run = '';
  };
  for (const { segment } of graphemeClusters(line)) {
    const length = codePointLength(segment);
    if (startsCjk(segment)) {
      if (run) flushRun();
      pushPieces(segment, cp, out);
    } else {
      if (!run) runStart = cp;
      run += segment;
    }
    cp += length;
  }
  if (run) flushRun();
  return out;
}

/** A text's sentences (its non-empty paragraphs), each a list of tokens. */
export function tokenizeSentences(text: string): Token[][] {
  const sentences: Token[][] = [];
  let base = 0;
  for (const line of text.split('\n')) {
    const tokens = tokenizeLine(line, base);
    if (tokens.length > 0) sentences.push(tokens);
    base += codePointLength(line) + 1;
  }
  return sentences;
}
