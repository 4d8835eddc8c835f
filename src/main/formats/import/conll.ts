/**
 * CoNLL-style token-per-line files (CoNLL-2003 NER, BIO/IOB/BIOES dumps, Loupe's own CoNLL export).
 * Columns are separated by tabs (or, in a line without a tab, by runs of spaces); the token is the
 * first column and its tag the last. A blank line ends a sentence; `-DOCSTART-`, and a repeated
 * `# doc_id = …`, `# newdoc id = …` or `# title = …` comment, start a new document.
 *
 * Tags: O, B-, I-, E-/L-, S-/U- (BIO, IOB1, BIOES, BILOU). An ill-formed sequence (I-X or E-X with no
 * open X span) starts a new span, the lenient CoNLL-2000 reading; how often that happened is kept in
 * the document's `meta.conllRepairs`. IOB1 files, where I- starts every span, count such starts too.
 *
 * CoNLL keeps tokens, not the text's spacing, so the text is rebuilt: each sentence is a paragraph
 * (joined by "\n"); CJK tokens join with no space, and so does punctuation among CJK text (a punctuation
 * token counts as CJK when the nearest word token in its sentence does); other tokens join with one
 * space, except none before closing punctuation (. , ; : ! ? % ) ] } » ” ’ … '' and clitics such as
 * n't, 's), none after opening punctuation (( [ { « “ ‘ ¿ ¡ `` $ # @), none around a hyphen or slash
 * between words, and straight double quotes alternate between opening and closing. A file tokenised by
 * character (the MSRA / People's Daily NER sets: `c`, `h`, `i`… for "chi", `1`, `9`… for "19") has its
 * tokens joined without any space: a file counts as such when it has at least 10 tokens of letters or
 * digits outside CJK and 90% of them are one character (grapheme) long, decided once per file, so
 * word-tokenised files (CoNLL-2003, Chinese words, Loupe's own export) keep their spaces.
 */
import { codePointLength, isOneGrapheme, shortened } from '../../../shared/offsets';
import type { SpanInput } from '../../../shared/types';
import { decodeText } from '../decode';
import { endsCjk, startsCjk } from '../tokenize';
import { firstLine } from './jsonl';
import { ImportError, type Importer, type ParsedDocument } from './types';

const TAG = /^(?:O|([BIESLU])-(\S.*))$/;

interface TokenLine {
  text: string;
  tag: string;
}

interface DocumentDraft {
  docId?: string;
  title?: string;
  sentences: TokenLine[][];
}

const CLOSING = /^(?:[.,;:!?%)\]}»›”’…]+|''|n't|'(?:s|re|ve|ll|d|m))$/iu;
const OPENING = /^(?:[([{«‹“‘¿¡$#@]+|``)$/u;
const JOINER = /^[-‐/]$/u;
const WORDLIKE = /[\p{L}\p{N}]/u;

/** The share of non-CJK letter-or-digit tokens one character long from which a file counts as tokenised by character. */
const CHARACTER_TOKENS = 0.9;
/** Fewer such tokens than this tell too little (`A B C D E`): the file is read as words. */
const CHARACTER_EVIDENCE = 10;

/**
 * Whether a file's tokens are characters rather than words: nearly all of its tokens of letters or
 * digits outside CJK (where a word tokeniser keeps several characters together) are one grapheme.
 */
function tokenisedByCharacter(tokens: Iterable<string>): boolean {
  let words = 0;
  let single = 0;
  for (const token of tokens) {
    if (!WORDLIKE.test(token) || startsCjk(token) || endsCjk(token)) continue;
    words++;
    if (isOneGrapheme(token)) single++;
  }
  return words >= CHARACTER_EVIDENCE && single >= CHARACTER_TOKENS * words;
}

/** A sentence's text from its tokens, and where each token starts and ends (code points). */
function joinSentence(tokens: readonly string[], byCharacter: boolean): { text: string; bounds: [number, number][] } {
  if (byCharacter) {
    const bounds: [number, number][] = [];
    let cp = 0;
    for (const token of tokens) {
      const length = codePointLength(token);
      bounds.push([cp, cp + length]);
      cp += length;
    }
    return { text: tokens.join(''), bounds };
  }
  const isWord = tokens.map((t) => WORDLIKE.test(t));
  const isCjk = (t: string) => startsCjk(t) || endsCjk(t);
  // Punctuation takes the script of the nearest word token of its sentence: before it, else after it.
  const before: (boolean | undefined)[] = [];
  let seen: boolean | undefined;
  tokens.forEach((t, i) => {
    if (isWord[i]) seen = isCjk(t);
    before.push(seen);
  });
  const cjkContext: boolean[] = new Array<boolean>(tokens.length);
  seen = undefined;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (isWord[i]) seen = isCjk(tokens[i]!);
    cjkContext[i] = before[i] ?? seen ?? false;
  }
  const cjkStart = (i: number) => startsCjk(tokens[i]!) || (!isWord[i] && cjkContext[i]!);
  const cjkEnd = (i: number) => endsCjk(tokens[i]!) || (!isWord[i] && cjkContext[i]!);

  let text = '';
  let cp = 0;
  let quotes = 0;
  let openQuote = false; // the previous token was an opening straight quote
  const bounds: [number, number][] = [];
  tokens.forEach((token, i) => {
    const isQuote = token === '"';
    const closingQuote = isQuote && quotes % 2 === 1;
    if (i > 0) {
      const prev = tokens[i - 1]!;
      const tight =
        cjkEnd(i - 1) ||
        cjkStart(i) ||
        CLOSING.test(token) ||
        OPENING.test(prev) ||
        closingQuote ||
        openQuote ||
        (JOINER.test(token) && isWord[i - 1]! && isWord[i + 1] === true) ||
        (JOINER.test(prev) && isWord[i]! && isWord[i - 2] === true);
      if (!tight) {
        text += ' ';
        cp++;
      }
    }
    const length = codePointLength(token);
    bounds.push([cp, cp + length]);
    text += token;
    cp += length;
    if (isQuote) quotes++;
    openQuote = isQuote && !closingQuote;
  });
  return { text, bounds };
}

/** Spans from a sentence's tags; `base` is where the sentence starts in the document (code points). */
function sentenceSpans(
  tags: readonly string[],
  bounds: readonly [number, number][],
  base: number,
  spans: SpanInput[],
): number {
  let repairs = 0;
  let open: SpanInput | null = null;
  for (let i = 0; i < tags.length; i++) {
    const [start, end] = bounds[i]!;
    const [, prefix, label] = TAG.exec(tags[i]!)!;
    const continues = open !== null && open.label === label && (prefix === 'I' || prefix === 'E' || prefix === 'L');
    if (continues) {
      open!.end = base + end;
    } else {
      if (open) spans.push(open);
      open = null;
      if (prefix === undefined || label === undefined) continue;
      if (prefix === 'I' || prefix === 'E' || prefix === 'L') repairs++;
      open = { id: `c${spans.length + 1}`, label, start: base + start, end: base + end, attrs: {}, note: '' };
    }
    if (prefix === 'E' || prefix === 'L' || prefix === 'S' || prefix === 'U') {
      spans.push(open!);
      open = null;
    }
  }
  if (open) spans.push(open);
  return repairs;
}

/** A document's text, spans and title from its sentences. */
function buildDocument(draft: DocumentDraft, fileName: string, byCharacter: boolean): ParsedDocument {
  const spans: SpanInput[] = [];
  const paragraphs: string[] = [];
  let base = 0;
  let repairs = 0;
  for (const sentence of draft.sentences) {
    const { text, bounds } = joinSentence(
      sentence.map((t) => t.text),
      byCharacter,
    );
    repairs += sentenceSpans(
      sentence.map((t) => t.tag),
      bounds,
      base,
      spans,
    );
    paragraphs.push(text);
    base += codePointLength(text) + 1;
  }
  const text = paragraphs.join('\n');
  return {
    title: draft.title?.trim() || firstLine(text, fileName),
    text,
    meta: {
      fileName,
      ...(draft.docId !== undefined ? { conllDocId: draft.docId } : {}),
      ...(repairs > 0 ? { conllRepairs: repairs } : {}),
    },
    spans,
    links: [],
  };
}

/** Token-per-line CoNLL files with BIO, IOB1 or BIOES tags in the last column. */
export const conllImporter: Importer = {
  format: 'conll',
  extensions: ['.conll', '.bio', '.bioes', '.iob', '.iob2'],
  parse(file) {
    const decoded = decodeText(file.data);
    const lines = decoded.text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
    const drafts: DocumentDraft[] = [];
    let doc: DocumentDraft = { sentences: [] };
    let sentence: TokenLine[] = [];
    let tokenCount = 0;

    const endSentence = () => {
      if (sentence.length > 0) doc.sentences.push(sentence);
      sentence = [];
    };
    const endDocument = () => {
      endSentence();
      // Documents with neither tokens nor a title are only separators (a leading -DOCSTART-).
      if (doc.sentences.length > 0 || doc.title !== undefined) drafts.push(doc);
      doc = { sentences: [] };
    };
    const hasContent = () => sentence.length > 0 || doc.sentences.length > 0;

    lines.forEach((raw, i) => {
      const where = `line ${i + 1}`;
      const line = raw.replace(/\s+$/u, '');
      if (line.trim() === '') {
        endSentence();
        return;
      }
      const hasTab = line.includes('\t');
      const columns = hasTab ? line.split('\t').map((c) => c.trim()) : line.trim().split(/ +/);
      const tag = columns[columns.length - 1]!;
      if (line.startsWith('#')) {
        // A token "#" is written "#<TAB>O"; without a tab only "# TAG" is read as one.
        const isToken = columns.length >= 2 && TAG.test(tag) && (hasTab || columns.length === 2);
        if (!isToken) {
          const comment = /^#\s*([^=]+?)\s*=\s*(.*)$/.exec(line);
          const key = comment?.[1]?.toLowerCase();
          const value = comment?.[2]?.trim() ?? '';
          if (key === 'doc_id' || key === 'newdoc id') {
            if (hasContent() || doc.docId !== undefined) endDocument();
            doc.docId = value;
          } else if (key === 'title') {
            if (hasContent() || doc.title !== undefined) endDocument();
            doc.title = value;
          } else if (/^#\s*newdoc\s*$/.test(line)) {
            endDocument();
          }
          return;
        }
      }
      if (columns[0] === '-DOCSTART-') {
        endDocument();
        return;
      }
      if (columns.length < 2) {
        throw new ImportError(`${where}: “${shortened(line.trim(), 40)}” has no tag column (expected TOKEN<TAB>TAG)`);
      }
      if (columns[0] === '') throw new ImportError(`${where}: the token column is empty`);
      if (!TAG.test(tag)) {
        throw new ImportError(`${where}: “${shortened(tag, 40)}” in the last column is not a BIO/BIOES tag (O, B-X, I-X, E-X, S-X)`);
      }
      sentence.push({ text: columns[0]!, tag });
      tokenCount++;
    });
    endDocument();

    if (tokenCount === 0) throw new ImportError('the file holds no tokens (expected TOKEN<TAB>TAG lines)');
    const byCharacter = tokenisedByCharacter(drafts.flatMap((d) => d.sentences.flatMap((s) => s.map((t) => t.text))));
    return {
      format: 'conll',
      encoding: decoded.encoding,
      documents: drafts.map((d) => buildDocument(d, file.name, byCharacter)),
    };
  },
};
