/**
 * brat's annotation.conf, read and written. brat declares entity types, relation types (with the
 * entity types each argument admits) and attributes (global by name, binary or with a `Value:` list);
 * Loupe declares labels with their own attributes (choice, text, flag, number), link types, colours
 * and descriptions. What brat cannot say travels in one comment line, `# loupe-schema: {…}`, which
 * brat ignores and Loupe reads back, so a Loupe → brat → Loupe round trip keeps kinds, colours and
 * names with spaces. The brat sections stay authoritative: the comment only adds detail to what
 * they declare.
 */
import { isObject } from '../../shared/json';
import type { AttributeDef, CorpusSchema, Label, LinkType } from '../../shared/types';
import { jsonLine } from './export/helpers';

/** brat splits type names, attribute values and conf lists on whitespace, `|` and `,`: those become `_`. */
export function bratName(name: string): string {
  return name.replace(/[\s|,]/g, '_');
}

/** What an annotation.conf declares, in Loupe's terms. */
export interface BratConf {
  /** Labels (flattened entity types) and link types, in the conf's order. */
  schema: CorpusSchema;
  /** The Loupe name of a brat entity type (itself unless the Loupe comment renames it). */
  label(type: string): string;
  /** The Loupe name of a brat relation type. */
  linkType(type: string): string;
  /** The attribute a brat attribute name stands for on a label (by Loupe label name), if declared. */
  attribute(label: string, name: string): AttributeDef | undefined;
}

/** The conf of a collection without annotation.conf: every name is its own, nothing is declared. */
export const NO_CONF: BratConf = {
  schema: { labels: [], linkTypes: [] },
  label: (type) => type,
  linkType: (type) => type,
  attribute: () => undefined,
};

const LOUPE_SCHEMA = '# loupe-schema:';
/**
 * Longer than any conf line once its macros are expanded. Each macro is expanded once, in order, so a
 * chain of macros that each use the next one twice doubles the line per macro: 40 of them would ask
 * for a terabyte. Such a line is left out like any other line Loupe cannot read.
 */
const MAX_EXPANDED_LINE = 100_000;
/** brat's own pseudo-types: `<ENTITY>` (any entity), `<ANY>`, `<OVERLAP>`, `<REL-TYPE>`… */
const isPseudo = (s: string): boolean => /^<[^>]*>$/.test(s);
const KINDS: readonly unknown[] = ['choice', 'text', 'flag', 'number'] satisfies AttributeDef['kind'][];
/** The comment is hand-editable: only well-typed options and defaults are taken from it. */
const optionsOf = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((o) => typeof o === 'string' || typeof o === 'number').map(String) : [];
const defaultOf = (v: unknown): AttributeDef['default'] =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? v : null;

/** `key:value` pairs of a conf line's argument list (`Arg1:A|B, Arg2:C`), in order. */
function argumentsOf(rest: string): { key: string; values: string[] }[] {
  return rest
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a.includes(':'))
    .map((a) => {
      const colon = a.indexOf(':');
      return {
        key: a.slice(0, colon).trim(),
        values: a
          .slice(colon + 1)
          .split('|')
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      };
    });
}

/** The Loupe schema kept in the conf's comment, if it has a readable one. */
function loupeComment(lines: string[]): { labels: Label[]; linkTypes: LinkType[] } | null {
  const line = lines.find((l) => l.trim().startsWith(LOUPE_SCHEMA));
  if (!line) return null;
  try {
    const value: unknown = JSON.parse(line.trim().slice(LOUPE_SCHEMA.length));
    if (!isObject(value) || !Array.isArray(value.labels) || !Array.isArray(value.linkTypes)) return null;
    const labels = value.labels.filter((l): l is Label => isObject(l) && typeof l.name === 'string' && Array.isArray(l.attributes));
    const linkTypes = value.linkTypes.filter((t): t is LinkType => isObject(t) && typeof t.name === 'string');
    return { labels, linkTypes };
  } catch {
    return null; // a hand-edited comment is ignored; the brat sections still stand
  }
}

/**
 * Reads an annotation.conf: [entities] → labels (the hierarchy flattened, `!abstract` types skipped),
 * [relations] → link types (`Arg1`/`Arg2` lists; `<ENTITY>` means any label), [attributes] → label
 * attributes (`Value:a|b` → a choice, no Value → a flag). [events] and brat's pseudo-types are left
 * out; `<MACRO>=…` definitions are expanded. Never throws: what it cannot read it leaves out.
 */
export function parseAnnotationConf(text: string): BratConf {
  const lines = text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
  const macros = new Map<string, string>();
  const sections = new Map<string, string[]>();
  let section = '';
  for (const raw of lines) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(trimmed);
    if (header) {
      section = header[1]!.toLowerCase();
      continue;
    }
    const macro = /^(<[^>]+>)\s*=\s*(.*)$/.exec(trimmed);
    if (macro) {
      macros.set(macro[1]!, macro[2]!.trim());
      continue;
    }
    let line = trimmed;
    let bomb = false;
    for (const [name, value] of macros) {
      const pieces: string[] = line.split(name);
      // Measured before joining: one huge macro used many times could be too long for a string at all.
      bomb = line.length + (pieces.length - 1) * (value.length - name.length) > MAX_EXPANDED_LINE;
      if (bomb) break;
      line = pieces.join(value);
    }
    if (bomb || /^-+$/.test(line)) continue; // a macro bomb, or brat's menu separator
    const list = sections.get(section);
    if (list) list.push(line);
    else sections.set(section, [line]);
  }
  const split = (line: string): { name: string; rest: string } => {
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    return { name: m[1]!, rest: m[2]! };
  };

  const labels: Label[] = [];
  for (const line of sections.get('entities') ?? []) {
    const { name } = split(line);
    if (name.startsWith('!') || isPseudo(name) || labels.some((l) => l.name === name)) continue;
    labels.push({ name, color: '', hotkey: null, description: '', attributes: [] });
  }
  const known = new Set(labels.map((l) => l.name));
  // A list naming only event types (or nothing Loupe has) admits no label: such a type is left out.
  const labelList = (values: string[]): string[] | null => {
    if (values.length === 0 || values.some((v) => v === '<ENTITY>' || v === '<ANY>')) return [];
    const kept = values.filter((v) => known.has(v));
    return kept.length ? kept : null;
  };

  const linkTypes: LinkType[] = [];
  for (const line of sections.get('relations') ?? []) {
    const { name, rest } = split(line);
    if (name.startsWith('!') || isPseudo(name)) continue;
    const args = argumentsOf(rest);
    if (args.some((a) => a.key === '<REL-TYPE>' && a.values.some((v) => v.includes('transitive')))) continue; // an equivalence (`*` lines)
    const roles = args.filter((a) => !isPseudo(a.key));
    if (roles.length < 2) continue;
    const from = labelList(roles[0]!.values);
    const to = labelList(roles[1]!.values);
    if (from === null || to === null) continue;
    const existing = linkTypes.find((t) => t.name === name);
    if (!existing) {
      linkTypes.push({ name, from, to, color: '', description: '' });
      continue;
    }
    // The same relation declared again for other arguments: one link type admitting both.
    existing.from = existing.from.length === 0 || from.length === 0 ? [] : [...new Set([...existing.from, ...from])];
    existing.to = existing.to.length === 0 || to.length === 0 ? [] : [...new Set([...existing.to, ...to])];
  }

  for (const line of sections.get('attributes') ?? []) {
    const { name, rest } = split(line);
    if (name.startsWith('!') || isPseudo(name)) continue;
    const args = argumentsOf(rest);
    const targets = args.find((a) => a.key === 'Arg')?.values ?? ['<ENTITY>'];
    const options = args.find((a) => a.key === 'Value')?.values ?? [];
    const on = targets.includes('<ENTITY>') || targets.includes('<ANY>') ? labels : labels.filter((l) => targets.includes(l.name));
    for (const label of on) {
      const def = label.attributes.find((a) => a.name === name);
      if (!def) {
        label.attributes.push({
          name,
          kind: options.length ? 'choice' : 'flag',
          options: [...new Set(options)],
          default: null,
          description: '',
        });
      } else if (def.kind === 'choice') {
        for (const o of options) if (!def.options.includes(o)) def.options.push(o);
      }
    }
  }

  return withLoupeDetail({ labels, linkTypes }, loupeComment(lines));
}

/** Applies the Loupe comment's names, kinds, colours and descriptions to what the brat sections declare. */
function withLoupeDetail(brat: CorpusSchema, loupe: { labels: Label[]; linkTypes: LinkType[] } | null): BratConf {
  const labelNames = new Map<string, string>();
  const typeNames = new Map<string, string>();
  // Keyed by Loupe label name, then brat attribute name.
  const attributes = new Map<string, Map<string, AttributeDef>>();
  const labels = brat.labels.map((l): Label => {
    const own = loupe?.labels.find((x) => bratName(x.name) === l.name);
    const name = own?.name ?? l.name;
    labelNames.set(l.name, name);
    const attrs = l.attributes.map((a): AttributeDef => {
      const ownAttr = own?.attributes.find((x) => isObject(x) && typeof x.name === 'string' && bratName(x.name) === a.name);
      const def: AttributeDef =
        ownAttr && KINDS.includes(ownAttr.kind)
          ? {
              name: ownAttr.name,
              kind: ownAttr.kind,
              options: optionsOf(ownAttr.options),
              default: defaultOf(ownAttr.default),
              description: typeof ownAttr.description === 'string' ? ownAttr.description : '',
            }
          : a;
      return def;
    });
    // Attributes the Loupe comment knows but brat could not declare (text or number without values).
    for (const x of own?.attributes ?? []) {
      if (isObject(x) && typeof x.name === 'string' && !attrs.some((a) => a.name === x.name) && (x.kind === 'text' || x.kind === 'number')) {
        attrs.push({ name: x.name, kind: x.kind, options: [], default: defaultOf(x.default), description: typeof x.description === 'string' ? x.description : '' });
      }
    }
    attributes.set(name, new Map(attrs.map((a) => [bratName(a.name), a])));
    return {
      name,
      color: typeof own?.color === 'string' ? own.color : '',
      hotkey: typeof own?.hotkey === 'string' ? own.hotkey : null,
      description: typeof own?.description === 'string' ? own.description : '',
      attributes: attrs,
    };
  });
  const label = (type: string): string => labelNames.get(type) ?? type;
  const linkTypes = brat.linkTypes.map((t): LinkType => {
    const own = loupe?.linkTypes.find((x) => bratName(x.name) === t.name);
    const name = own?.name ?? t.name;
    typeNames.set(t.name, name);
    return {
      name,
      from: t.from.map(label),
      to: t.to.map(label),
      color: typeof own?.color === 'string' ? own.color : '',
      description: typeof own?.description === 'string' ? own.description : '',
    };
  });
  return {
    schema: { labels, linkTypes },
    label,
    linkType: (type) => typeNames.get(type) ?? type,
    attribute: (labelName, name) => attributes.get(labelName)?.get(name),
  };
}

/** Numbers in numeric order, the rest by code unit (never by locale, so every machine writes the same file). */
function byValue(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Writes an annotation.conf for `schema`: labels → [entities], link types → [relations] (an empty
 * list is `<ENTITY>`), attributes → [attributes] (brat's are global by name, so an attribute several
 * labels share is one line naming them all). A choice lists its options; a flag is binary; text and
 * number attributes list the values `used` (by brat attribute name) and are left out when unused.
 * Every label may overlap any other, as in Loupe. The schema itself rides along in a comment.
 */
export function writeAnnotationConf(schema: CorpusSchema, used: ReadonlyMap<string, ReadonlySet<string>>): string {
  const out: string[] = [
    '# brat annotation configuration written by Loupe. Offsets in the .ann files count Unicode code points.',
    '# The next line keeps Loupe\'s own schema (attribute kinds, colours, descriptions); brat ignores it.',
    `${LOUPE_SCHEMA} ${jsonLine({ labels: schema.labels, linkTypes: schema.linkTypes })}`,
    '',
    '[entities]',
    '',
    ...schema.labels.map((l) => bratName(l.name)),
    '',
    '[relations]',
    '',
  ];
  const list = (names: string[]): string => (names.length ? names.map(bratName).join('|') : '<ENTITY>');
  for (const t of schema.linkTypes) out.push(`${bratName(t.name)}\tArg1:${list(t.from)}, Arg2:${list(t.to)}`);
  out.push('<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>', '', '[events]', '', '[attributes]', '');

  const byName = new Map<string, { labels: string[]; values: string[]; valued: boolean }>();
  for (const l of schema.labels) {
    for (const a of l.attributes) {
      const name = bratName(a.name);
      const values =
        a.kind === 'choice' ? a.options.map(bratName) : a.kind === 'flag' ? [] : [...(used.get(name) ?? [])].sort(byValue);
      if (a.kind !== 'flag' && values.length === 0) continue; // brat cannot declare a value-less valued attribute
      const entry = byName.get(name) ?? { labels: [], values: [], valued: false };
      byName.set(name, entry);
      if (!entry.labels.includes(bratName(l.name))) entry.labels.push(bratName(l.name));
      for (const v of values) if (!entry.values.includes(v)) entry.values.push(v);
      entry.valued ||= a.kind !== 'flag';
    }
  }
  for (const [name, e] of byName) {
    out.push(`${name}\tArg:${e.labels.join('|')}${e.valued ? `, Value:${e.values.join('|')}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
