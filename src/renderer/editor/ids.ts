/** Span ids: random, URL-safe, made in the renderer so a new span needs no round trip. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A new random span id: 16 URL-safe characters (96 bits). */
export function newSpanId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = '';
  // 64 symbols: the low 6 bits of each byte are uniform.
  for (const b of bytes) id += ALPHABET[b & 63];
  return id;
}
