/** The Loupe version written into exports. Kept in step with package.json by a unit test. */
export const LOUPE_VERSION = '0.1.0';

/** The version of Loupe's export format (JSON/JSONL field layout). 2: fragments, attributes, notes, links, status. */
export const EXPORT_SCHEMA_VERSION = 2;
