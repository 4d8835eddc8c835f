import type { Label } from './types';

/** The label schema a new corpus starts with. */
export const DEFAULT_LABELS: readonly Label[] = [
  { name: 'quote', color: '#d9480f', hotkey: '1', description: 'Words reported as said or written by someone' },
  { name: 'official', color: '#1971c2', hotkey: '2', description: 'An official, named with title or office' },
  { name: 'pledge', color: '#2f9e44', hotkey: '3', description: 'A promise or commitment to act' },
  { name: 'slogan', color: '#ae3ec9', hotkey: '4', description: 'A set phrase or campaign slogan' },
];
