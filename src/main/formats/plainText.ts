/**
 * Turns a decoded plain-text file into a Loupe article: one paragraph per non-blank line, paragraphs
 * joined by "\n", the first line as title unless one is given.
 */
import { DecodeError } from './decode';

/** An article ready to be stored: its title, its text (paragraphs joined by "\n") and its metadata. */
export interface ParsedArticle {
  title: string;
  text: string;
  meta: { fileName: string; encoding: string; [k: string]: unknown };
}

/** Splits decoded text into paragraphs and picks the title; throws DecodeError when there is no text. */
export function parsePlainText(
  raw: string,
  fileName: string,
  encoding: string,
  options?: { title?: string },
): ParsedArticle {
  // No Unicode normalisation (NFC) here or anywhere on import: it would compose e + U+0301 into é and
  // shift every later offset, so spans would no longer line up with the source file or with other tools
  // that read it. Only line layout is touched.
  const paragraphs = raw
    .replace(/^\ufeff/, '')
    .split(/\r\n|\r|\n/)
    // Indents (ASCII or full-width U+3000) and trailing blanks are page layout, not article text.
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const first = paragraphs[0];
  if (first === undefined) throw new DecodeError('the file has no text', { key: 'error.noText' });

  const title = options?.title?.trim() || first;
  return { title, text: paragraphs.join('\n'), meta: { fileName, encoding } };
}
