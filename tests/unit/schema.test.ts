import { describe, expect, it } from 'vitest';
import { defaultSchema } from '../../src/shared/labels';
import {
  attrProblems,
  carryAttrs,
  defaultAttrs,
  DESCRIPTION_MAX,
  draftOf,
  isHexColor,
  linkAllowed,
  NAME_MAX,
  parseSchemaFile,
  RESERVED_HOTKEYS,
  SchemaFileError,
  schemaOfDraft,
  schemaProblems,
  serializeSchemaFile,
} from '../../src/shared/schema';
import type { CorpusSchema } from '../../src/shared/types';
import { ApiError, parseArgs } from '../../src/shared/contract';
import { labelStyleRules } from '../../src/renderer/editor/labelStyles';

/** The default schema with one change made by `edit`. */
function edited(edit: (s: CorpusSchema) => void): CorpusSchema {
  const schema = defaultSchema();
  edit(schema);
  return schema;
}

describe('schemaProblems', () => {
  it('accepts the default schema', () => {
    expect(schemaProblems(defaultSchema())).toEqual([]);
  });

  it('refuses an empty schema and duplicate or badly formed names', () => {
    expect(schemaProblems({ labels: [], linkTypes: [] })).toEqual(['the schema needs at least one label']);
    expect(schemaProblems(edited((s) => (s.labels[1]!.name = 'quote')))).toContain('two labels are called “quote”');
    expect(schemaProblems(edited((s) => (s.labels[0]!.name = ' quote')))).toContainEqual(expect.stringMatching(/must not start or end with spaces/));
    expect(schemaProblems(edited((s) => (s.labels[3]!.name = '')))).toContain('a label needs a name');
    expect(schemaProblems(edited((s) => (s.labels[3]!.name = 'tab\there')))).toContainEqual(expect.stringMatching(/control character/));
    expect(schemaProblems(edited((s) => s.labels[1]!.attributes.push({ ...s.labels[1]!.attributes[0]! })))).toContain(
      '“official” has two attributes called “name”',
    );
    expect(schemaProblems(edited((s) => s.linkTypes.push({ ...s.linkTypes[0]! })))).toContain('two link types are called “speaker”');
  });

  it('refuses reserved, duplicate and malformed hotkeys', () => {
    for (const key of RESERVED_HOTKEYS) {
      expect(schemaProblems(edited((s) => (s.labels[0]!.hotkey = key)))).toEqual([
        `the key “${key}” of “quote” is used by annotate mode itself`,
      ]);
    }
    expect(schemaProblems(edited((s) => (s.labels[1]!.hotkey = '1')))).toEqual(['“official” and “quote” both use the key “1”']);
    expect(schemaProblems(edited((s) => (s.labels[0]!.hotkey = 'Q')))).toEqual(['the key of “quote” must be one digit or lower-case letter']);
    expect(schemaProblems(edited((s) => (s.labels[0]!.hotkey = '12')))).toHaveLength(1);
    expect(schemaProblems(edited((s) => (s.labels[0]!.hotkey = null)))).toEqual([]);
  });

  it('refuses colours that are not #rrggbb', () => {
    for (const color of ['red', '#fff', '#12345g', '1971c2', '#1971c2 ']) {
      expect(schemaProblems(edited((s) => (s.labels[1]!.color = color))), color).toEqual([
        'the colour of “official” must look like #1a2b3c',
      ]);
    }
    expect(schemaProblems(edited((s) => (s.linkTypes[0]!.color = 'blue')))).toEqual([
      'the colour of link type “speaker” must look like #1a2b3c',
    ]);
    expect(schemaProblems(edited((s) => (s.labels[1]!.color = '#ABCdef')))).toEqual([]);
  });

  it('refuses a choice without options, repeated options, options on other kinds and unknown kinds', () => {
    const kind = (s: CorpusSchema) => s.labels[0]!.attributes[0]!;
    expect(schemaProblems(edited((s) => (kind(s).options = [])))).toEqual(['the choice “kind” of “quote” needs at least one option']);
    expect(schemaProblems(edited((s) => (kind(s).options = ['direct', 'direct'])))).toEqual([
      'the choice “kind” of “quote” lists an option twice',
    ]);
    expect(schemaProblems(edited((s) => (s.labels[1]!.attributes[0]!.options = ['x'])))).toEqual([
      'only a choice has options (attribute “name” of “official”)',
    ]);
    expect(schemaProblems(edited((s) => (kind(s).kind = 'date' as never)))).toEqual(['attribute “kind” of “quote” has an unknown kind “date”']);
  });

  it('refuses a default its attribute would not accept', () => {
    expect(schemaProblems(edited((s) => (s.labels[0]!.attributes[0]!.default = 'shouted')))).toEqual([
      'the default of “kind” of “quote” must be one of “direct”, “indirect”, “mixed”',
    ]);
    expect(schemaProblems(edited((s) => (s.labels[2]!.attributes[0]!.default = 'yes')))).toEqual([
      'the default of “measurable” of “pledge” must be true or false',
    ]);
    expect(schemaProblems(edited((s) => (s.labels[2]!.attributes[1]!.default = '2030')))).toEqual([
      'the default of “target_year” of “pledge” must be a number',
    ]);
    expect(schemaProblems(edited((s) => (s.labels[2]!.attributes[1]!.default = Number.NaN)))).toHaveLength(1);
    expect(schemaProblems(edited((s) => (s.labels[0]!.attributes[0]!.default = 'direct')))).toEqual([]);
  });

  it('refuses a link type naming a label the schema does not have', () => {
    expect(schemaProblems(edited((s) => (s.linkTypes[0]!.to = ['official', 'person'])))).toEqual([
      'link type “speaker” names a label “person” the schema does not have',
    ]);
    // Deleting a label a link type names is a problem too, until the link type is changed.
    expect(schemaProblems(edited((s) => s.labels.splice(1, 1)))).toEqual([
      'link type “speaker” names a label “official” the schema does not have',
      'link type “pledged_by” names a label “official” the schema does not have',
    ]);
  });
});

describe('attribute values', () => {
  const [quote, official, pledge] = defaultSchema().labels as [CorpusSchema['labels'][0], CorpusSchema['labels'][0], CorpusSchema['labels'][0]];

  it('names the attribute and the allowed values when a value is refused', () => {
    expect(attrProblems(quote, { kind: 'shouted' })).toEqual([
      'attribute “kind” of “quote” must be one of “direct”, “indirect”, “mixed” (got "shouted")',
    ]);
    expect(attrProblems(quote, { speaker: 'x' })).toEqual(['label “quote” has no attribute “speaker”']);
    expect(attrProblems(pledge, { measurable: 'true', target_year: Number.POSITIVE_INFINITY })).toHaveLength(2);
    expect(attrProblems(official, { name: 3 })).toEqual(['attribute “name” of “official” must be text (got 3)']);
    expect(attrProblems(pledge, { measurable: true, target_year: 2030 })).toEqual([]);
  });

  it('start from the defaults and carry over what the new label admits', () => {
    expect(defaultAttrs(pledge)).toEqual({ measurable: false });
    expect(defaultAttrs(quote)).toEqual({});
    expect(carryAttrs({ kind: 'direct', name: '赵' }, official)).toEqual({ name: '赵' });
    expect(carryAttrs({ kind: 'direct' }, pledge)).toEqual({ measurable: false });
  });

  it('link types admit only the labels they name, any label when the list is empty', () => {
    const [speaker] = defaultSchema().linkTypes;
    expect(linkAllowed(speaker!, 'quote', 'official')).toBe(true);
    expect(linkAllowed(speaker!, 'official', 'quote')).toBe(false);
    expect(linkAllowed({ ...speaker!, from: [], to: [] }, 'slogan', 'pledge')).toBe(true);
  });
});

describe('schema files', () => {
  it('round-trip through serializeSchemaFile and parseSchemaFile, and drafts round-trip too', () => {
    const schema = edited((s) => {
      s.labels[0]!.attributes[0]!.default = 'direct';
      s.labels.push({ name: '引语 “甲”', color: '#000000', hotkey: '9', description: 'line\nbreak', attributes: [] });
      s.linkTypes.push({ name: 'any', from: [], to: [], color: '#ffffff', description: '' });
    });
    const text = serializeSchemaFile(schema);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ format: 'loupe-schema', version: 1 });
    expect(parseSchemaFile(text)).toEqual(schema);
    expect(parseSchemaFile(`\uFEFF${text}`)).toEqual(schema);
    expect(serializeSchemaFile(parseSchemaFile(text))).toBe(text);
    expect(schemaOfDraft(draftOf(schema))).toEqual(schema);
  });

  it('fill in optional fields a hand-written file leaves out', () => {
    const schema = parseSchemaFile(JSON.stringify({ format: 'loupe-schema', version: 1, labels: [{ name: 'person' }] }));
    expect(schema).toEqual({
      labels: [{ name: 'person', color: '#868e96', hotkey: null, description: '', attributes: [] }],
      linkTypes: [],
    });
  });

  it('explain why a file is refused', () => {
    const err = (text: string) => {
      try {
        parseSchemaFile(text);
      } catch (error) {
        expect(error).toBeInstanceOf(SchemaFileError);
        return (error as Error).message;
      }
      throw new Error('expected parseSchemaFile to refuse the file');
    };
    const good = JSON.parse(serializeSchemaFile(defaultSchema())) as Record<string, unknown>;
    expect(err('{"format": "loupe-schema",')).toMatch(/^not a schema file: it is not valid JSON/);
    expect(err('[]')).toBe('not a schema file: it lacks "format": "loupe-schema"');
    expect(err(JSON.stringify({ ...good, format: 'doccano' }))).toMatch(/lacks "format"/);
    expect(err(JSON.stringify({ ...good, version: 2 }))).toBe('this schema file has version 2; this Loupe reads version 1');
    expect(err(JSON.stringify({ ...good, version: '1' }))).toBe('not a schema file: its "version" is "1", not a whole number');
    expect(err(JSON.stringify({ ...good, version: undefined }))).toBe('not a schema file: its "version" is missing, not a whole number');
    expect(err(JSON.stringify({ ...good, labels: undefined }))).toBe('the schema file has no "labels" list');
    expect(err(JSON.stringify({ ...good, labels: ['quote'] }))).toBe('label 1 is not an object');
    expect(err(JSON.stringify({ ...good, labels: [{ name: 'a', hotkey: 'q' }], linkTypes: [] }))).toBe(
      'the schema file is not valid: the key “q” of “a” is used by annotate mode itself',
    );
    expect(err(JSON.stringify({ ...good, labels: [{ name: 'a' }] }))).toMatch(/link type “speaker” names a label “quote”/);
  });
});

describe('the schema rules and the API contract are one rule', () => {
  // What a Loupe API client sees: the same limit and colour rule whether the store or zod checks it.
  const contractProblems = (schema: CorpusSchema): boolean => {
    try {
      parseArgs('updateSchema', { corpusId: 'c', schema: draftOf(schema) });
      return false;
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      return true;
    }
  };

  it('a name of NAME_MAX characters passes both; one more fails both', () => {
    const ok = edited((s) => (s.labels[3]!.name = 'x'.repeat(NAME_MAX)));
    const long = edited((s) => (s.labels[3]!.name = 'x'.repeat(NAME_MAX + 1)));
    expect([schemaProblems(ok), contractProblems(ok)]).toEqual([[], false]);
    expect(schemaProblems(long)).toHaveLength(1);
    expect(contractProblems(long)).toBe(true);
  });

  it('a description of DESCRIPTION_MAX characters passes; one more is refused', () => {
    expect(contractProblems(edited((s) => (s.labels[0]!.description = 'd'.repeat(DESCRIPTION_MAX))))).toBe(false);
    expect(contractProblems(edited((s) => (s.labels[0]!.description = 'd'.repeat(DESCRIPTION_MAX + 1))))).toBe(true);
  });

  it('a colour is refused by both, accepted by both, and only an accepted one reaches the style sheet', () => {
    for (const color of ['red', '#fff', '#12345g', '1971c2', '#1971c2 ', '#1971C2', '#d9480f']) {
      const schema = edited((s) => (s.labels[1]!.color = color));
      const refused = schemaProblems(schema).length > 0;
      expect(contractProblems(schema), color).toBe(refused);
      expect(isHexColor(color), color).toBe(!refused);
      expect(labelStyleRules([{ color }])[0]!.includes(color), color).toBe(!refused);
    }
  });
});
