/**
 * The loopback bridge's JSON cannot carry bytes: a Uint8Array travels as { $bytes: base64 }.
 * Both ends live here (the browser encodes, the bridge decodes), so the format has one definition.
 */
import { isObject } from './json';

/** JSON.stringify replacer that encodes Uint8Arrays. */
export function bytesReplacer(_key: string, value: unknown): unknown {
  if (!(value instanceof Uint8Array)) return value;
  let binary = '';
  const chunk = 0x8000; // String.fromCharCode takes a bounded number of arguments
  for (let i = 0; i < value.length; i += chunk) binary += String.fromCharCode(...value.subarray(i, i + chunk));
  return { $bytes: btoa(binary) };
}

/** The `$bytes` string of an encoded Uint8Array, or undefined when `value` is not one. */
export function encodedBytes(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$bytes' && typeof value.$bytes === 'string' ? value.$bytes : undefined;
}

/** How many bytes a base64 string decodes to, without decoding it. */
export function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/** A `$bytes` value larger than the decoder was allowed to decode; `path` says where it was. */
export class BytesTooLargeError extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`${path.join('.') || 'argument'} holds ${bytes} bytes, more than the ${limit} allowed`);
    this.name = 'BytesTooLargeError';
  }
}

/**
 * Replaces { $bytes } objects with Uint8Arrays, recursively (the inverse of bytesReplacer). One larger
 * than `maxBytes` is refused before it is decoded: decoding is what takes the memory.
 */
export function reviveBytes(value: unknown, maxBytes = Infinity, at: (string | number)[] = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => reviveBytes(v, maxBytes, [...at, i]));
  if (value && typeof value === 'object') {
    const base64 = encodedBytes(value);
    if (base64 !== undefined) {
      const size = decodedLength(base64);
      if (size > maxBytes) throw new BytesTooLargeError(at, size, maxBytes);
      const binary = atob(base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      return bytes;
    }
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(record)) out[k] = reviveBytes(record[k], maxBytes, [...at, k]);
    return out;
  }
  return value;
}
