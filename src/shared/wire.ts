/**
 * The loopback bridge's JSON cannot carry bytes: a Uint8Array travels as { $bytes: base64 }.
 * Both ends live here (the browser encodes, the bridge decodes), so the format has one definition.
 */

/** JSON.stringify replacer that encodes Uint8Arrays. */
export function bytesReplacer(_key: string, value: unknown): unknown {
  if (!(value instanceof Uint8Array)) return value;
  let binary = '';
  const chunk = 0x8000; // String.fromCharCode takes a bounded number of arguments
  for (let i = 0; i < value.length; i += chunk) binary += String.fromCharCode(...value.subarray(i, i + chunk));
  return { $bytes: btoa(binary) };
}

/** Replaces { $bytes } objects with Uint8Arrays, recursively (the inverse of bytesReplacer). */
export function reviveBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveBytes);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && keys[0] === '$bytes' && typeof record.$bytes === 'string') {
      return Uint8Array.from(atob(record.$bytes), (c) => c.charCodeAt(0));
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = reviveBytes(record[k]);
    return out;
  }
  return value;
}
