/**
 * Word (.docx) import: the body text of word/document.xml, one Loupe paragraph per Word paragraph.
 *
 * Why not mammoth (the usual "maintained DOCX reader"; a devDependency, the tests check this reader
 * against it): its API is asynchronous, and
 * Importer.parse is synchronous because the batch stores each file inside one better-sqlite3
 * transaction. A .docx is a zip of XML parts, so two maintained libraries do the job synchronously:
 * fflate inflates (through zip.ts, which reads the zip directory first so that each entry's declared
 * size is seen before anything is inflated, and stops an entry that unpacks to more than it declared:
 * the zip-bomb guard) and htmlparser2 reads the XML in streaming mode, without recursion. Entry names are
 * only compared with the two part names; nothing is ever written to disk.
 *
 * Rules: w:t is text, w:tab a tab, w:noBreakHyphen U+2011; w:br and w:cr end the paragraph (Loupe
 * paragraphs are lines). Tables follow html.ts's rule (ParagraphCollector): a row is one paragraph of
 * tab-joined cells unless a cell holds several paragraphs. Text boxes are read (their paragraphs come
 * before the paragraph they are anchored in); markup-compatibility fallbacks (the VML copy of a text
 * box), tracked deletions and field instructions are not. Footnotes and endnotes are not imported; their
 * references are counted in meta.footnotes / meta.endnotes. Title: the first paragraph styled Title or
 * Heading n (resolved through word/styles.xml, so localised style ids such as "1" work), else the first
 * paragraph.
 */
import path from 'node:path';
import { Parser } from 'htmlparser2';
import { MAX_IMPORT_BYTES, MAX_IMPORT_MB } from '../../../shared/limits';
import { parsePlainText } from '../plainText';
import { MAX_NESTING, ParagraphCollector } from './html';
import { ImportError, type ImportInput, type Importer, type ParsedFile } from './types';
import { readZip, ZipChecksumError, ZipError } from './zip';

/** Limits that refuse a zip bomb before it is inflated. */
export interface DocxLimits {
  /** The largest declared uncompressed size of a part that is read (word/document.xml, word/styles.xml). */
  maxPartBytes: number;
  /** The most entries an archive may have. */
  maxEntries: number;
  /**
   * The most a part over RATIO_GRACE_BYTES may unpack to per byte it is packed in; absent, no limit.
   * Apache POI refuses Office parts past 100:1 too: XML compresses about 10:1, while a bomb of
   * repeated bytes reaches 1000:1, and parsing what it unpacks to takes seconds even within maxPartBytes.
   */
  maxRatio?: number;
}

export const DOCX_LIMITS: Readonly<DocxLimits> = { maxPartBytes: 200 * 1024 * 1024, maxEntries: 10_000, maxRatio: 100 };

/** Parts up to this size are not held to maxRatio (a short, repetitive part may compress very well). */
const RATIO_GRACE_BYTES = 1024 * 1024;

const NOT_DOCX = 'not a Word document (.docx)';
const DOCUMENT = 'word/document.xml';
const STYLES = 'word/styles.xml';
const WORD_NAMESPACES = new Set([
  'http://schemas.openxmlformats.org/wordprocessingml/2006/main',
  'http://purl.oclc.org/ooxml/wordprocessingml/main',
]);
/** Elements read past with their content: tracked deletions and moves, and a paragraph's former properties. */
const SKIPPED = new Set(['del', 'moveFrom', 'pPrChange']);
/** Compound File Binary, the container of .doc files and of password-protected .docx files. */
const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const mb = (bytes: number): string => `${Math.round((bytes / (1024 * 1024)) * 10) / 10}`;
const sized = (bytes: number): string => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} kB` : `${mb(bytes)} MB`);

/** Unzips the parts Loupe reads, refusing archives over `limits` before inflating anything. */
function readParts(data: Uint8Array, limits: DocxLimits): { document: Uint8Array; styles?: Uint8Array } {
  if (data.length === 0) throw new ImportError('the file is empty', { key: 'error.fileEmpty' });
  if (data.length > MAX_IMPORT_BYTES) {
    throw new ImportError(`the file is larger than the ${MAX_IMPORT_MB} MB import limit`, {
      key: 'error.fileTooLarge',
      params: { limit: MAX_IMPORT_MB },
    });
  }
  if (CFB_MAGIC.every((b, i) => data[i] === b)) {
    throw new ImportError(`${NOT_DOCX}: it is an older Word 97–2003 .doc file or a password-protected one; save it as .docx and import that`);
  }
  let entries = 0;
  const parts = new Set<string>();
  let files: Map<string, Uint8Array>;
  try {
    files = readZip(data, (entry) => {
      entries += 1;
      if (entries > limits.maxEntries) {
        throw new ImportError(`refused: the archive has more than ${limits.maxEntries} entries, far more than a Word document (a zip bomb?)`);
      }
      const name = entry.name.toLowerCase(); // part names in a package are case-insensitive
      if (name !== DOCUMENT && name !== STYLES) return false;
      // Entries may share compressed data: a part listed again could make the same bomb count twice.
      if (parts.has(name)) throw new ImportError(`${NOT_DOCX}: the archive lists ${entry.name} twice`);
      parts.add(name);
      if (entry.size > limits.maxPartBytes) {
        throw new ImportError(
          `refused: ${entry.name} would unpack to ${mb(entry.size)} MB, over the ${mb(limits.maxPartBytes)} MB limit (a zip bomb?)`,
        );
      }
      if (limits.maxRatio !== undefined && entry.size > RATIO_GRACE_BYTES && entry.size > limits.maxRatio * entry.compressedSize) {
        throw new ImportError(
          `refused: ${entry.name} would unpack to ${sized(entry.size)} from ${sized(entry.compressedSize)}, more than ${limits.maxRatio} times its packed size (a zip bomb?)`,
        );
      }
      return true;
    });
  } catch (error) {
    if (error instanceof ImportError) throw error;
    // A damaged Word document is still one: "not a Word document" would send the user the wrong way.
    if (error instanceof ZipChecksumError) throw new ImportError(error.message);
    if (error instanceof ZipError) throw new ImportError(`${NOT_DOCX}: ${error.message}`);
    throw error;
  }
  let document: Uint8Array | undefined;
  let styles: Uint8Array | undefined;
  for (const [name, bytes] of files) {
    if (name.toLowerCase() === DOCUMENT) document = bytes;
    else styles = bytes;
  }
  if (!document) throw new ImportError(`${NOT_DOCX}: the archive has no ${DOCUMENT}`);
  return styles ? { document, styles } : { document };
}

/** Refuses XML nested deeper than any Word document (the parser's work grows with the square of the depth). */
const tooDeep = (part: string): ImportError =>
  new ImportError(`${NOT_DOCX}: ${part} is nested too deeply to read (more than ${MAX_NESTING} elements inside one another)`);

/** An XML part's text: UTF-16 when it starts with a BOM, else UTF-8 (what Word writes). */
function xmlText(bytes: Uint8Array, part: string): string {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true }).decode(bytes);
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true }).decode(bytes);
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ImportError(`${NOT_DOCX}: ${part} is not valid UTF-8 or UTF-16`);
  }
}

/** The prefix (with its colon) the root element binds to WordprocessingML; "w:" by convention. */
function wordPrefix(attribs: Record<string, string>): string {
  for (const [name, value] of Object.entries(attribs)) {
    if (!WORD_NAMESPACES.has(value)) continue;
    if (name === 'xmlns') return '';
    if (name.startsWith('xmlns:')) return `${name.slice('xmlns:'.length)}:`;
  }
  return 'w:';
}

/** The local name of a WordprocessingML element, or '' for any other namespace. */
function localName(name: string, prefix: string): string {
  if (prefix === '') return name.includes(':') ? '' : name;
  return name.startsWith(prefix) ? name.slice(prefix.length) : '';
}

interface StyleDef {
  name: string;
  basedOn: string;
  outline: boolean;
}

/** Paragraph styles by id, from word/styles.xml. */
function readStyles(xml: string): Map<string, StyleDef> {
  const styles = new Map<string, StyleDef>();
  let prefix: string | undefined;
  let current: (StyleDef & { id: string }) | undefined;
  let depth = 0;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (++depth > MAX_NESTING) throw tooDeep(STYLES);
        prefix ??= wordPrefix(attribs);
        const val = attribs[`${prefix}val`] ?? '';
        switch (localName(name, prefix)) {
          case 'style':
            current = attribs[`${prefix}type`] === 'paragraph'
              ? { id: attribs[`${prefix}styleId`] ?? '', name: '', basedOn: '', outline: false }
              : undefined;
            break;
          case 'name':
            if (current) current.name = val;
            break;
          case 'basedOn':
            if (current) current.basedOn = val;
            break;
          case 'outlineLvl':
            if (current) current.outline = Number(val) < 9;
            break;
        }
      },
      onclosetag(name) {
        depth -= 1;
        if (prefix !== undefined && localName(name, prefix) === 'style' && current) {
          styles.set(current.id, current);
          current = undefined;
        }
      },
    },
    { xmlMode: true },
  );
  parser.write(xml);
  parser.end();
  return styles;
}

const HEADING_NAME = /^(title|heading\s*[1-9])$/i;

/** Whether a paragraph style is a title or heading (by its name, outline level or the style it is based on). */
function isHeadingStyle(styles: Map<string, StyleDef>, id: string): boolean {
  let current = id;
  for (let hops = 0; hops < 20 && current !== ''; hops++) {
    const style = styles.get(current);
    // Without styles.xml, Word's English style ids (Title, Heading1) still name themselves.
    if (!style) return HEADING_NAME.test(current);
    if (HEADING_NAME.test(style.name) || style.outline) return true;
    current = style.basedOn;
  }
  return false;
}

interface Paragraph {
  text: string;
  style: string;
  outline: boolean;
}

/** The body of word/document.xml: its paragraphs, title and note counts. */
function readDocument(xml: string, styles: Map<string, StyleDef>) {
  const collector = new ParagraphCollector();
  const open: Paragraph[] = []; // a text box's paragraphs sit inside a run of their anchor's
  let prefix: string | undefined;
  let skip = 0;
  let runs = 0;
  let texts = 0;
  let title = '';
  let footnotes = 0;
  let endnotes = 0;
  let depth = 0;

  const emit = (paragraph: Paragraph): void => {
    const text = paragraph.text;
    paragraph.text = '';
    if (collector.add(text) && title === '' && (paragraph.outline || isHeadingStyle(styles, paragraph.style))) {
      title = text.trim();
    }
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (++depth > MAX_NESTING) throw tooDeep(DOCUMENT);
        prefix ??= wordPrefix(attribs);
        if (skip > 0 || name.endsWith(':Fallback') || SKIPPED.has(localName(name, prefix))) {
          skip += 1;
          return;
        }
        const paragraph = open[open.length - 1];
        switch (localName(name, prefix)) {
          case 'p':
            open.push({ text: '', style: '', outline: false });
            break;
          case 'pStyle':
            if (paragraph) paragraph.style = attribs[`${prefix}val`] ?? '';
            break;
          case 'outlineLvl':
            if (paragraph && runs === 0) paragraph.outline = Number(attribs[`${prefix}val`]) < 9;
            break;
          case 'r':
            runs += 1;
            break;
          case 't':
            texts += 1;
            break;
          case 'tab': // outside a run, w:tab is a tab stop in the paragraph's properties
            if (paragraph && runs > 0) paragraph.text += '\t';
            break;
          case 'noBreakHyphen':
            if (paragraph && runs > 0) paragraph.text += '\u2011';
            break;
          case 'br':
          case 'cr':
            if (paragraph && runs > 0) emit(paragraph);
            break;
          case 'footnoteReference':
            footnotes += 1;
            break;
          case 'endnoteReference':
            endnotes += 1;
            break;
          case 'tr':
            collector.openRow();
            break;
          case 'tc':
            collector.openCell();
            break;
        }
      },
      ontext(data) {
        const paragraph = open[open.length - 1];
        if (skip === 0 && texts > 0 && paragraph) paragraph.text += data;
      },
      onclosetag(name) {
        depth -= 1;
        if (skip > 0) {
          skip -= 1;
          return;
        }
        switch (localName(name, prefix ?? 'w:')) {
          case 'p': {
            const paragraph = open.pop();
            if (paragraph) emit(paragraph);
            break;
          }
          case 'r':
            runs -= 1;
            break;
          case 't':
            texts -= 1;
            break;
          case 'tr':
            collector.closeRow();
            break;
          case 'tc':
            collector.closeCell();
            break;
        }
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
  return { paragraphs: collector.paragraphs, title, footnotes, endnotes };
}

/** Reads a .docx file; `limits` exist for tests (the importer uses DOCX_LIMITS). */
export function parseDocx(file: ImportInput, limits: DocxLimits = DOCX_LIMITS): ParsedFile {
  const parts = readParts(file.data, limits);
  const styles = parts.styles ? readStyles(xmlText(parts.styles, STYLES)) : new Map<string, StyleDef>();
  const body = readDocument(xmlText(parts.document, DOCUMENT), styles);
  const encoding = 'UTF-8';
  const article = parsePlainText(body.paragraphs.join('\n'), path.basename(file.name), encoding, body.title ? { title: body.title } : undefined);
  const meta = {
    ...article.meta,
    format: 'docx',
    ...(body.footnotes > 0 ? { footnotes: body.footnotes } : {}),
    ...(body.endnotes > 0 ? { endnotes: body.endnotes } : {}),
  };
  return {
    format: 'docx',
    encoding,
    documents: [{ title: article.title, text: article.text, meta, spans: [], links: [] }],
  };
}

/** Word documents (.docx): one document per file. */
export const docxImporter: Importer = {
  format: 'docx',
  extensions: ['.docx'],
  parse: (file) => parseDocx(file),
};
