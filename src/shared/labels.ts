import type { CorpusSchema, Label, LinkType } from './types';

/** The label schema a new corpus starts with: attribution of quotes, officials, pledges and slogans. */
export const DEFAULT_LABELS: readonly Label[] = [
  {
    name: 'quote',
    color: '#d9480f',
    hotkey: '1',
    description: 'Words reported as said or written by someone',
    attributes: [
      {
        name: 'kind',
        kind: 'choice',
        options: ['direct', 'indirect', 'mixed'],
        default: null,
        description: 'Direct (in quotation marks), indirect (reported, e.g. after 表示), or mixed',
      },
    ],
  },
  {
    name: 'official',
    color: '#1971c2',
    hotkey: '2',
    description: 'An official, named with title or office',
    attributes: [
      { name: 'name', kind: 'text', options: [], default: null, description: 'The person’s name, e.g. 赵宏钟' },
      { name: 'role', kind: 'text', options: [], default: null, description: 'Title or office, e.g. 寿阳县委书记' },
    ],
  },
  {
    name: 'pledge',
    color: '#2f9e44',
    hotkey: '3',
    description: 'A promise or commitment to act',
    attributes: [
      { name: 'measurable', kind: 'flag', options: [], default: false, description: 'States a number, date or other checkable target' },
      { name: 'target_year', kind: 'number', options: [], default: null, description: 'The year the pledge is due, when stated' },
    ],
  },
  { name: 'slogan', color: '#ae3ec9', hotkey: '4', description: 'A set phrase or campaign slogan', attributes: [] },
];

/** The link types a new corpus starts with. */
export const DEFAULT_LINK_TYPES: readonly LinkType[] = [
  { name: 'speaker', from: ['quote'], to: ['official'], color: '#d9480f', description: 'Who said the quote' },
  { name: 'pledged_by', from: ['pledge'], to: ['official'], color: '#2f9e44', description: 'Who made the pledge' },
];

/** The schema a new corpus starts with (fresh copies, safe to change). */
export function defaultSchema(): CorpusSchema {
  return structuredClone({ labels: [...DEFAULT_LABELS], linkTypes: [...DEFAULT_LINK_TYPES] });
}
