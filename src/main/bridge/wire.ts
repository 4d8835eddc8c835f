/**
 * JSON cannot carry bytes: on the loopback wire a Uint8Array travels as { $bytes: base64 }.
 * The renderer's client has its own encoder (no Node Buffer there); this is the server side.
 */

/** Replaces { $bytes } objects with Uint8Arrays, recursively. */
export function reviveBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveBytes);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && keys[0] === '$bytes' && typeof record.$bytes === 'string') {
      return new Uint8Array(Buffer.from(record.$bytes, 'base64'));
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = reviveBytes(record[k]);
    return out;
  }
  return value;
}
