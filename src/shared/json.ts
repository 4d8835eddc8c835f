/**
 * Reading untrusted JSON (import files, schema files, a corpus's JSON columns, the bridge's
 * messages): the one test for "a JSON object" that the readers share.
 */

/** Whether `v` is an object and not an array or null: what JSON.parse makes of `{…}`. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
