/**
 * brat standoff: a .txt and the .ann of the same name (importBatch pairs them), plus the folder's
 * annotation.conf when there is one. Text-bound annotations (T) become spans, with a fragment per
 * `start end` pair; relations (R) links; attributes (A, and the legacy M) span attributes; notes (#)
 * span notes. Events (E), equivalences (*) and normalizations (N) have no Loupe counterpart: they are
 * counted, with their lines, in the document's `meta.bratUnsupported` / `meta.bratUnsupportedLines`,
 * and said in the import report's notes of the document, with what else was taken in another form.
 *
 * The text is kept exactly as the .txt has it (blank lines stay as empty paragraphs), except that a
 * leading BOM is dropped and CRLF / CR line ends become "\n". brat counts code points, but which text
 * it counted depends on how the file was read: Python 3 reads CRLF as one character, brat 1.3 (Python 2)
 * as two, and both count a BOM. So the offsets are tried against each reading the file allows, and the
 * first under which every T line's text matches the .txt is taken (and mapped onto the stored text).
 */
import path from 'node:path';
import { codePointLength, codePointPrefix, countBelow, OffsetIndex, surrogatePairAt } from '../../../shared/offsets';
import type { AttrValue, AttributeDef, Fragment, Link, SpanInput } from '../../../shared/types';
import { NO_CONF, bratName, parseAnnotationConf, type BratConf } from '../bratConf';
import { DecodeError, decodeText } from '../decode';
import { firstLine } from './jsonl';
import { ImportError, type ImportInput, type Importer } from './types';

/** What the document could not hold, by kind. */
interface Unsupported {
  events: number;
  equivalences: number;
  normalizations: number;
  /** Text-bound annotations of no characters (Loupe spans cover at least one). */
  emptySpans: number;
  /** Relations, attributes and notes on something other than a span (an event, a relation…). */
  relations: number;
  attributes: number;
  notes: number;
}

/** How the import report names each kind of line Loupe could not take. */
const UNSUPPORTED_NOTES: Readonly<Record<keyof Unsupported, string>> = {
  events: 'brat events (E lines) skipped, their trigger words kept as spans',
  equivalences: 'brat equivalences (* lines) skipped',
  normalizations: 'brat normalizations (N lines) skipped',
  emptySpans: 'brat text-bound annotations of no characters skipped',
  relations: 'brat relations with an end that is no text-bound annotation (an event) skipped',
  attributes: 'brat attributes of events or relations skipped',
  notes: 'brat notes on events or relations skipped',
};

/** Kept in the document's metadata: at most this many of the lines Loupe could not represent. */
const MAX_KEPT_LINES = 200;

type AnnLine =
  | { kind: 'T'; id: string; line: number; type: string; pieces: Fragment[]; text: string | null }
  | { kind: 'R'; id: string; line: number; type: string; from: string; to: string }
  | { kind: 'A'; id: string; line: number; name: string; target: string; value: string | true }
  | { kind: 'note'; id: string; line: number; target: string; text: string }
  | { kind: 'other'; id: string; line: number; what: 'events' | 'equivalences' | 'normalizations' };

/** One way of counting offsets into the .txt, and how to map its offsets onto the stored text. */
interface Reading {
  index: OffsetIndex;
  toStored(offset: number): number;
}

/** The text of a companion file (the .ann, annotation.conf); an empty file is empty text. */
function companionText(file: ImportInput): string {
  if (file.data.length === 0) return '';
  try {
    return decodeText(file.data).text;
  } catch (error) {
    if (error instanceof DecodeError) throw new ImportError(`${path.basename(file.name)}: ${error.message}`, error.reason);
    throw error;
  }
}

const ID = /^([A-Za-z]+|#[A-Za-z]*)[0-9]+/;

/** Parses the .ann's lines; throws an ImportError naming the line for anything brat would not read. */
function parseAnn(text: string, where: string): AnnLine[] {
  const out: AnnLine[] = [];
  const ids = new Set<string>();
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const fail = (why: string): never => {
      throw new ImportError(`${where} line ${line}: ${why}`);
    };
    const tab = raw.indexOf('\t');
    if (tab < 0) fail(`expected an id and a tab (“T1<TAB>Label 0 5<TAB>text”), found “${clip(raw)}”`);
    const id = raw.slice(0, tab);
    const rest = raw.slice(tab + 1);
    const tab2 = rest.indexOf('\t');
    const data = (tab2 < 0 ? rest : rest.slice(0, tab2)).trim();
    const tail = tab2 < 0 ? null : rest.slice(tab2 + 1);
    if (id !== '*' && !ID.test(id)) fail(`“${clip(id)}” is not a brat annotation id`);
    if (id !== '*') {
      if (ids.has(id)) fail(`the id ${id} is used twice`);
      ids.add(id);
    }
    const at = `${id}: `;
    switch (id[0]) {
      case 'T': {
        const m = /^(\S+)\s+(.+)$/.exec(data);
        if (!m) return fail(`${at}expected “TYPE START END[;START END…]”, found “${clip(data)}”`);
        const pieces = m[2]!.split(';').map((p): Fragment => {
          const o = /^\s*(\d+)\s+(\d+)\s*$/.exec(p);
          if (!o) return fail(`${at}“${clip(p)}” is not a “START END” pair of whole numbers`);
          const start = Number(o[1]);
          const end = Number(o[2]);
          if (end < start) fail(`${at}it ends (${end}) before it starts (${start})`);
          return [start, end];
        });
        const sorted = [...pieces].sort((a, b) => a[0] - b[0]);
        sorted.forEach(([start], k) => {
          if (k > 0 && start < sorted[k - 1]![1]) fail(`${at}its fragments overlap`);
        });
        out.push({ kind: 'T', id, line, type: m[1]!, pieces, text: tail });
        return;
      }
      case 'R': {
        const [type, ...args] = data.split(/\s+/);
        if (!type || args.length !== 2 || args.some((a) => !/^[^:]+:[^:]+$/.test(a))) {
          return fail(`${at}expected “TYPE Arg1:ID Arg2:ID”, found “${clip(data)}”`);
        }
        const [from, to] = args.map((a) => a.slice(a.indexOf(':') + 1));
        out.push({ kind: 'R', id, line, type, from: from!, to: to! });
        return;
      }
      case 'A':
      case 'M': {
        const m = /^(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(data);
        if (!m) return fail(`${at}expected “NAME TARGET [VALUE]”, found “${clip(data)}”`);
        const value = m[3] === undefined || id[0] === 'M' ? true : m[3];
        out.push({ kind: 'A', id, line, name: m[1]!, target: m[2]!, value });
        return;
      }
      case '#': {
        const parts = data.split(/\s+/);
        if (parts.length !== 2) return fail(`${at}expected “AnnotatorNotes TARGET<TAB>note”, found “${clip(data)}”`);
        out.push({ kind: 'note', id, line, target: parts[1]!, text: tail ?? '' });
        return;
      }
      case 'E':
        out.push({ kind: 'other', id, line, what: 'events' });
        return;
      case '*':
        out.push({ kind: 'other', id, line, what: 'equivalences' });
        return;
      case 'N':
        out.push({ kind: 'other', id, line, what: 'normalizations' });
        return;
      default:
        fail(`brat has no “${id[0]}” annotations (ids start with T, R, E, A, M, N, # or *)`);
    }
  });
  return out;
}

/** Text for an error message: one line, at most 60 characters. */
function clip(s: string): string {
  const one = s.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return codePointLength(one) > 60 ? `${codePointPrefix(one, 60)}…` : one;
}

/**
 * The readings of the .txt brat may have counted in, most likely first: line ends as one character
 * (Python 3) or CRLF as two (brat 1.3 on Python 2), each with the BOM as a character when the file has
 * one (brat never drops it) and then without it (tools that do).
 */
function readingsOf(decoded: string, stored: string, hasBom: boolean): Reading[] {
  const crlf: number[] = []; // code-point index of each CR of a CRLF in the decoded text
  let cp = 0;
  for (let i = 0; i < decoded.length; i++, cp++) {
    if (decoded.charCodeAt(i) === 0x0d && decoded.charCodeAt(i + 1) === 0x0a) crlf.push(cp);
    else if (surrogatePairAt(decoded, i)) i++;
  }
  const base: { text: string; toStored(o: number): number }[] = [{ text: stored, toStored: (o) => o }];
  if (crlf.length) base.push({ text: decoded, toStored: (o) => o - countBelow(crlf, o) });
  const withBom = hasBom ? base.map((b) => ({ text: `\ufeff${b.text}`, toStored: (o: number) => (o === 0 ? 0 : b.toStored(o - 1)) })) : [];
  return [...withBom, ...base].map((b) => ({ index: new OffsetIndex(b.text), toStored: b.toStored }));
}

/** Why a T line does not fit a reading of the text, or null when it does (brat's own test). */
function misfit(t: Extract<AnnLine, { kind: 'T' }>, reading: Reading): string | null {
  const { index } = reading;
  for (const [start, end] of t.pieces) {
    if (end > index.length) return `${start}–${end} runs past the end of the text (${index.length} characters)`;
  }
  if (t.text === null || t.text === '') return null; // no text to check (brat fills it in)
  const pieces = t.pieces.map(([s, e]) => index.slice(s, e));
  const expected = pieces.join(' ');
  const text = t.text;
  // Exactly the text, up to blanks at its end (an editor may have trimmed or added them).
  if (text.trimEnd() === expected.trimEnd()) return null;
  if (pieces.length > 1 && text.startsWith(pieces.join(''))) return null; // brat before 1.3 joined fragments without a space
  return `the .ann gives the text “${clip(text)}” but the .txt has “${clip(expected)}” at ${t.pieces.map((p) => p.join(' ')).join(';')}`;
}

/** A brat attribute value as the attribute it stands for takes it. */
function attrValue(def: AttributeDef | undefined, raw: string | true): AttrValue {
  if (raw === true || !def) return raw;
  switch (def.kind) {
    case 'choice':
      return def.options.find((o) => o === raw) ?? def.options.find((o) => bratName(o) === raw) ?? raw;
    case 'number': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
    }
    default:
      return raw;
  }
}

/** A span's fragments on the stored text: sorted, empty pieces dropped, touching pieces joined. */
function storedFragments(pieces: Fragment[], reading: Reading): Fragment[] {
  const mapped = pieces
    .map(([s, e]): Fragment => [reading.toStored(s), reading.toStored(e)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const out: Fragment[] = [];
  for (const f of mapped) {
    const last = out[out.length - 1];
    if (last && f[0] <= last[1]) last[1] = Math.max(last[1], f[1]);
    else out.push([f[0], f[1]]);
  }
  return out;
}

/** Reads a brat .txt with its .ann (and annotation.conf); see the module comment. */
export const bratImporter: Importer = {
  format: 'brat',
  // Never chosen by extension: importBatch routes a .txt here when a .ann of the same name comes along.
  extensions: [],
  parse(file, companions) {
    const fileName = path.basename(file.name);
    const decoded = decodeText(file.data);
    const bytes = file.data;
    const hasBom =
      (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) ||
      (bytes[0] === 0xff && bytes[1] === 0xfe) ||
      (bytes[0] === 0xfe && bytes[1] === 0xff);
    const text = decoded.text.replace(/\r\n?/g, '\n');
    const confFile = companions.get('annotation.conf');
    const conf: BratConf = confFile ? parseAnnotationConf(companionText(confFile)) : NO_CONF;
    const annFile = companions.get('ann');
    const where = annFile ? path.basename(annFile.name) : `${fileName}'s .ann`;
    const annText = annFile ? companionText(annFile) : '';
    const lines = parseAnn(annText, where);

    // The reading every T line fits; when none does, the error of the one that fits the most lines.
    const textBound = lines.filter((l): l is Extract<AnnLine, { kind: 'T' }> => l.kind === 'T');
    const readings = readingsOf(decoded.text, text, hasBom);
    let reading: Reading | undefined;
    let best: { line: number; message: string } | undefined;
    for (const r of readings) {
      let failure: { line: number; message: string } | undefined;
      for (const t of textBound) {
        const why = misfit(t, r);
        if (why) {
          failure = { line: t.line, message: `${where} line ${t.line} (${t.id}): ${why}` };
          break;
        }
      }
      if (!failure) {
        reading = r;
        break;
      }
      if (!best || failure.line > best.line) best = failure;
    }
    if (!reading) throw new ImportError(best!.message);

    const unsupported: Unsupported = { events: 0, equivalences: 0, normalizations: 0, emptySpans: 0, relations: 0, attributes: 0, notes: 0 };
    const keptLines: string[] = [];
    const rawLines = annText.split(/\r\n|\n|\r/);
    const skip = (what: keyof Unsupported, line: number) => {
      unsupported[what]++;
      if (keptLines.length < MAX_KEPT_LINES) keptLines.push(`${line}: ${rawLines[line - 1] ?? ''}`);
    };
    const defined = new Set(lines.map((l) => l.id));
    const known = (l: AnnLine, id: string) => {
      if (!defined.has(id)) throw new ImportError(`${where} line ${l.line} (${l.id}): no annotation has the id ${id}`);
    };

    const spans = new Map<string, SpanInput & { attrs: Record<string, AttrValue>; note: string }>();
    let joined = 0;
    let replaced = 0;
    for (const t of textBound) {
      const fragments = storedFragments(t.pieces, reading);
      if (fragments.length === 0) {
        skip('emptySpans', t.line);
        continue;
      }
      if (fragments.length < t.pieces.length) joined++;
      spans.set(t.id, {
        id: t.id,
        label: conf.label(t.type),
        start: fragments[0]![0],
        end: fragments[fragments.length - 1]![1],
        ...(fragments.length > 1 ? { fragments } : {}),
        attrs: {},
        note: '',
      });
    }
    const links: Link[] = [];
    for (const l of lines) {
      switch (l.kind) {
        case 'R': {
          known(l, l.from);
          known(l, l.to);
          if (spans.has(l.from) && spans.has(l.to)) links.push({ id: l.id, type: conf.linkType(l.type), from: l.from, to: l.to });
          else skip('relations', l.line);
          break;
        }
        case 'A': {
          known(l, l.target);
          const span = spans.get(l.target);
          if (!span) {
            skip('attributes', l.line);
            break;
          }
          const def = conf.attribute(span.label, l.name);
          if ((def?.name ?? l.name) in span.attrs) replaced++;
          span.attrs[def?.name ?? l.name] = attrValue(def, l.value);
          break;
        }
        case 'note': {
          known(l, l.target);
          const span = spans.get(l.target);
          if (!span) skip('notes', l.line);
          else span.note = span.note ? `${span.note}\n${l.text}` : l.text;
          break;
        }
        case 'other':
          skip(l.what, l.line);
          break;
        case 'T':
          break;
      }
    }

    const meta: Record<string, unknown> = { fileName, encoding: decoded.encoding };
    const counts = Object.fromEntries(Object.entries(unsupported).filter(([, n]) => n > 0));
    if (Object.keys(counts).length) {
      meta.bratUnsupported = counts;
      meta.bratUnsupportedLines = keptLines;
    }
    // The import report says it too.
    const notes = (Object.keys(UNSUPPORTED_NOTES) as (keyof Unsupported)[])
      .filter((what) => unsupported[what] > 0)
      .map((what) => `${UNSUPPORTED_NOTES[what]}: ${unsupported[what]}`);
    if (joined > 0) notes.push(`brat spans whose empty fragments were dropped or touching ones joined: ${joined}`);
    if (replaced > 0) notes.push(`brat attribute values dropped for a later value of the same attribute on the same span: ${replaced}`);
    return {
      format: 'brat',
      encoding: decoded.encoding,
      documents: [{ title: firstLine(text, fileName), text, meta, spans: [...spans.values()], links, ...(notes.length ? { notes } : {}) }],
      ...(confFile ? { schema: conf.schema } : {}),
    };
  },
};
