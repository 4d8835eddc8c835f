/**
 * Span and link ids: random and URL-safe, made where the span is made (the editor needs no round
 * trip). An id never starts with `-`, `=`, `+` or `@`, which spreadsheets read as a formula.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Ids Loupe keeps as they are (a file's own, when free): URL-safe, not starting like a formula. */
export const PLAIN_ID = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,199}$/;

let source: (() => string) | null = null;

/** A new random id: 16 URL-safe characters (95 bits), the first a letter. */
export function newId(): string {
  if (source) return source();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // The low 6 bits of each byte are uniform over the 64 symbols; the first takes 5 bits, A..Z a..f.
  let id = ALPHABET[bytes[0]! & 31]!;
  for (let i = 1; i < bytes.length; i++) id += ALPHABET[bytes[i]! & 63];
  return id;
}

/**
 * Makes `newId` return what `next` gives (tests: a seeded sequence, so a random walk replays from
 * its seed); null restores random ids.
 */
export function setIdSource(next: (() => string) | null): void {
  source = next;
}
