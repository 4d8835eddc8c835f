/**
 * Making room in the schema for what an import brings: labels, attributes (and choice options) and
 * link types it uses that the corpus lacks are added, never changed or removed; a value that cannot
 * fit an existing attribute fails the file instead. Pure: it returns the draft and what it adds.
 */
import { draftOf, isHexColor, isHotkeyShape, linkAllowed, RESERVED_HOTKEYS, schemaProblems } from '../../../shared/schema';
import type { AttrValue, AttributeDef, AttributeKind, CorpusSchema, SchemaAdditions, SchemaDraft } from '../../../shared/types';
import { ImportError, type ParsedDocument } from './types';

/** Colours for labels and link types an import adds (readable on white, distinct from the defaults). */
const PALETTE = ['#e8590c', '#0c8599', '#6741d9', '#c2255c', '#5c940d', '#1864ab', '#d6336c', '#495057', '#087f5b', '#9c36b5'];

export const noAdditions = (): SchemaAdditions => ({ labels: [], attributes: [], linkTypes: [] });

function inferKind(values: readonly AttrValue[]): AttributeKind {
  if (values.every((v) => typeof v === 'boolean')) return 'flag';
  if (values.every((v) => typeof v === 'number')) return 'number';
  return 'text';
}

/**
 * The draft that extends `current` so that `documents` (and the schema `declared` by the file) fit,
 * or null when nothing is missing; attribute values of attributes it creates as text are turned into
 * strings in `documents`. Throws an ImportError when a value cannot fit an existing attribute.
 */
export function fitSchema(
  current: CorpusSchema,
  documents: ParsedDocument[],
  declared: Partial<CorpusSchema> = {},
): { draft: SchemaDraft | null; added: SchemaAdditions } {
  const draft = draftOf(current);
  const added = noAdditions();
  const usedKeys = new Set(draft.labels.map((l) => l.hotkey).filter((k): k is string => k !== null));
  // Lookups by name through maps: a file may bring thousands of labels, and a search per span is quadratic.
  const labelsByName = new Map(draft.labels.map((l) => [l.name, l]));
  const label = (name: string) => labelsByName.get(name);
  const linkTypesByName = new Map(draft.linkTypes.map((t) => [t.name, t]));
  const colour = () => PALETTE[(draft.labels.length + draft.linkTypes.length) % PALETTE.length]!;

  const addLabel = (name: string, template?: Partial<CorpusSchema['labels'][number]>) => {
    const hotkey =
      template?.hotkey && isHotkeyShape(template.hotkey) && !RESERVED_HOTKEYS.includes(template.hotkey) && !usedKeys.has(template.hotkey)
        ? template.hotkey
        : null;
    if (hotkey) usedKeys.add(hotkey);
    draft.labels.push({
      name,
      color: isHexColor(template?.color) ? template.color : colour(),
      hotkey,
      description: template?.description ?? '',
      attributes: (template?.attributes ?? []).map((a) => ({ ...a })),
    });
    labelsByName.set(name, draft.labels[draft.labels.length - 1]!);
    added.labels.push(name);
  };

  for (const l of declared.labels ?? []) {
    const existing = label(l.name);
    if (!existing) addLabel(l.name, l);
    else
      for (const a of l.attributes) {
        if (!existing.attributes.some((e) => e.name === a.name)) {
          existing.attributes.push({ ...a });
          added.attributes.push(`${l.name}.${a.name}`);
        }
      }
  }

  // Attribute values by label and attribute, to infer the kind of attributes that are new.
  const values = new Map<string, Map<string, AttrValue[]>>();
  for (const doc of documents) {
    for (const span of doc.spans) {
      if (!label(span.label)) addLabel(span.label);
      for (const [name, value] of Object.entries(span.attrs ?? {})) {
        const byName = values.get(span.label) ?? new Map<string, AttrValue[]>();
        values.set(span.label, byName);
        const list = byName.get(name);
        if (list) list.push(value);
        else byName.set(name, [value]);
      }
    }
  }
  const created = new Set<string>();
  for (const [labelName, byName] of values) {
    const l = label(labelName)!;
    for (const [name, vals] of byName) {
      const def = l.attributes.find((a) => a.name === name);
      if (!def) {
        const attr: AttributeDef = { name, kind: inferKind(vals), options: [], default: null, description: '' };
        l.attributes.push(attr);
        created.add(`${labelName}\u0000${name}`);
        added.attributes.push(`${labelName}.${name}`);
        continue;
      }
      for (const v of vals) {
        if (def.kind === 'choice' && typeof v === 'string') {
          if (!def.options.includes(v)) {
            def.options.push(v);
            added.attributes.push(`${labelName}.${name}=${v}`);
          }
          continue;
        }
        const fits = (def.kind === 'text' && typeof v === 'string') || (def.kind === 'flag' && typeof v === 'boolean') || (def.kind === 'number' && typeof v === 'number');
        if (!fits) {
          throw new ImportError(
            `attribute “${name}” of “${labelName}” is a ${def.kind} in this corpus; the file gives ${JSON.stringify(v)}`,
          );
        }
      }
    }
  }
  // Values of attributes created as text are text, whatever their JSON type.
  for (const doc of documents) {
    for (const span of doc.spans) {
      if (!span.attrs) continue;
      for (const [name, value] of Object.entries(span.attrs)) {
        const def = label(span.label)!.attributes.find((a) => a.name === name)!;
        if (created.has(`${span.label}\u0000${name}`) && def.kind === 'text' && typeof value !== 'string') span.attrs[name] = String(value);
      }
    }
  }

  for (const t of declared.linkTypes ?? []) {
    if (!linkTypesByName.has(t.name)) {
      draft.linkTypes.push({ ...t, color: isHexColor(t.color) ? t.color : colour() });
      linkTypesByName.set(t.name, draft.linkTypes[draft.linkTypes.length - 1]!);
      added.linkTypes.push(t.name);
    }
  }
  for (const doc of documents) {
    const labelOf = new Map(doc.spans.map((s) => [s.id, s.label]));
    for (const link of doc.links) {
      const from = labelOf.get(link.from);
      const to = labelOf.get(link.to);
      if (from === undefined || to === undefined) continue; // the batch reports a dangling link
      const type = linkTypesByName.get(link.type);
      if (!type) {
        draft.linkTypes.push({ name: link.type, from: [from], to: [to], color: colour(), description: '' });
        linkTypesByName.set(link.type, draft.linkTypes[draft.linkTypes.length - 1]!);
        added.linkTypes.push(link.type);
      } else if (!linkAllowed(type, from, to)) {
        if (type.from.length && !type.from.includes(from)) type.from.push(from);
        if (type.to.length && !type.to.includes(to)) type.to.push(to);
        added.linkTypes.push(`${link.type}: ${from} → ${to}`);
      }
    }
  }

  const changed = added.labels.length + added.attributes.length + added.linkTypes.length > 0;
  if (!changed) return { draft: null, added };
  const problems = schemaProblems(draft);
  if (problems.length) throw new ImportError(`the file's labels do not fit a Loupe schema: ${problems.join('; ')}`);
  return { draft, added };
}

/** Adds `more` to `into`, without repeating an entry. */
export function mergeAdditions(into: SchemaAdditions, more: SchemaAdditions): void {
  for (const key of ['labels', 'attributes', 'linkTypes'] as const) {
    const seen = new Set(into[key]);
    for (const item of more[key]) {
      if (seen.has(item)) continue;
      into[key].push(item);
      seen.add(item);
    }
  }
}
