/**
 * JSON Lines with a `text` field: Loupe's own JSONL (and its JSON export), and doccano's sequence
 * labelling JSONL. Offsets are converted to code points from the unit the file states (Loupe's
 * `offset_unit`) or the format's own (doccano: code points, as Python counts).
 */
import { isObject } from '../../../shared/json';
import { codePointLength, OffsetIndex, shortened } from '../../../shared/offsets';
import { plainSchemaOf } from '../../../shared/schema';
import { DOCUMENT_STATUSES, OFFSET_UNITS } from '../../../shared/types';
import type { AttrValue, DocumentStatus, Fragment, ImportFields, Link, OffsetUnit, SpanInput } from '../../../shared/types';
import { decodeText } from '../decode';
import { ImportError, type ImportInput, type Importer, type ParsedDocument, type ParsedFile } from './types';

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
  const annotators: Record<string, string> = {};
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
    const id = typeof s.id === 'string' && s.id ? s.id : `span-${i + 1}`;
    if (typeof s.annotator === 'string' && s.annotator.trim()) annotators[id] = s.annotator.trim();
    return {
      id,
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
    ...(Object.keys(annotators).length ? { annotators } : {}),
    ...(typeof raw.id === 'number' && Number.isSafeInteger(raw.id) && raw.id > 0 ? { loupeId: raw.id } : {}),
  };
}

/** A title for a document without one: its first line, or the file name. */
export function firstLine(text: string, fileName: string): string {
  const line = text.split('\n').find((l) => l.trim())?.trim() ?? '';
  return shortened(line, 80) || fileName;
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

/** A span as doccano writes one: `[start, end, "LABEL"]`, or `{"start_offset", "end_offset", "label"}`. */
function isDoccanoSpan(v: unknown): boolean {
  if (Array.isArray(v)) return v.length >= 3 && Number.isInteger(v[0]) && Number.isInteger(v[1]) && typeof v[2] === 'string';
  return isObject(v) && Number.isInteger(v.start_offset) && Number.isInteger(v.end_offset) && typeof v.label === 'string';
}

const isSpanList = (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0 && v.every(isDoccanoSpan);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');

/** Field names doccano itself uses for a document's annotations, read whatever fields were chosen. */
const KNOWN_LABEL_FIELDS = ['label', 'labels'];
/** Intent detection and relation extraction: spans (with ids), their relations, and the intents. */
const ENTITY_FIELDS = ['entities', 'relations', 'cats'];

/** `"a" and "b" both`, `"a", "b" and "c" all`: field names for messages. */
const quoted = (names: readonly string[]): string => {
  const q = names.map((n) => JSON.stringify(n));
  return q.length <= 2 ? `${q.join(' and ')} both` : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]} all`;
};

/** What a JSON value is, in words, for messages. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return typeof v === 'string' ? 'text' : `a ${typeof v}`;
}

const TEXT_HINT = '--text-field NAME (the import option fields.text)';
const LABEL_HINT = '--label-field NAME (the import option fields.label)';

/** The spans' ends in a line's annotation field, for telling which text field they fit. */
function spanEnds(value: unknown): number[] {
  return Array.isArray(value) ? value.filter(isDoccanoSpan).map((s) => (Array.isArray(s) ? (s[1] as number) : ((s as Record<string, unknown>).end_offset as number))) : [];
}

/** Where a doccano file's text and annotations are. */
export interface DoccanoFields {
  text: string;
  /** The annotation fields, in order: a line's annotations are in the first of them it has. */
  labels: string[];
}

/** The annotation field a line uses. */
const labelOf = (value: Record<string, unknown>, labels: readonly string[]): string | undefined => labels.find((k) => value[k] !== undefined);

/**
 * The fields of a doccano file holding the text and its annotations, decided once for the file as
 * doccano's import is told them (column_data, column_label): the ones named in `named`; else `text`
 * and `label`/`labels`; else the only string field (or the only one every span fits in) and the only
 * field of [start, end, "LABEL"] lists (else of strings: document labels). Throws an ImportError
 * saying which fields it found and how to name them when it cannot tell.
 */
export function doccanoFields(lines: readonly { value: Record<string, unknown>; line: number }[], named: ImportFields = {}): DoccanoFields {
  const keys = [...new Set(lines.flatMap(({ value }) => Object.keys(value)))];
  if (named.text !== undefined) {
    for (const { value, line } of lines) {
      if (typeof value[named.text] !== 'string') throw new ImportError(`line ${line}: no ${JSON.stringify(named.text)} text field (named as the text field)`);
    }
  }
  let label = named.label;
  let labels = label === undefined ? KNOWN_LABEL_FIELDS.filter((k) => keys.includes(k)) : [label];
  if (labels.length === 0) {
    const free = keys.filter((k) => k !== named.text && k !== 'text' && !ENTITY_FIELDS.includes(k));
    const holds = (test: (v: unknown) => boolean) =>
      free.filter((k) => lines.some(({ value }) => test(value[k])) && lines.every(({ value }) => value[k] === undefined || (Array.isArray(value[k]) && ((value[k] as unknown[]).length === 0 || test(value[k])))));
    const spanLists = holds(isSpanList);
    if (spanLists.length > 1) {
      throw new ImportError(`cannot tell which field holds the annotations: ${quoted(spanLists)} hold [start, end, "LABEL"] lists; name it with ${LABEL_HINT}`);
    }
    const categoryLists = spanLists.length === 0 ? holds(isStringList) : [];
    label = spanLists[0] ?? (categoryLists.length === 1 ? categoryLists[0] : undefined);
    labels = label === undefined ? [] : [label];
  }

  if (named.text !== undefined) return { text: named.text, labels };
  let candidates = keys.filter((k) => !labels.includes(k) && lines.every(({ value }) => typeof value[k] === 'string'));
  if (candidates.includes('text')) candidates = ['text'];
  if (candidates.length > 1) {
    // The spans of every line must fit in the text they point into.
    const fitting = candidates.filter((k) =>
      lines.every(({ value }) => {
        const length = codePointLength(value[k] as string);
        return [labelOf(value, labels), 'entities'].every((f) => f === undefined || spanEnds(value[f]).every((end) => end <= length));
      }),
    );
    if (fitting.length === 1) candidates = fitting;
    else {
      const which = fitting.length > 1 ? fitting : candidates;
      throw new ImportError(`cannot tell which field holds the text: ${quoted(which)} could; name it with ${TEXT_HINT}, and the annotations' field with --label-field NAME`);
    }
  }
  if (candidates.length === 0) {
    // The usual field, missing from some line: say where.
    const without = keys.includes('text') ? lines.find(({ value }) => typeof value.text !== 'string') : undefined;
    if (without) throw new ImportError(`line ${without.line}: a doccano line needs a "text" string, as the other lines have`);
    const first = lines[0]!;
    const found = Object.entries(first.value).map(([k, v]) => `${JSON.stringify(k)} (${kindOf(v)})`);
    const has = found.length ? `line ${first.line} has ${found.join(', ')}` : `line ${first.line} is an empty object`;
    throw new ImportError(`no field holds the text: ${has}; name the text field with ${TEXT_HINT}`);
  }
  return { text: candidates[0]!, labels };
}

/** One span of a doccano annotation list (a triple or a span object), checked against the text. */
function doccanoSpan(t: unknown, at: string, index: OffsetIndex, id: string): SpanInput {
  if (!isDoccanoSpan(t)) throw new ImportError(`${at}: expected [start, end, "LABEL"] or {"start_offset", "end_offset", "label"}`);
  const [start, end, label] = Array.isArray(t) ? [t[0], t[1], t[2] as string] : [(t as Record<string, unknown>).start_offset, (t as Record<string, unknown>).end_offset, (t as Record<string, unknown>).label as string];
  const [s, e] = toCodePoints(index, at, start, end, 'codepoint');
  const own = isObject(t) ? idOf(t.id) : undefined;
  return { id: own ?? id, label, start: s, end: e, attrs: {}, note: '' };
}

/**
 * doccano's JSONL, in any of its layouts: `{"text", "label": [[start, end, "LABEL"], …]}` (or the older
 * `labels`, or span objects `{"start_offset", "end_offset", "label"}`), with the text and annotation
 * fields under other names when they were chosen so at doccano's import (`{"data", "label"}` of doccano
 * 1.x, or any other: see doccanoFields); relation extraction's `{"text", "entities": [{"id", "label",
 * "start_offset", "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}]}`; intent detection's
 * `{"text", "entities": [[start, end, "LABEL"]], "cats": [...]}`. Offsets are code points. A list of
 * strings instead of spans (text classification, and seq2seq, which cannot be told from it) is kept in
 * the metadata as `categories`; other fields go to metadata as they are.
 */
export const doccanoImporter: Importer = {
  format: 'doccano',
  extensions: ['.jsonl'],
  parse(file, _companions, options = {}) {
    const { text: content, encoding } = jsonText(file);
    const lines = jsonLines(content).map(({ value, line }) => {
      if (!isObject(value)) throw new ImportError(`line ${line}: a doccano line must be a JSON object, not ${kindOf(value)}`);
      return { value, line };
    });
    const fields = doccanoFields(lines, options.fields);
    const documents = lines.map(({ value, line }): ParsedDocument => {
      const where = `line ${line}`;
      const text = value[fields.text] as string;
      const index = new OffsetIndex(text);
      const spans: SpanInput[] = [];
      const links: Link[] = [];
      const categories: string[] = [];
      for (const key of ['entities', 'relations', 'cats'] as const) {
        if (value[key] !== undefined && !Array.isArray(value[key])) throw new ImportError(`${where}: "${key}" must be a list`);
      }
      const labelKey = labelOf(value, fields.labels);
      const labelField = labelKey === undefined ? undefined : value[labelKey];
      if (typeof labelField === 'string') categories.push(labelField); // a text-classification label
      else if (labelField !== undefined && labelField !== null && !Array.isArray(labelField)) throw new ImportError(`${where}: "${labelKey}" must be a list`);
      (Array.isArray(labelField) ? labelField : []).forEach((t: unknown, i: number) => {
        if (typeof t === 'string') categories.push(t);
        else spans.push(doccanoSpan(t, `${where}, label ${i + 1}`, index, `d${i + 1}`));
      });
      (Array.isArray(value.entities) ? value.entities : []).forEach((e: unknown, i: number) => {
        const at = `${where}, entity ${i + 1}`;
        if (isObject(e) && typeof e.label !== 'string') throw new ImportError(`${at}: an entity needs a "label"`);
        spans.push(doccanoSpan(e, at, index, `e${i + 1}`));
      });
      (Array.isArray(value.relations) ? value.relations : []).forEach((r: unknown, i: number) => {
        const at = `${where}, relation ${i + 1}`;
        const from = isObject(r) ? idOf(r.from_id) : undefined;
        const to = isObject(r) ? idOf(r.to_id) : undefined;
        if (!isObject(r) || typeof r.type !== 'string' || from === undefined || to === undefined)
          throw new ImportError(`${at}: a relation needs "from_id", "to_id" (entity ids) and "type"`);
        links.push({ id: idOf(r.id) ?? `r${i + 1}`, type: r.type, from, to });
      });
      (Array.isArray(value.cats) ? value.cats : []).forEach((c: unknown) => {
        if (typeof c === 'string') categories.push(c);
      });
      const read = new Set([fields.text, labelKey, 'entities', 'relations', 'cats']);
      // Spread, not assignment: a field named "__proto__" is kept as data instead of becoming meta's prototype.
      const rest = Object.fromEntries(Object.entries(value).filter(([k]) => !read.has(k)));
      return {
        title: firstLine(text, file.name),
        text,
        meta: { fileName: file.name, ...(categories.length ? { categories } : {}), ...rest },
        spans,
        links,
        ...(categories.length ? { notes: [`document labels (doccano categories) kept in the metadata, not as spans: ${categories.length}`] } : {}),
      };
    });
    return { format: 'doccano', encoding, documents };
  },
};

/**
 * Whether a JSONL line looks like doccano's rather than Loupe's: no Loupe `spans`, and doccano's
 * annotation fields, a list of [start, end, "LABEL"] under any name, no `text` string, or fields named
 * by the user.
 */
export function looksLikeDoccano(firstLineValue: unknown, fields: ImportFields = {}): boolean {
  // Loupe's own: a document has `spans`; the JSON export (one line when the corpus is empty) `loupe_version`.
  if (!isObject(firstLineValue) || 'spans' in firstLineValue || 'loupe_version' in firstLineValue) return false;
  if (fields.text !== undefined || fields.label !== undefined) return true;
  if ([...KNOWN_LABEL_FIELDS, ...ENTITY_FIELDS].some((k) => k in firstLineValue)) return true;
  return typeof firstLineValue.text !== 'string' || Object.values(firstLineValue).some(isSpanList);
}
