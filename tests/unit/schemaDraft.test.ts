import { describe, expect, it } from 'vitest';
import { defaultSchema } from '../../src/shared/labels';
import { draftMatchingByName, draftOf, parseSchemaFile, schemaProblems, serializeSchemaFile } from '../../src/shared/schema';
import type { CorpusSchema, SchemaImpact } from '../../src/shared/types';
import {
  editableOf,
  impactLines,
  mapAttributes,
  moveItem,
  newAttribute,
  newLabel,
  parseDefault,
  parseOptions,
  removeLabel,
  toDraft,
  toggleLinkEnd,
  updateAttribute,
  updateLabel,
  withDefaultText,
  withKind,
  withOptionsText,
  type EditableSchema,
} from '../../src/renderer/state/schemaDraft';

const start = (): EditableSchema => editableOf(draftOf(defaultSchema()));
const keyOf = (schema: EditableSchema, name: string): string => schema.labels.find((l) => l.name === name)!.key;
const linkType = (schema: EditableSchema, name: string) => toDraft(schema).linkTypes.find((t) => t.name === name)!;

describe('schema editor draft', () => {
  it('round-trips the corpus schema unchanged', () => {
    const schema = defaultSchema();
    expect(toDraft(editableOf(draftOf(schema)))).toEqual(draftOf(schema));
  });

  it('carries a label rename into the link types, and keeps what it was', () => {
    const schema = start();
    const next = updateLabel(schema, keyOf(schema, 'official'), { name: '官员' });
    expect(linkType(next, 'speaker')).toMatchObject({ from: ['quote'], to: ['官员'] });
    expect(linkType(next, 'pledged_by')).toMatchObject({ from: ['pledge'], to: ['官员'] });
    expect(toDraft(next).labels[1]).toMatchObject({ name: '官员', was: 'official' });
    expect(schemaProblems(toDraft(next))).toEqual([]);
  });

  it('keeps link types on the right label when a rename passes through another label’s name', () => {
    const schema = start();
    const official = keyOf(schema, 'official');
    // typing “quote…” into official's name: for a moment two labels are called quote
    const clash = updateLabel(schema, official, { name: 'quote' });
    expect(schemaProblems(toDraft(clash))).toContain('two labels are called “quote”');
    const next = updateLabel(clash, official, { name: 'quoted_person' });
    expect(linkType(next, 'speaker')).toMatchObject({ from: ['quote'], to: ['quoted_person'] });
  });

  it('drops a deleted label from the link types', () => {
    const schema = start();
    const next = removeLabel(schema, keyOf(schema, 'quote'));
    expect(toDraft(next).labels.map((l) => l.name)).toEqual(['official', 'pledge', 'slogan']);
    // speaker went from quotes only: with no quote label it must not start admitting every label
    expect(next.linkTypes.map((t) => t.name)).toEqual(['pledged_by']);
    expect(schemaProblems(toDraft(next))).toEqual([]);
    // a type that keeps a label at that end just stops naming the deleted one
    let wide = toggleLinkEnd(schema, schema.linkTypes[0]!.key, 'from', keyOf(schema, 'pledge'), true);
    wide = removeLabel(wide, keyOf(wide, 'quote'));
    expect(linkType(wide, 'speaker')).toMatchObject({ from: ['pledge'], to: ['official'] });
  });

  it('toggles link ends in label order', () => {
    const schema = start();
    let next = toggleLinkEnd(schema, schema.linkTypes[0]!.key, 'from', keyOf(schema, 'slogan'), true);
    next = toggleLinkEnd(next, next.linkTypes[0]!.key, 'from', keyOf(next, 'official'), true);
    expect(linkType(next, 'speaker').from).toEqual(['quote', 'official', 'slogan']);
    next = toggleLinkEnd(next, next.linkTypes[0]!.key, 'from', keyOf(next, 'quote'), false);
    expect(linkType(next, 'speaker').from).toEqual(['official', 'slogan']);
  });

  it('gives a new label a free colour and key, and a new attribute no name', () => {
    const schema = start();
    const label = newLabel(schema);
    expect(label.hotkey).toBe('5');
    expect(schema.labels.map((l) => l.color)).not.toContain(label.color);
    const next = mapAttributes({ ...schema, labels: [...schema.labels, { ...label, name: 'place' }] }, label.key, (list) => [
      ...list,
      newAttribute(),
    ]);
    const draft = toDraft(next);
    expect(draft.labels[4]).toMatchObject({ name: 'place', attributes: [{ name: '', kind: 'text', options: [], default: null }] });
    expect(draft.labels[4]!.was).toBeUndefined();
    expect(schemaProblems(draft)).toEqual(['an attribute of “place” needs a name']);
  });

  it('moves items within bounds', () => {
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });

  it('parses options and defaults as typed', () => {
    expect(parseOptions(' direct, indirect\nmixed ,,\uff0c 转述 ')).toEqual(['direct', 'indirect', 'mixed', '转述']);
    expect(parseDefault('number', ' 2025 ')).toBe(2025);
    expect(parseDefault('number', '')).toBeNull();
    expect(parseDefault('number', '20x')).toBe('20x');
    expect(parseDefault('flag', 'false')).toBe(false);
    expect(parseDefault('text', '')).toBeNull();
  });

  it('resets the default when the kind changes or the chosen option goes', () => {
    const schema = start();
    const quote = schema.labels[0]!;
    const kind = quote.attributes[0]!;
    let next = updateAttribute(schema, quote.key, kind.key, (a) => withDefaultText(a, 'indirect'));
    expect(toDraft(next).labels[0]!.attributes[0]!.default).toBe('indirect');
    next = updateAttribute(next, quote.key, kind.key, (a) => withOptionsText(a, 'direct, mixed'));
    expect(toDraft(next).labels[0]!.attributes[0]).toMatchObject({ options: ['direct', 'mixed'], default: null });
    next = updateAttribute(next, quote.key, kind.key, (a) => withKind(withDefaultText(a, 'mixed'), 'text'));
    expect(toDraft(next).labels[0]!.attributes[0]).toMatchObject({ kind: 'text', options: [], default: null });
    // back to a choice: the options typed before come back
    next = updateAttribute(next, quote.key, kind.key, (a) => withKind(a, 'choice'));
    expect(toDraft(next).labels[0]!.attributes[0]!.options).toEqual(['direct', 'mixed']);
    // a number default that is not a number shows as a problem rather than vanishing
    const pledge = next.labels[2]!;
    next = updateAttribute(next, pledge.key, pledge.attributes[1]!.key, (a) => withDefaultText(a, 'soon'));
    expect(schemaProblems(toDraft(next))).toEqual(['the default of “target_year” of “pledge” must be a number']);
  });

  it('matches an imported schema to the corpus by name, so saving keeps the data of what it shares', () => {
    const current = defaultSchema();
    const file: CorpusSchema = {
      labels: [
        {
          ...current.labels[0]!,
          attributes: [
            { ...current.labels[0]!.attributes[0]!, options: ['direct', 'indirect'] },
            { name: 'tone', kind: 'choice', options: ['neutral', 'critical'], default: 'neutral', description: '' },
          ],
        },
        { name: 'person', color: '#1971c2', hotkey: '2', description: 'Anyone quoted', attributes: [] },
      ],
      linkTypes: [{ name: 'speaker', from: ['quote'], to: ['person'], color: '#d9480f', description: '' }],
    };
    const imported = parseSchemaFile(serializeSchemaFile(file));
    const draft = draftMatchingByName(current, imported);
    expect(draft.labels.map((l) => [l.name, l.was])).toEqual([
      ['quote', 'quote'],
      ['person', undefined],
    ]);
    expect(draft.labels[0]!.attributes.map((a) => [a.name, a.was])).toEqual([
      ['kind', 'kind'],
      ['tone', undefined],
    ]);
    expect(draft.linkTypes.map((t) => [t.name, t.was])).toEqual([['speaker', 'speaker']]);
    expect(schemaProblems(draft)).toEqual([]);
    // and it survives the editor unchanged
    expect(toDraft(editableOf(draft))).toEqual(draft);
  });

  it('does not match an attribute of a label the corpus does not have', () => {
    const current = defaultSchema();
    const draft = draftMatchingByName(current, {
      labels: [{ name: 'speech', color: '#d9480f', hotkey: null, description: '', attributes: [current.labels[0]!.attributes[0]!] }],
      linkTypes: [],
    });
    expect(draft.labels[0]!.was).toBeUndefined();
    expect(draft.labels[0]!.attributes[0]!.was).toBeUndefined();
  });

  it('lists what a change would delete, leaving out what loses nothing', () => {
    const impact: SchemaImpact = {
      labels: [
        { name: 'slogan', spans: 12, links: 3 },
        { name: 'pledge', spans: 1, links: 0 },
        { name: 'empty', spans: 0, links: 0 },
      ],
      attributes: [{ label: 'quote', name: 'kind', values: 5 }],
      linkTypes: [{ name: 'speaker', links: 4 }],
    };
    const t = (key: string, params: Record<string, string | number> = {}) =>
      `${key}(${Object.entries(params)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')})`;
    expect(impactLines(impact, t)).toEqual([
      'schema.impactLabelLinks(name=slogan,spans=schema.countSpans(count=12),links=schema.countLinks(count=3))',
      'schema.impactLabel(name=pledge,spans=schema.countSpans(count=1),links=schema.countLinks(count=0))',
      'schema.impactAttribute(name=kind,label=quote,values=schema.countValues(count=5))',
      'schema.impactLinkType(name=speaker,links=schema.countLinks(count=4))',
    ]);
  });
});
