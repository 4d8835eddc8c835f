/**
 * The corpus schema's rules, shared by the store (which enforces them) and the UI (which explains
 * them before a save): what makes a schema valid, which values an attribute admits, which labels a
 * link type joins, and the schema file a team passes around.
 */
import type { AttrValue, AttributeDef, CorpusSchema, Label, LinkType, SchemaDraft, SpanAttrs } from './types';
import { ATTRIBUTE_KINDS } from './types';
import { isObject } from './json';
import { shortened } from './offsets';

/** Keys annotate mode uses for itself; a label cannot take them as its hotkey. */
export const RESERVED_HOTKEYS: readonly string[] = ['a', 'e', 'f', 'j', 'k', 'l', 'n', 'q', 't'];

/** Whether `key` has the shape of a label's key: one digit or lower-case ASCII letter. */
export const isHotkeyShape = (key: string): boolean => /^[0-9a-z]$/.test(key);

/** The longest name of a label, attribute, option or link type. */
export const NAME_MAX = 100;
/** The longest description of a label, attribute or link type. */
export const DESCRIPTION_MAX = 2000;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** The longest text value of an attribute, and the longest note. */
export const TEXT_VALUE_MAX = 10_000;
export const NOTE_MAX = 100_000;

/** A colour as Loupe stores it: `#rrggbb` (the store's CHECK says the same in SQL). */
export const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** Whether `color` is a colour as Loupe stores it, `#rrggbb`: the only kind that may reach a style sheet. */
export const isHexColor = (color: unknown): color is string => typeof color === 'string' && HEX_COLOR.test(color);

/** Whether a link of `type` may go from a span labelled `from` to one labelled `to`. */
export function linkAllowed(type: LinkType, from: string, to: string): boolean {
  return (type.from.length === 0 || type.from.includes(from)) && (type.to.length === 0 || type.to.includes(to));
}

/** Why `value` is not a valid value of `def`, or null when it is. */
export function attrValueProblem(def: AttributeDef, value: unknown): string | null {
  switch (def.kind) {
    case 'choice':
      return typeof value === 'string' && def.options.includes(value)
        ? null
        : `must be one of ${def.options.map((o) => `“${o}”`).join(', ')}`;
    case 'text':
      if (typeof value !== 'string') return 'must be text';
      return value.length > TEXT_VALUE_MAX ? `must be at most ${TEXT_VALUE_MAX} characters` : null;
    case 'flag':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    default:
      return 'has an unknown kind';
  }
}

/** Problems with a span's attribute values under `label`, in words; empty when they are valid. */
export function attrProblems(label: Label, attrs: SpanAttrs): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(attrs)) {
    const def = label.attributes.find((a) => a.name === name);
    if (!def) {
      problems.push(`label “${label.name}” has no attribute “${name}”`);
      continue;
    }
    const problem = attrValueProblem(def, value);
    if (problem) problems.push(`attribute “${name}” of “${label.name}” ${problem} (got ${JSON.stringify(value)})`);
  }
  return problems;
}

/** The values a new span of `label` starts with: each attribute's default, where it has one. */
export function defaultAttrs(label: { attributes?: readonly AttributeDef[] } | undefined): SpanAttrs {
  const attrs: SpanAttrs = {};
  for (const a of label?.attributes ?? []) if (a.default !== null) attrs[a.name] = a.default;
  return attrs;
}

/**
 * The values a span keeps when it changes label: those the new label declares and admits, plus the
 * new label's defaults for the rest.
 */
export function carryAttrs(attrs: SpanAttrs, to: { attributes?: readonly AttributeDef[] } | undefined): SpanAttrs {
  const next = defaultAttrs(to);
  for (const a of to?.attributes ?? []) {
    const value = attrs[a.name];
    if (value !== undefined && attrValueProblem(a, value) === null) next[a.name] = value;
  }
  return next;
}

const nameProblem = (what: string, name: unknown): string | null => {
  if (typeof name !== 'string' || name.trim() === '') return `${what} needs a name`;
  if (name !== name.trim()) return `${what} “${name}” must not start or end with spaces`;
  if (name.length > NAME_MAX) return `${what} “${shortened(name, 20)}” is longer than ${NAME_MAX} characters`;
  if (CONTROL.test(name)) return `${what} “${name}” contains a control character`;
  return null;
};

/** Every problem with a schema, in words; empty when it is valid. */
export function schemaProblems(schema: CorpusSchema | SchemaDraft): string[] {
  const problems: string[] = [];
  const push = (p: string | null) => {
    if (p) problems.push(p);
  };
  const labelNames = new Set<string>();
  const hotkeys = new Map<string, string>();
  if (schema.labels.length === 0) problems.push('the schema needs at least one label');
  for (const label of schema.labels) {
    push(nameProblem('a label', label.name));
    if (labelNames.has(label.name)) problems.push(`two labels are called “${label.name}”`);
    labelNames.add(label.name);
    if (!isHexColor(label.color)) problems.push(`the colour of “${label.name}” must look like #1a2b3c`);
    if (label.hotkey !== null) {
      if (!isHotkeyShape(label.hotkey)) problems.push(`the key of “${label.name}” must be one digit or lower-case letter`);
      else if (RESERVED_HOTKEYS.includes(label.hotkey))
        problems.push(`the key “${label.hotkey}” of “${label.name}” is used by annotate mode itself`);
      else if (hotkeys.has(label.hotkey))
        problems.push(`“${label.name}” and “${hotkeys.get(label.hotkey)}” both use the key “${label.hotkey}”`);
      else hotkeys.set(label.hotkey, label.name);
    }
    const attrNames = new Set<string>();
    for (const attr of label.attributes) {
      push(nameProblem(`an attribute of “${label.name}”`, attr.name));
      if (attrNames.has(attr.name)) problems.push(`“${label.name}” has two attributes called “${attr.name}”`);
      attrNames.add(attr.name);
      if (!ATTRIBUTE_KINDS.includes(attr.kind)) {
        problems.push(`attribute “${attr.name}” of “${label.name}” has an unknown kind “${String(attr.kind)}”`);
        continue;
      }
      if (attr.kind === 'choice') {
        if (attr.options.length === 0) problems.push(`the choice “${attr.name}” of “${label.name}” needs at least one option`);
        if (new Set(attr.options).size !== attr.options.length)
          problems.push(`the choice “${attr.name}” of “${label.name}” lists an option twice`);
        for (const o of attr.options) push(nameProblem(`an option of “${attr.name}”`, o));
      } else if (attr.options.length > 0) {
        problems.push(`only a choice has options (attribute “${attr.name}” of “${label.name}”)`);
      }
      if (attr.default !== null) {
        const p = attrValueProblem(attr, attr.default);
        if (p) problems.push(`the default of “${attr.name}” of “${label.name}” ${p}`);
      }
    }
  }
  const typeNames = new Set<string>();
  for (const type of schema.linkTypes) {
    push(nameProblem('a link type', type.name));
    if (typeNames.has(type.name)) problems.push(`two link types are called “${type.name}”`);
    typeNames.add(type.name);
    if (!isHexColor(type.color)) problems.push(`the colour of link type “${type.name}” must look like #1a2b3c`);
    for (const l of [...type.from, ...type.to])
      if (!labelNames.has(l)) problems.push(`link type “${type.name}” names a label “${l}” the schema does not have`);
  }
  return problems;
}

/** The draft that leaves `schema` as it is (every item names itself as what it was). */
export function draftOf(schema: CorpusSchema): SchemaDraft {
  return {
    labels: schema.labels.map((l) => ({ ...l, was: l.name, attributes: l.attributes.map((a) => ({ ...a, was: a.name })) })),
    linkTypes: schema.linkTypes.map((t) => ({ ...t, was: t.name })),
  };
}

/**
 * The draft that turns `current` into `imported` (a schema file), matching labels, their attributes
 * and link types by name: an item of the file whose name the corpus has continues it (its spans,
 * values and links stay); the others are new, and the corpus's items the file lacks are deleted.
 */
export function draftMatchingByName(current: CorpusSchema, imported: CorpusSchema): SchemaDraft {
  const was = (name: string, names: readonly { name: string }[]) => (names.some((n) => n.name === name) ? { was: name } : {});
  return {
    labels: imported.labels.map((l) => {
      const old = current.labels.find((c) => c.name === l.name);
      return { ...l, ...was(l.name, current.labels), attributes: l.attributes.map((a) => ({ ...a, ...was(a.name, old?.attributes ?? []) })) };
    }),
    linkTypes: imported.linkTypes.map((t) => ({ ...t, ...was(t.name, current.linkTypes) })),
  };
}

/** The schema a draft describes (the `was` names dropped). */
export function schemaOfDraft(draft: SchemaDraft): CorpusSchema {
  return {
    labels: draft.labels.map(({ was: _was, attributes, ...l }) => ({
      ...l,
      attributes: attributes.map(({ was: _w, ...a }) => a),
    })),
    linkTypes: draft.linkTypes.map(({ was: _was, ...t }) => t),
  };
}

/** The format marker and version of a schema file. */
export const SCHEMA_FILE_FORMAT = 'loupe-schema';
export const SCHEMA_FILE_VERSION = 1;

/** Labels as plain objects with a fixed key order: what the schema file and the JSON export write. */
export function plainLabels(labels: readonly Label[]) {
  return labels.map((l) => ({
    name: l.name,
    color: l.color,
    hotkey: l.hotkey,
    description: l.description,
    attributes: l.attributes.map((a) => ({
      name: a.name,
      kind: a.kind,
      options: a.options,
      default: a.default,
      description: a.description,
    })),
  }));
}

/** Link types as plain objects with a fixed key order. */
export function plainLinkTypes(types: readonly LinkType[]) {
  return types.map((t) => ({ name: t.name, from: t.from, to: t.to, color: t.color, description: t.description }));
}

/** A schema as a file a team can share (pretty JSON, stable key order, trailing newline). */
export function serializeSchemaFile(schema: CorpusSchema): string {
  const file = {
    format: SCHEMA_FILE_FORMAT,
    version: SCHEMA_FILE_VERSION,
    labels: plainLabels(schema.labels),
    linkTypes: plainLinkTypes(schema.linkTypes),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A schema file could not be read; the message says why. */
export class SchemaFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaFileError';
  }
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const attrDefault = (v: unknown): AttrValue | null =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? v : null;

/**
 * Labels and link types read from untrusted JSON (a schema file, a Loupe JSON export), with only the
 * known fields, each of its type (a missing optional field gets its default); throws a SchemaFileError
 * for an item that is not an object. The result still needs schemaProblems.
 */
export function plainSchemaOf(rawLabels: unknown, rawLinkTypes: unknown): CorpusSchema {
  const labels: Label[] = (Array.isArray(rawLabels) ? rawLabels : []).map((l: unknown, i: number) => {
    if (!isObject(l)) throw new SchemaFileError(`label ${i + 1} is not an object`);
    return {
      name: str(l.name),
      color: str(l.color, '#868e96'),
      hotkey: typeof l.hotkey === 'string' && l.hotkey !== '' ? l.hotkey : null,
      description: str(l.description),
      attributes: (Array.isArray(l.attributes) ? l.attributes : []).map((a: unknown, j: number) => {
        if (!isObject(a)) throw new SchemaFileError(`attribute ${j + 1} of label “${str(l.name)}” is not an object`);
        return {
          name: str(a.name),
          kind: str(a.kind) as AttributeDef['kind'],
          options: strList(a.options),
          default: attrDefault(a.default),
          description: str(a.description),
        };
      }),
    };
  });
  const linkTypes: LinkType[] = (Array.isArray(rawLinkTypes) ? rawLinkTypes : []).map((t: unknown, i: number) => {
    if (!isObject(t)) throw new SchemaFileError(`link type ${i + 1} is not an object`);
    return {
      name: str(t.name),
      from: strList(t.from),
      to: strList(t.to),
      color: str(t.color, '#495057'),
      description: str(t.description),
    };
  });
  return { labels, linkTypes };
}

/** Reads a schema file; throws a SchemaFileError saying what is wrong. Missing optional fields get defaults. */
export function parseSchemaFile(text: string): CorpusSchema {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new SchemaFileError(`not a schema file: it is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(raw) || raw.format !== SCHEMA_FILE_FORMAT) {
    throw new SchemaFileError(`not a schema file: it lacks "format": "${SCHEMA_FILE_FORMAT}"`);
  }
  if (typeof raw.version !== 'number' || !Number.isInteger(raw.version) || raw.version < 1) {
    throw new SchemaFileError(`not a schema file: its "version" is ${JSON.stringify(raw.version) ?? 'missing'}, not a whole number`);
  }
  if (raw.version > SCHEMA_FILE_VERSION) {
    throw new SchemaFileError(`this schema file has version ${raw.version}; this Loupe reads version ${SCHEMA_FILE_VERSION}`);
  }
  if (!Array.isArray(raw.labels)) throw new SchemaFileError('the schema file has no "labels" list');
  const { labels, linkTypes } = plainSchemaOf(raw.labels, raw.linkTypes);
  const schema = { labels, linkTypes };
  const problems = schemaProblems(schema);
  if (problems.length) throw new SchemaFileError(`the schema file is not valid: ${problems.join('; ')}`);
  return schema;
}
