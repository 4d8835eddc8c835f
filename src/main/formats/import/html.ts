/**
 * HTML import: the page's readable text as a Loupe article, one paragraph per block. Page furniture
 * (scripts, styles, navigation, site headers and footers, forms) is dropped with its content; inside a
 * paragraph whitespace collapses as a browser shows it. The Markdown importer renders to HTML and reads
 * it through the same walk, so both formats follow one set of rules.
 *
 * Rules, decided once:
 * - Paragraphs: p, div, h1-h6, li, blockquote, dt/dd, figcaption, section, article… (BLOCKS) and <br>
 *   end a paragraph; <pre> keeps its lines, each a paragraph. Paragraphs are trimmed and blank ones
 *   dropped, as in plain text (parsePlainText does the last step).
 * - Whitespace: a run of HTML whitespace is one space, except that a run holding a line break between
 *   two East Asian wide characters vanishes (CSS Text 3's segment-break rule), so Chinese text wrapped
 *   across source lines does not gain spaces. &nbsp; and U+3000 are text, not collapsible space.
 * - Tables: a row is one paragraph with its cells joined by a tab, when every cell holds at most one
 *   paragraph; a row with a multi-paragraph cell (a layout table holding the article) gives each of its
 *   paragraphs instead. Empty cells at a row's start or end vanish with the trim.
 * - Images are dropped together with their alt text (it describes a picture, it is not article prose);
 *   so are <rt>/<rp> ruby readings.
 * - header/footer are site chrome when they stand outside <article>/<main>, and dropped; inside one they
 *   hold the headline or the byline, and are kept.
 * - Title: the first <h1> that the page's <title> contains and makes up at least half of (the <title>
 *   minus a site-name suffix such as "_新浪新闻"); else the <title>; else the first <h1>; else the first
 *   paragraph. meta.sourceTitle keeps the <title> as written.
 * - Encoding: a BOM wins; then valid UTF-8 is UTF-8 (legacy CJK bytes are practically never valid
 *   UTF-8, while pages re-saved as UTF-8 often keep a stale <meta charset="gb2312">); then a declared
 *   charset (<meta charset>, http-equiv, or <?xml encoding>) that iconv-lite knows and that decodes
 *   cleanly; else decodeText's detection. meta.declaredCharset records the declaration.
 * The walk uses htmlparser2's streaming callbacks and explicit stacks, never recursion, so a page nested
 * ten thousand levels deep is read like any other. Deeper than MAX_NESTING open elements the page is
 * refused: htmlparser2 keeps its open elements in an array it shifts and unshifts, so its work grows with
 * the square of the depth (100,000 nested <div>s take seconds), and no article nests that deep.
 */
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { Parser } from 'htmlparser2';
import { MAX_IMPORT_BYTES } from '../../../shared/limits';
import { firstCodePoint, lastCodePoint } from '../../../shared/offsets';
import { type DecodedText, decodeText } from '../decode';
import { parsePlainText } from '../plainText';
import { ImportError, type Importer } from './types';

/** Elements dropped with everything inside them: scripts, page furniture, controls, ruby readings. */
const DROPPED = new Set([
  'script', 'style', 'noscript', 'template', 'nav', 'aside', 'form', 'iframe', 'svg', 'object', 'canvas',
  'audio', 'video', 'button', 'select', 'textarea', 'rt', 'rp',
]);

/** Elements whose start and end end the current paragraph. */
const BLOCKS = new Set([
  'address', 'article', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog', 'dir', 'div',
  'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header',
  'hgroup', 'hr', 'html', 'legend', 'li', 'main', 'menu', 'ol', 'p', 'pre', 'section', 'summary', 'table',
  'tbody', 'tfoot', 'thead', 'ul', 'br',
]);

const HEADING = /^h[1-6]$/;

/**
 * More elements open inside one another than any page or Word document holds (real ones: tens; sloppy
 * pages with unclosed tags: hundreds). Past it htmlparser2's stack work (see the header) takes seconds.
 */
export const MAX_NESTING = 25_000;
const HTML_SPACE = /[ \t\n\f\r]+|[^ \t\n\f\r]+/g;

// East Asian Width F/W/H characters (Han, kana, bopomofo, CJK symbols and punctuation, full-width forms)…
const WIDE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\u3000-\u303f\u31c0-\u31ef\u3200-\u33ff\ufe10-\ufe1f\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6]/u;
// …and the ambiguous-width punctuation Chinese text uses (quotes, dashes, ellipsis, middle dot).
const CJK_PUNCTUATION = /[\u2018\u2019\u201c\u201d\u2014\u2015\u2026\u00b7\u2027]/u;

/** True when a collapsed line break between `before` and `after` should vanish rather than become a space. */
export function joinsWithoutSpace(before: string, after: string): boolean {
  const wideBefore = WIDE.test(before);
  const wideAfter = WIDE.test(after);
  return (wideBefore || wideAfter) && (wideBefore || CJK_PUNCTUATION.test(before)) && (wideAfter || CJK_PUNCTUATION.test(after));
}

/** One paragraph being built from text chunks, collapsing whitespace as a browser does. */
class Line {
  private text = '';
  /** The text's last character, kept apart: reading it from `text` would flatten the growing string each time. */
  private last = '';
  private space = false;
  private lineBreak = false;

  /** Adds text whose whitespace collapses. */
  add(chunk: string): void {
    for (const [run] of chunk.matchAll(HTML_SPACE)) {
      const c = run.charCodeAt(0);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) {
        if (this.text !== '') {
          this.space = true;
          if (run.includes('\n') || run.includes('\r')) this.lineBreak = true;
        }
      } else {
        if (this.space && !(this.lineBreak && joinsWithoutSpace(this.last, firstCodePoint(run)))) {
          this.text += ' ';
        }
        this.space = false;
        this.lineBreak = false;
        this.text += run;
        this.last = lastCodePoint(run);
      }
    }
  }

  /** Adds text as it is (preformatted text, a cell separator). */
  addRaw(chunk: string): void {
    this.space = false;
    this.lineBreak = false;
    this.text += chunk;
    if (chunk !== '') this.last = lastCodePoint(chunk);
  }

  /** The paragraph so far, trimmed; the line starts over. */
  take(): string {
    const text = this.text.trim();
    this.text = '';
    this.last = '';
    this.space = false;
    this.lineBreak = false;
    return text;
  }
}

type Frame = { kind: 'row'; cells: string[][] } | { kind: 'cell' } | { kind: 'other' };

/**
 * Collects an article's paragraphs in order, with the table rule of this file's header: a row's cells
 * join with a tab into one paragraph unless one of them holds several. Rows and cells must be opened and
 * closed in balanced pairs (the parsers' events are); nothing here recurses.
 */
export class ParagraphCollector {
  readonly paragraphs: string[] = [];
  private readonly sinks: string[][] = [this.paragraphs];
  private readonly frames: Frame[] = [];

  /** Adds a paragraph (trimmed; a blank one is dropped); returns whether it was added. */
  add(text: string): boolean {
    const trimmed = text.trim();
    if (trimmed === '') return false;
    this.sinks[this.sinks.length - 1]!.push(trimmed);
    return true;
  }

  /** Opens a table row; its paragraphs go out when it closes. */
  openRow(): void {
    this.frames.push({ kind: 'row', cells: [] });
  }

  /** Opens a cell; one not directly inside a row (malformed markup) only separates paragraphs. */
  openCell(): void {
    const top = this.frames[this.frames.length - 1];
    if (top?.kind === 'row') {
      const cell: string[] = [];
      top.cells.push(cell);
      this.sinks.push(cell);
      this.frames.push({ kind: 'cell' });
    } else {
      this.frames.push({ kind: 'other' });
    }
  }

  /** Closes the cell opened last. */
  closeCell(): void {
    if (this.frames.pop()?.kind === 'cell') this.sinks.pop();
  }

  /** Closes the row opened last and adds its paragraphs where the row stands. */
  closeRow(): void {
    const row = this.frames.pop();
    if (row?.kind !== 'row') return;
    if (row.cells.every((cell) => cell.length <= 1)) {
      this.add(row.cells.map((cell) => cell[0] ?? '').join('\t'));
    } else {
      for (const cell of row.cells) for (const paragraph of cell) this.add(paragraph);
    }
  }
}

/** What the walk found in a page. */
export interface HtmlText {
  paragraphs: string[];
  /** The <title>, whitespace collapsed; '' when the page has none. */
  sourceTitle: string;
  /** The texts of the page's <h1> elements (the first 50), in order. */
  h1s: string[];
  /** The text of the first heading of any level; '' when there is none. */
  firstHeading: string;
}

/** Reads the paragraphs, <title> and headings of an HTML page (or XHTML, with `xhtml`). */
export function htmlText(html: string, options: { xhtml?: boolean } = {}): HtmlText {
  const collector = new ParagraphCollector();
  const line = new Line();
  const title = new Line();
  const h1s: string[] = [];
  const headings: string[] = []; // open heading elements
  let firstHeading = '';
  let sourceTitle = '';
  let skip = 0; // depth inside a dropped element
  let pre = 0;
  let inTitle = 0;
  let content = 0; // depth inside <article>/<main>
  let depth = 0; // open elements, as htmlparser2 counts them (void elements open and close at once)

  const flush = (): void => {
    const text = line.take();
    if (!collector.add(text)) return;
    const heading = headings[headings.length - 1];
    if (heading === undefined) return;
    if (firstHeading === '') firstHeading = text;
    if (heading === 'h1' && h1s.length < 50) h1s.push(text);
  };

  const dropped = (name: string, attribs: Record<string, string>): boolean =>
    DROPPED.has(name) ||
    ((name === 'header' || name === 'footer') && content === 0) ||
    'hidden' in attribs ||
    /display\s*:\s*none/i.test(attribs.style ?? '');

  const parser = new Parser(
    {
      onopentag(rawName, attribs) {
        if (++depth > MAX_NESTING) throw new ImportError(`the HTML is nested too deeply to read (more than ${MAX_NESTING} elements inside one another)`);
        const name = rawName.toLowerCase();
        if (skip > 0 || dropped(name, attribs)) {
          skip += 1;
          return;
        }
        if (name === 'title') {
          inTitle += 1;
          return;
        }
        if (name === 'td' || name === 'th') {
          flush();
          collector.openCell();
          return;
        }
        if (name === 'tr') {
          flush();
          collector.openRow();
          return;
        }
        if (BLOCKS.has(name)) flush();
        if (name === 'pre') pre += 1;
        if (name === 'article' || name === 'main') content += 1;
        if (HEADING.test(name)) headings.push(name);
      },
      ontext(text) {
        if (skip > 0) return;
        if (inTitle > 0) {
          if (sourceTitle === '') title.add(text);
          return;
        }
        if (pre === 0) {
          line.add(text);
          return;
        }
        const lines = text.split(/\r\n|\r|\n/);
        lines.forEach((piece, i) => {
          if (i > 0) flush();
          line.addRaw(piece);
        });
      },
      onclosetag(rawName) {
        depth -= 1;
        if (skip > 0) {
          skip -= 1;
          return;
        }
        const name = rawName.toLowerCase();
        if (name === 'title') {
          inTitle -= 1;
          if (sourceTitle === '') sourceTitle = title.take();
          return;
        }
        if (name === 'td' || name === 'th') {
          flush();
          collector.closeCell();
          return;
        }
        if (name === 'tr') {
          flush();
          collector.closeRow();
          return;
        }
        if (BLOCKS.has(name)) flush();
        if (name === 'pre') pre -= 1;
        if (name === 'article' || name === 'main') content -= 1;
        if (HEADING.test(name)) headings.pop();
      },
    },
    { decodeEntities: true, ...(options.xhtml ? { recognizeSelfClosing: true, recognizeCDATA: true } : {}) },
  );
  parser.write(html);
  parser.end();
  flush();
  return { paragraphs: collector.paragraphs, sourceTitle, h1s, firstHeading };
}

/** The article title of a page, by the rule in this file's header ('' leaves the first paragraph). */
function pageTitle(found: HtmlText): string {
  const { sourceTitle, h1s } = found;
  const headline = h1s.find((h1) => sourceTitle.includes(h1) && h1.length * 2 >= sourceTitle.length);
  return headline ?? (sourceTitle || h1s[0] || '');
}

/** WHATWG labels that matter here, mapped to what iconv-lite decodes (GBK's labels to its superset). */
const CHARSET_ALIASES: Record<string, string> = {
  gb2312: 'GB18030', gbk: 'GB18030', 'x-gbk': 'GB18030', gb18030: 'GB18030', chinese: 'GB18030',
  csgb2312: 'GB18030', 'iso-ir-58': 'GB18030', gb_2312: 'GB18030', 'gb_2312-80': 'GB18030',
  big5: 'Big5', 'big5-hkscs': 'Big5', 'cn-big5': 'Big5', 'x-x-big5': 'Big5', csbig5: 'Big5',
  // A page cannot declare UTF-16 in its own bytes; the HTML standard reads such a declaration as UTF-8.
  'utf-8': 'UTF-8', utf8: 'UTF-8', 'unicode-1-1-utf-8': 'UTF-8', 'utf-16': 'UTF-8', 'utf-16le': 'UTF-8',
  'utf-16be': 'UTF-8', 'iso-8859-1': 'windows-1252', latin1: 'windows-1252', 'us-ascii': 'windows-1252',
  ascii: 'windows-1252', 'windows-1252': 'windows-1252',
};

/**
 * Names iconv-lite knows that are no page's charset: its byte-to-text converters (base64, hex, binary),
 * which would store the page's bytes spelled out, and the UTF-16/32/7 forms a page cannot declare in its
 * own bytes (the common UTF-16 labels are read as UTF-8 above, as the HTML standard says).
 */
const NOT_A_PAGE_CHARSET = /^(?:base64(?:url)?|hex|binary|ucs-?2|utf-?16(?:le|be)?|utf-?32(?:le|be)?|utf-?7(?:-imap)?|cesu-?8)$/;

/** The charset a page declares in its first 4 kB, as an encoding iconv-lite knows, and the label as written. */
export function declaredCharset(bytes: Uint8Array): { label: string; encoding: string | undefined } | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096))
    .toString('latin1')
    .replace(/<!--[\s\S]*?(-->|$)/g, '');
  const match =
    /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([\w.:-]+)/i.exec(head) ??
    /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  if (!match?.[1]) return undefined;
  const label = match[1];
  const lower = label.toLowerCase();
  const encoding = CHARSET_ALIASES[lower] ?? (iconv.encodingExists(lower) && !NOT_A_PAGE_CHARSET.test(lower) ? lower : undefined);
  return { label, encoding };
}

/** Decodes a page by the encoding rule in this file's header. */
export function decodeHtml(bytes: Uint8Array): DecodedText & { declared?: string } {
  // Empty, oversized, BOM-marked and NUL-holding files are decodeText's to judge (and to refuse).
  const plain = bytes.length === 0 || bytes.length > MAX_IMPORT_BYTES || bytes.includes(0) || hasBom(bytes);
  const declared = plain ? undefined : declaredCharset(bytes);
  if (declared?.encoding && declared.encoding !== 'UTF-8' && !isUtf8(bytes)) {
    const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), declared.encoding, { stripBOM: false });
    if (!text.includes('\ufffd')) return { text, encoding: declared.encoding, declared: declared.label };
  }
  const decoded = decodeText(bytes);
  return declared ? { ...decoded, declared: declared.label } : decoded;
}

function hasBom(bytes: Uint8Array): boolean {
  const [a, b, c] = bytes;
  return (a === 0xef && b === 0xbb && c === 0xbf) || (a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff);
}

/** HTML pages: one document per file, its readable text in paragraphs. */
export const htmlImporter: Importer = {
  format: 'html',
  extensions: ['.html', '.htm', '.xhtml'],
  parse(file) {
    const decoded = decodeHtml(file.data);
    const fileName = path.basename(file.name);
    const found = htmlText(decoded.text, { xhtml: path.extname(file.name).toLowerCase() === '.xhtml' });
    const title = pageTitle(found);
    const article = parsePlainText(found.paragraphs.join('\n'), fileName, decoded.encoding, title ? { title } : undefined);
    const meta = {
      ...article.meta,
      format: 'html',
      ...(found.sourceTitle ? { sourceTitle: found.sourceTitle } : {}),
      ...(decoded.declared ? { declaredCharset: decoded.declared } : {}),
    };
    return {
      format: 'html',
      encoding: decoded.encoding,
      documents: [{ title: article.title, text: article.text, meta, spans: [], links: [] }],
    };
  },
};
