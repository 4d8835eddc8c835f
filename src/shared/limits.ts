/** The largest file Loupe imports (a news article is a few kB; this leaves room for whole books). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** The same limit in MB, for messages. */
export const MAX_IMPORT_MB = MAX_IMPORT_BYTES / (1024 * 1024);
