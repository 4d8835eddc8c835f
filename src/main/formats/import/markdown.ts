/**
 * Markdown import: marked (GFM) lexes and renders the file to HTML, and html.ts's walk reads that, so
 * Markdown and HTML share one set of paragraph rules: headings, paragraphs, list items, block-quoted
 * paragraphs each a paragraph; a table row a paragraph with its cells joined by a tab; a code block kept,
 * one paragraph per non-blank line (news rarely has code, and dropping text silently is worse); inline
 * markup removed with its text kept (emphasis, code spans, link text); images dropped together with their alt text;
 * inline HTML read as HTML (tags stripped, scripts dropped); soft line breaks between Chinese characters
 * vanish instead of becoming spaces. A leading YAML front-matter block (--- … ---) is metadata, not
 * text, and is skipped. Title: the first heading, else the first paragraph.
 */
import path from 'node:path';
import { Marked } from 'marked';
import { decodeText } from '../decode';
import { parsePlainText } from '../plainText';
import { htmlText } from './html';
import { ImportError, type Importer } from './types';

// A private instance: options set elsewhere on the global `marked` must not change how files import.
const markdown = new Marked({ gfm: true, breaks: false, pedantic: false });

const FRONT_MATTER = /^---[ \t]*\r?\n(?:[\s\S]*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** Deeper list or block-quote nesting than any article has; such input is refused before rendering. */
export const MAX_MARKDOWN_NESTING = 100;

/** The deepest list or quote nesting a line suggests: its indentation in steps of two, or its run of `>`. */
function nestingDepth(source: string): number {
  let deepest = 0;
  for (const line of source.split('\n')) {
    const indent = /^[ \t]*/.exec(line)![0].replace(/\t/g, '    ').length;
    const quotes = /^(?:[ \t]*>)*/.exec(line)![0].split('>').length - 1;
    deepest = Math.max(deepest, Math.floor(indent / 2), quotes);
  }
  return deepest;
}

/** Renders Markdown source to HTML; refuses (instead of overflowing the stack) absurdly nested input. */
export function markdownToHtml(source: string): string {
  // Deep list or quote nesting makes marked's work grow so fast that memory runs out before the stack
  // does; no article nests 100 levels, so such a file is refused before it is rendered.
  if (nestingDepth(source) > MAX_MARKDOWN_NESTING) throw new ImportError(`the Markdown is nested too deeply to read (more than ${MAX_MARKDOWN_NESTING} levels)`);
  try {
    return markdown.parse(source.replace(/^\ufeff/, '').replace(FRONT_MATTER, ''), { async: false });
  } catch (error) {
    // marked lexes and renders recursively: thousands of nested quotes or list levels exhaust the stack.
    if (error instanceof RangeError && /call stack/i.test(error.message)) throw new ImportError('the Markdown is nested too deeply to read');
    throw error;
  }
}

/** Markdown files: one document per file. */
export const markdownImporter: Importer = {
  format: 'markdown',
  extensions: ['.md', '.markdown'],
  parse(file) {
    const decoded = decodeText(file.data);
    const found = htmlText(markdownToHtml(decoded.text));
    const options = found.firstHeading ? { title: found.firstHeading } : undefined;
    const article = parsePlainText(found.paragraphs.join('\n'), path.basename(file.name), decoded.encoding, options);
    return {
      format: 'markdown',
      encoding: decoded.encoding,
      documents: [{ title: article.title, text: article.text, meta: { ...article.meta, format: 'markdown' }, spans: [], links: [] }],
    };
  },
};
