/**
 * JSON Lines with a `text` field: Loupe's own JSONL (and its JSON export), and doccano's sequence
 * labelling JSONL. Offsets are converted to code points from the unit the file states (Loupe's
 * `offset_unit`) or the format's own (doccano: code points, as Python counts).
 */
import { OffsetIndex } from '../../../shared/offsets';
import { plainSchemaOf } from '../../../shared/schema';
import { DOCUMENT_STATUSES, OFFSET_UNITS } from '../../../shared/types';
import type { AttrValue, DocumentStatus, Fragment, Link, OffsetUnit, SpanInput } from '../../../shared/types';
import { decodeText } from '../decode';
import { ImportError, type ImportInput, type Importer, type ParsedDocument, type ParsedFile } from './types';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An id as the file gives it (a string or a number), or undefined for anything else (null, an object…). */
export const idOf = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
const isAttrValue = (v: unknown): v is AttrValue =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/**
 * Deeper nesting of lists and objects than any export has. JSON.parse copes with more, but what an
 * import keeps (metadata, Label Studio's task data) is written back with JSON.stringify, which recurses
 * and overflows the stack some thousands of levels down.
 */
export const MAX_JSON_NESTING = 1000;

/** Refuses JSON text nested deeper than MAX_JSON_NESTING; a scan of brackets outside strings, no parsing. */
export function checkJsonNesting(text: string, what: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_NESTING) throw new ImportError(`${what} is nested too deeply (more than ${MAX_JSON_NESTING} levels of lists and objects)`);
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
}

/** Parses each non-blank line as JSON; `where` names the line in errors. */
export function jsonLines(text: string): { value: unknown; line: number }[] {
  const out: { value: unknown; line: number }[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    checkJsonNesting(raw, `line ${i + 1}`);
    try {
      out.push({ value: JSON.parse(raw), line: i + 1 });
    } catch (error) {
      throw new ImportError(`line ${i + 1} is not valid JSON (${(error as Error).message})`);
    }
  });
  if (out.length === 0) throw new ImportError('the file holds no JSON lines');
  return out;
}

/** Reads the text of a JSON file: UTF-8 (with or without BOM) or UTF-16 with a BOM. */
export function jsonText(file: ImportInput): { text: string; encoding: string } {
  const decoded = decodeText(file.data);
  return { text: decoded.text.replace(/^\ufeff/, ''), encoding: decoded.encoding };
}

/** A span's offsets, converted from `unit` to code points and checked against the text. */
export function toCodePoints(
  index: OffsetIndex,
  where: string,
  start: unknown,
  end: unknown,
  unit: OffsetUnit,
): [number, number] {
  if (!Number.isInteger(start) || !Number.isInteger(end)) throw new ImportError(`${where}: start and end must be whole numbers`);
  if ((end as number) <= (start as number)) throw new ImportError(`${where}: it ends (${String(end)}) before it starts (${String(start)})`);
  try {
    return [index.toCodePoint(start as number, unit), index.toCodePoint(end as number, unit)];
  } catch (error) {
    throw new ImportError(`${where}: ${String(start)}–${String(end)} does not fit the text (${index.lengthIn(unit)} ${unit} units): ${(error as Error).message}`);
  }
}

/** One document of Loupe's JSON/JSONL export. */
function loupeDocument(raw: unknown, where: string, fileName: string, fallbackUnit: OffsetUnit): ParsedDocument {
  if (!isObject(raw) || typeof raw.text !== 'string') throw new ImportError(`${where}: a document needs a "text" string`);
  const text = raw.text;
  const unit = raw.offset_unit === undefined ? fallbackUnit : raw.offset_unit;
  if (!OFFSET_UNITS.includes(unit as OffsetUnit)) {
    const given = typeof unit === 'string' ? `, not ${JSON.stringify(unit)}` : '';
    throw new ImportError(`${where}: "offset_unit" must be one of ${OFFSET_UNITS.map((u) => JSON.stringify(u)).join(', ')}${given}`);
  }
  const index = new OffsetIndex(text);
  for (const key of ['spans', 'links'] as const) {
    if (raw[key] !== undefined && !Array.isArray(raw[key])) throw new ImportError(`${where}: "${key}" must be a list`);
  }
  const spans: SpanInput[] = (Array.isArray(raw.spans) ? raw.spans : []).map((s: unknown, i: number) => {
    const at = `${where}, span ${i + 1}`;
    if (!isObject(s) || typeof s.label !== 'string' || s.label === '') throw new ImportError(`${at}: a span needs a "label"`);
    const [start, end] = toCodePoints(index, at, s.start, s.end, unit as OffsetUnit);
    // The exported text is the check that the offsets were read in the right unit.
    if (typeof s.text === 'string' && index.slice(start, end) !== s.text) {
      throw new ImportError(
        `${at}: its offsets ${String(s.start)}–${String(s.end)} (${String(unit)}) give “${index.slice(start, end)}”, not its text “${s.text}”`,
      );
    }
    let fragments: Fragment[] | undefined;
    if (Array.isArray(s.fragments) && s.fragments.length > 1) {
      fragments = s.fragments.map((f: unknown, k: number) => {
        if (!Array.isArray(f) || f.length !== 2) throw new ImportError(`${at}: fragment ${k + 1} is not a [start, end] pair`);
        return toCodePoints(index, `${at}, fragment ${k + 1}`, f[0], f[1], unit as OffsetUnit);
      });
      const [first, last] = [fragments[0]!, fragments[fragments.length - 1]!];
      if (first[0] !== start || last[1] !== end || fragments.some(([a], k) => k > 0 && a <= fragments![k - 1]![1])) {
        throw new ImportError(`${at}: its fragments must be in order, apart (not touching or overlapping), and run from its start to its end`);
      }
    }
    const attrs: Record<string, AttrValue> = {};
    if (isObject(s.attrs)) for (const [k, v] of Object.entries(s.attrs)) if (isAttrValue(v)) attrs[k] = v;
    return {
      id: typeof s.id === 'string' && s.id ? s.id : `span-${i + 1}`,
      label: s.label,
      start,
      end,
      ...(fragments ? { fragments } : {}),
      attrs,
      note: typeof s.note === 'string' ? s.note : '',
    };
  });
  const links: Link[] = (Array.isArray(raw.links) ? raw.links : []).map((l: unknown, i: number) => {
    if (!isObject(l) || typeof l.type !== 'string' || typeof l.from !== 'string' || typeof l.to !== 'string')
      throw new ImportError(`${where}, link ${i + 1}: a link needs "type", "from" and "to"`);
    return { id: typeof l.id === 'string' && l.id ? l.id : `link-${i + 1}`, type: l.type, from: l.from, to: l.to };
  });
  const status = DOCUMENT_STATUSES.includes(raw.status as DocumentStatus) ? (raw.status as DocumentStatus) : undefined;
  return {
    title: typeof raw.title === 'string' && raw.title.trim() ? raw.title : firstLine(text, fileName),
    text,
    meta: { ...(isObject(raw.meta) ? raw.meta : {}), fileName },
    ...(status ? { status } : {}),
    ...(typeof raw.note === 'string' ? { note: raw.note } : {}),
    spans,
    links,
  };
}

/** A title for a document without one: its first line, or the file name. */
export function firstLine(text: string, fileName: string): string {
  const line = text.split('\n').find((l) => l.trim())?.trim() ?? '';
  return (line.length > 80 ? `${line.slice(0, 80)}…` : line) || fileName;
}

/** Loupe's JSONL export, or its JSON export (one object with "documents"). */
export const loupeImporter: Importer = {
  format: 'loupe-jsonl',
  extensions: ['.jsonl'],
  parse(file) {
    const { text, encoding } = jsonText(file);
    if (text.trimStart().startsWith('{')) {
      // Possibly the JSON export: one object (over many lines) with the schema and a "documents" list.
      let whole: unknown;
      try {
        whole = JSON.parse(text);
      } catch {
        whole = undefined; // JSON Lines, or broken: read line by line, which says where
      }
      if (isObject(whole) && Array.isArray(whole.documents)) {
        checkJsonNesting(text, 'the file');
        return loupeJson(whole, file.name, encoding);
      }
    }
    const documents = jsonLines(text).map(({ value, line }) => loupeDocument(value, `line ${line}`, file.name, 'codepoint'));
    return { format: 'loupe-jsonl', encoding, documents };
  },
};

function loupeJson(whole: Record<string, unknown>, fileName: string, encoding: string): ParsedFile {
  const unit = (whole.offset_unit ?? 'codepoint') as OffsetUnit;
  const documents = (whole.documents as unknown[]).map((d, i) => loupeDocument(d, `document ${i + 1}`, fileName, unit));
  // The export's schema, reduced to known fields of the right types (checked again when it is applied).
  let schema;
  try {
    schema = plainSchemaOf(whole.labels, whole.link_types);
  } catch (error) {
    throw new ImportError(`the file's schema: ${(error as Error).message}`);
  }
  return { format: 'loupe-jsonl', encoding, documents, schema };
}

/**
 * doccano's JSONL: `{"text", "label": [[start, end, "LABEL"], …]}` (older exports), or
 * `{"text", "entities": [{"id", "label", "start_offset", "end_offset"}], "relations": [{"id",
 * "from_id", "to_id", "type"}]}` (newer ones). Offsets are code points. Other fields go to metadata;
 * document-level labels (a list of strings) are kept there as `categories`.
 */
export const doccanoImporter: Importer = {
  format: 'doccano',
  extensions: ['.jsonl'],
  parse(file) {
    const { text: content, encoding } = jsonText(file);
    const documents = jsonLines(content).map(({ value, line }): ParsedDocument => {
      const where = `line ${line}`;
      if (!isObject(value) || typeof value.text !== 'string') throw new ImportError(`${where}: a doccano line needs a "text" string`);
      const text = value.text;
      const index = new OffsetIndex(text);
      const spans: SpanInput[] = [];
      const links: Link[] = [];
      const meta: Record<string, unknown> = { fileName: file.name };
      for (const key of ['entities', 'relations'] as const) {
        if (value[key] !== undefined && !Array.isArray(value[key])) throw new ImportError(`${where}: "${key}" must be a list`);
      }
      const labelField = value.label ?? value.labels;
      if (typeof labelField === 'string') meta.categories = [labelField]; // a text-classification label
      else if (labelField !== undefined && !Array.isArray(labelField)) throw new ImportError(`${where}: "label" must be a list`);
      const triples = Array.isArray(labelField) ? labelField : [];
      triples.forEach((t: unknown, i: number) => {
        if (typeof t === 'string') {
          meta.categories = [...((meta.categories as string[] | undefined) ?? []), t];
          return;
        }
        const at = `${where}, label ${i + 1}`;
        if (!Array.isArray(t) || t.length < 3 || typeof t[2] !== 'string') throw new ImportError(`${at}: expected [start, end, "LABEL"]`);
        const [start, end] = toCodePoints(index, at, t[0], t[1], 'codepoint');
        spans.push({ id: `d${i + 1}`, label: t[2], start, end, attrs: {}, note: '' });
      });
      (Array.isArray(value.entities) ? value.entities : []).forEach((e: unknown, i: number) => {
        const at = `${where}, entity ${i + 1}`;
        if (!isObject(e) || typeof e.label !== 'string') throw new ImportError(`${at}: an entity needs a "label"`);
        const [start, end] = toCodePoints(index, at, e.start_offset, e.end_offset, 'codepoint');
        spans.push({ id: idOf(e.id) ?? `e${i + 1}`, label: e.label, start, end, attrs: {}, note: '' });
      });
      (Array.isArray(value.relations) ? value.relations : []).forEach((r: unknown, i: number) => {
        const at = `${where}, relation ${i + 1}`;
        const from = isObject(r) ? idOf(r.from_id) : undefined;
        const to = isObject(r) ? idOf(r.to_id) : undefined;
        if (!isObject(r) || typeof r.type !== 'string' || from === undefined || to === undefined)
          throw new ImportError(`${at}: a relation needs "from_id", "to_id" (entity ids) and "type"`);
        links.push({ id: idOf(r.id) ?? `r${i + 1}`, type: r.type, from, to });
      });
      // Spread, not assignment: a field named "__proto__" is kept as data instead of becoming meta's prototype.
      const rest = Object.fromEntries(Object.entries(value).filter(([k]) => !['text', 'label', 'labels', 'entities', 'relations'].includes(k)));
      return { title: firstLine(text, file.name), text, meta: { ...meta, ...rest }, spans, links };
    });
    return { format: 'doccano', encoding, documents };
  },
};

/** Whether a JSONL line looks like doccano's rather than Loupe's. */
export function looksLikeDoccano(firstLineValue: unknown): boolean {
  return isObject(firstLineValue) && ('label' in firstLineValue || 'labels' in firstLineValue || 'entities' in firstLineValue) && !('spans' in firstLineValue);
}
