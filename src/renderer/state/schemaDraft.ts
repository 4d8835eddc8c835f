/**
 * The schema editor's working copy of a SchemaDraft. Every label, attribute and link type carries a
 * stable `key`, and link types name their labels by key, so renaming a label (even through a name
 * another label has for a moment while typing) carries its link types along, and deleting it drops
 * it from them. Options and defaults keep the text as typed next to the parsed value. Pure
 * functions, no React: the SchemaEditor component renders and updates an EditableSchema.
 */
import { attrValueProblem } from '../../shared/schema';
import type { AttrValue, AttributeKind, SchemaDraft, SchemaImpact } from '../../shared/types';

type DraftLabel = SchemaDraft['labels'][number];
type DraftAttr = DraftLabel['attributes'][number];
type DraftLinkType = SchemaDraft['linkTypes'][number];

/** An attribute being edited: the draft's fields plus its options and default as typed. */
export interface AttrItem extends DraftAttr {
  key: string;
  /** The options of a choice as typed (separated by commas or new lines). */
  optionsText: string;
  /** The default as typed: '' for none, 'true'/'false' for a flag. */
  defaultText: string;
}

/** A label being edited. */
export interface LabelItem extends Omit<DraftLabel, 'attributes'> {
  key: string;
  attributes: AttrItem[];
}

/** A link type being edited; `from` and `to` hold label keys (empty: any label). */
export interface LinkTypeItem extends DraftLinkType {
  key: string;
}

/** The schema editor's state. */
export interface EditableSchema {
  labels: LabelItem[];
  linkTypes: LinkTypeItem[];
}

let lastKey = 0;
const newKey = (): string => `k${++lastKey}`;

/** Colours a new label picks from (the first one no label uses yet). */
const LABEL_PALETTE = ['#e8590c', '#1098ad', '#7048e8', '#d6336c', '#37b24d', '#f59f00', '#4263eb', '#868e96'];
/** The colour a new link type starts with. */
const LINK_TYPE_COLOR = '#495057';
/** Keys a new label may get (the first one free). */
const NEW_LABEL_HOTKEYS = '1234567890';

/** Splits options as typed: commas (ASCII or full-width) or new lines separate them; blanks go. */
export function parseOptions(text: string): string[] {
  return text
    .split(/[,\uff0c\n]/)
    .map((o) => o.trim())
    .filter((o) => o !== '');
}

/** The default a kind's typed text stands for; text that is not a number stays text (and shows as a problem). */
export function parseDefault(kind: AttributeKind, text: string): AttrValue | null {
  if (text === '') return null;
  switch (kind) {
    case 'flag':
      return text === 'true' ? true : text === 'false' ? false : null;
    case 'number': {
      const trimmed = text.trim();
      if (trimmed === '') return null;
      const n = Number(trimmed);
      return Number.isFinite(n) ? n : text;
    }
    default:
      return text;
  }
}

const attrItemOf = (a: DraftAttr): AttrItem => ({
  ...a,
  key: newKey(),
  optionsText: a.options.join(', '),
  defaultText: a.default === null ? '' : String(a.default),
});

/** The editable form of a draft (link types' label names become keys; unknown names are dropped). */
export function editableOf(draft: SchemaDraft): EditableSchema {
  const labels: LabelItem[] = draft.labels.map((l) => ({ ...l, key: newKey(), attributes: l.attributes.map(attrItemOf) }));
  const keyOf = new Map<string, string>();
  for (const l of labels) if (!keyOf.has(l.name)) keyOf.set(l.name, l.key);
  const keys = (names: string[]) => names.map((n) => keyOf.get(n)).filter((k): k is string => k !== undefined);
  return {
    labels,
    linkTypes: draft.linkTypes.map((t) => ({ ...t, key: newKey(), from: keys(t.from), to: keys(t.to) })),
  };
}

const withWas = <T extends object>(was: string | undefined, item: T): T & { was?: string } =>
  was === undefined ? item : { was, ...item };

/** The SchemaDraft an editable schema stands for (what updateSchema receives and schemaProblems checks). */
export function toDraft(schema: EditableSchema): SchemaDraft {
  const nameOf = new Map(schema.labels.map((l) => [l.key, l.name]));
  const names = (keys: string[]) => keys.map((k) => nameOf.get(k)).filter((n): n is string => n !== undefined);
  return {
    labels: schema.labels.map((l) =>
      withWas(l.was, {
        name: l.name,
        color: l.color,
        hotkey: l.hotkey,
        description: l.description,
        attributes: l.attributes.map((a) =>
          withWas(a.was, { name: a.name, kind: a.kind, options: a.options, default: a.default, description: a.description }),
        ),
      }),
    ),
    linkTypes: schema.linkTypes.map((t) =>
      withWas(t.was, { name: t.name, from: names(t.from), to: names(t.to), color: t.color, description: t.description }),
    ),
  };
}

/** Whether two drafts say the same (order included). */
export const sameDraft = (a: SchemaDraft, b: SchemaDraft): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A new label: no name yet, a colour and a digit key no other label uses. */
export function newLabel(schema: EditableSchema): LabelItem {
  const colors = new Set(schema.labels.map((l) => l.color.toLowerCase()));
  const hotkeys = new Set(schema.labels.map((l) => l.hotkey));
  return {
    key: newKey(),
    name: '',
    color: LABEL_PALETTE.find((c) => !colors.has(c)) ?? LABEL_PALETTE[LABEL_PALETTE.length - 1]!,
    hotkey: [...NEW_LABEL_HOTKEYS].find((k) => !hotkeys.has(k)) ?? null,
    description: '',
    attributes: [],
  };
}

/** A new attribute: no name yet, free text, no default. */
export function newAttribute(): AttrItem {
  return { key: newKey(), name: '', kind: 'text', options: [], optionsText: '', default: null, defaultText: '', description: '' };
}

/** A new link type: no name yet, between any labels. */
export function newLinkType(): LinkTypeItem {
  return { key: newKey(), name: '', from: [], to: [], color: LINK_TYPE_COLOR, description: '' };
}

/** `list` with the item at `index` moved by `delta` places (unchanged when that leaves the list). */
export function moveItem<T>(list: readonly T[], index: number, delta: number): T[] {
  const to = index + delta;
  const next = [...list];
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return next;
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item!);
  return next;
}

/** Changes the fields of one label. */
export function updateLabel(schema: EditableSchema, key: string, patch: Partial<Omit<LabelItem, 'key'>>): EditableSchema {
  return { ...schema, labels: schema.labels.map((l) => (l.key === key ? { ...l, ...patch } : l)) };
}

/**
 * Deletes a label; link types stop naming it. A link type left with no label at an end it used to
 * restrict is deleted too: an empty list means "any label", and a type meant for that label alone
 * must not quietly start admitting every label (its links went with the label's spans anyway).
 */
export function removeLabel(schema: EditableSchema, key: string): EditableSchema {
  const drop = (keys: string[]) => keys.filter((k) => k !== key);
  const emptied = (keys: string[]) => keys.length > 0 && drop(keys).length === 0;
  return {
    labels: schema.labels.filter((l) => l.key !== key),
    linkTypes: schema.linkTypes
      .filter((t) => !emptied(t.from) && !emptied(t.to))
      .map((t) => (t.from.includes(key) || t.to.includes(key) ? { ...t, from: drop(t.from), to: drop(t.to) } : t)),
  };
}

/** Replaces one label's attribute list with `change(list)` (add, delete, reorder). */
export function mapAttributes(
  schema: EditableSchema,
  labelKey: string,
  change: (attributes: AttrItem[]) => AttrItem[],
): EditableSchema {
  return { ...schema, labels: schema.labels.map((l) => (l.key === labelKey ? { ...l, attributes: change(l.attributes) } : l)) };
}

/** Replaces one attribute with `change(attribute)`. */
export function updateAttribute(
  schema: EditableSchema,
  labelKey: string,
  attrKey: string,
  change: (attribute: AttrItem) => AttrItem,
): EditableSchema {
  return mapAttributes(schema, labelKey, (list) => list.map((a) => (a.key === attrKey ? change(a) : a)));
}

/** Changes the fields of one link type. */
export function updateLinkType(
  schema: EditableSchema,
  key: string,
  patch: Partial<Omit<LinkTypeItem, 'key'>>,
): EditableSchema {
  return { ...schema, linkTypes: schema.linkTypes.map((t) => (t.key === key ? { ...t, ...patch } : t)) };
}

/** Allows (or stops allowing) a label at one end of a link type; the list keeps the labels' order. */
export function toggleLinkEnd(
  schema: EditableSchema,
  typeKey: string,
  end: 'from' | 'to',
  labelKey: string,
  allowed: boolean,
): EditableSchema {
  const type = schema.linkTypes.find((t) => t.key === typeKey);
  if (!type) return schema;
  const keys = new Set(type[end]);
  if (allowed) keys.add(labelKey);
  else keys.delete(labelKey);
  return updateLinkType(schema, typeKey, { [end]: schema.labels.filter((l) => keys.has(l.key)).map((l) => l.key) });
}

/** Changes an attribute's kind: a choice gets its typed options back, the others none; the default is reset. */
export function withKind(attr: AttrItem, kind: AttributeKind): AttrItem {
  return {
    ...attr,
    kind,
    options: kind === 'choice' ? parseOptions(attr.optionsText) : [],
    default: null,
    defaultText: '',
  };
}

/** Changes a choice's options as typed; a default that is no longer an option is reset. */
export function withOptionsText(attr: AttrItem, optionsText: string): AttrItem {
  const options = attr.kind === 'choice' ? parseOptions(optionsText) : [];
  const next = { ...attr, optionsText, options };
  return next.default !== null && attrValueProblem(next, next.default) !== null
    ? { ...next, default: null, defaultText: '' }
    : next;
}

/** Changes an attribute's default as typed ('' for none). */
export function withDefaultText(attr: AttrItem, defaultText: string): AttrItem {
  return { ...attr, defaultText, default: parseDefault(attr.kind, defaultText) };
}

type Translate = (key: string, params?: Record<string, string | number>) => string;

/**
 * One line per thing a schema change would delete, e.g. “label ‘slogan’: 12 spans, 3 links”
 * (labels, attributes and link types that lose nothing are left out).
 */
export function impactLines(impact: SchemaImpact, t: Translate): string[] {
  return [
    ...impact.labels.filter((l) => l.spans > 0 || l.links > 0).map((l) =>
      t(l.links > 0 ? 'schema.impactLabelLinks' : 'schema.impactLabel', {
        name: l.name,
        spans: t('schema.countSpans', { count: l.spans }),
        links: t('schema.countLinks', { count: l.links }),
      }),
    ),
    ...impact.attributes.filter((a) => a.values > 0).map((a) =>
      t('schema.impactAttribute', { name: a.name, label: a.label, values: t('schema.countValues', { count: a.values }) }),
    ),
    ...impact.linkTypes.filter((l) => l.links > 0).map((l) => t('schema.impactLinkType', { name: l.name, links: t('schema.countLinks', { count: l.links }) })),
  ];
}
