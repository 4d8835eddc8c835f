import type { Migration } from './index';

/**
 * A fingerprint of each document's text, for finding an article the corpus already holds without
 * reading every text: its length and first 64 characters, indexed. SQLite keeps an expression index
 * up to date on every write (the loupe command, other tools), so nothing has to remember to. Texts
 * with the same fingerprint are then compared whole.
 */
export const m003DocumentFingerprint: Migration = {
  version: 3,
  name: 'document fingerprint',
  up: `
    CREATE INDEX documents_by_fingerprint ON documents (length(text), substr(text, 1, 64));
  `,
  // Finding duplicates works without the index, only slower; a read-only corpus imports nothing anyway.
  readCompatible: true,
};
