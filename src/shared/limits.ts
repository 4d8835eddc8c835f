/** The largest file Loupe imports (a news article is a few kB; this leaves room for whole books). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** The same limit in MB, for messages. */
export const MAX_IMPORT_MB = MAX_IMPORT_BYTES / (1024 * 1024);

/** The largest text file (a schema file) the host opens for the UI; a schema is a few kB. */
export const MAX_TEXT_FILE_BYTES = 5 * 1024 * 1024;

/** The same limit in MB, for messages. */
export const MAX_TEXT_FILE_MB = MAX_TEXT_FILE_BYTES / (1024 * 1024);
