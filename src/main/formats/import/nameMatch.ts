/**
 * Matching the names an import brings to the corpus's, before the schema is fitted: a label,
 * attribute or link type whose name differs from one of the corpus only by case is that one
 * (`Quote` is `quote`), and so are two names of the import that differ only by case (the first
 * spelling met is kept). A label the caller maps (`labelMap`, e.g. `PER` → `official`) is stored
 * under the label it names: the corpus's (matched the same way), or a new one of that name.
 * Pure: rewrites the parsed documents and the declared schema in place and says what it renamed.
 */
import type { AttributeDef, CorpusSchema, Label, LinkType, SpanAttrs } from '../../../shared/types';
import type { ParsedDocument } from './types';

/** Case-insensitive key of a name. */
const fold = (name: string): string => name.toLowerCase();

/** Names matched regardless of case: the first spelling of each folded name wins, exact matches first. */
class NameTable {
  private readonly exact = new Set<string>();
  private readonly folded = new Map<string, string>();

  constructor(names: Iterable<string> = []) {
    for (const name of names) this.add(name);
  }

  private add(name: string): void {
    this.exact.add(name);
    if (!this.folded.has(fold(name))) this.folded.set(fold(name), name);
  }

  /** The name `name` is stored under; a name met for the first time is taken as it is. */
  resolve(name: string): string {
    if (this.exact.has(name)) return name;
    const known = this.folded.get(fold(name));
    if (known !== undefined) return known;
    this.add(name);
    return name;
  }
}

/** What matching renamed. */
export interface NameMatches {
  /** File labels stored under another name, once each. */
  labels: { from: string; to: string }[];
  /** Per document (in the order given): what it had renamed besides labels, for the report's notes. */
  notes: string[][];
}

/** The target `labelMap` gives `name`: its exact key, else a key that differs only by case. */
function mapTarget(labelMap: Readonly<Record<string, string>>, name: string): string | undefined {
  if (Object.hasOwn(labelMap, name)) return labelMap[name];
  const key = Object.keys(labelMap).find((k) => fold(k) === fold(name));
  return key === undefined ? undefined : labelMap[key];
}

/**
 * Renames, in `documents` and `declared`, every label, attribute and link type to the name the
 * corpus (`current`) knows it by, applying `labelMap` to labels first.
 */
export function matchNames(
  current: CorpusSchema,
  documents: ParsedDocument[],
  declared: Partial<CorpusSchema> | undefined,
  labelMap: Readonly<Record<string, string>> = {},
): NameMatches {
  const labelNames = new NameTable(current.labels.map((l) => l.name));
  const renamedLabels = new Map<string, string>();
  const label = (name: string): string => {
    let stored = renamedLabels.get(name);
    if (stored === undefined) {
      stored = labelNames.resolve(mapTarget(labelMap, name) ?? name);
      renamedLabels.set(name, stored);
    }
    return stored;
  };

  // Attribute names per stored label: the corpus's first, then the file's declared ones.
  const attrTables = new Map<string, NameTable>();
  for (const l of current.labels) attrTables.set(l.name, new NameTable(l.attributes.map((a) => a.name)));
  const attrTable = (labelName: string): NameTable => {
    let table = attrTables.get(labelName);
    if (!table) attrTables.set(labelName, (table = new NameTable()));
    return table;
  };
  const typeNames = new NameTable(current.linkTypes.map((t) => t.name));

  if (declared?.labels) {
    // Two declared labels stored under one name become one: the first's colour and key, both's attributes.
    const byName = new Map<string, Label>();
    for (const l of declared.labels) {
      const name = label(l.name);
      const table = attrTable(name);
      const attributes = l.attributes.map((a): AttributeDef => ({ ...a, name: table.resolve(a.name) }));
      const into = byName.get(name);
      if (!into) byName.set(name, { ...l, name, attributes: dedupeAttributes(attributes) });
      else into.attributes = dedupeAttributes([...into.attributes, ...attributes]);
    }
    declared.labels = [...byName.values()];
  }
  if (declared?.linkTypes) {
    const byName = new Map<string, LinkType>();
    for (const t of declared.linkTypes) {
      const name = typeNames.resolve(t.name);
      const ends = (list: readonly string[]) => [...new Set(list.map(label))];
      const into = byName.get(name);
      if (!into) byName.set(name, { ...t, name, from: ends(t.from), to: ends(t.to) });
      else {
        // An empty end admits any label; a merged type admits what either admitted.
        into.from = into.from.length && t.from.length ? [...new Set([...into.from, ...ends(t.from)])] : [];
        into.to = into.to.length && t.to.length ? [...new Set([...into.to, ...ends(t.to)])] : [];
      }
    }
    declared.linkTypes = [...byName.values()];
  }

  const notes = documents.map((doc) => {
    const attrsRenamed = new Set<string>();
    let attrsDropped = 0;
    for (const span of doc.spans) {
      span.label = label(span.label);
      if (!span.attrs) continue;
      const table = attrTable(span.label);
      const attrs: SpanAttrs = {};
      for (const [key, value] of Object.entries(span.attrs)) {
        const name = table.resolve(key);
        if (name !== key) attrsRenamed.add(`${span.label}.${key} → ${span.label}.${name}`);
        if (Object.hasOwn(attrs, name)) attrsDropped++;
        else attrs[name] = value;
      }
      span.attrs = attrs;
    }
    const typesRenamed = new Set<string>();
    for (const link of doc.links) {
      const name = typeNames.resolve(link.type);
      if (name !== link.type) typesRenamed.add(`${link.type} → ${name}`);
      link.type = name;
    }
    const out: string[] = [];
    if (attrsRenamed.size) out.push(`attribute names matched to the corpus's regardless of case: ${[...attrsRenamed].join(', ')}`);
    if (attrsDropped) out.push(`attribute values given twice under names that differ only by case (the first kept): ${attrsDropped}`);
    if (typesRenamed.size) out.push(`link types matched to the corpus's regardless of case: ${[...typesRenamed].join(', ')}`);
    return out;
  });

  const labels = [...renamedLabels].filter(([from, to]) => from !== to).map(([from, to]) => ({ from, to }));
  return { labels, notes };
}

/** Attributes with one entry per name (the first). */
function dedupeAttributes(attributes: AttributeDef[]): AttributeDef[] {
  const seen = new Set<string>();
  return attributes.filter((a) => !seen.has(a.name) && seen.add(a.name));
}
