/** The largest file Loupe imports (a news article is a few kB; this leaves room for whole books). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** The same limit in MB, for messages. */
export const MAX_IMPORT_MB = MAX_IMPORT_BYTES / (1024 * 1024);

/** The largest text file (a schema file) the host opens for the UI; a schema is a few kB. */
export const MAX_TEXT_FILE_BYTES = 5 * 1024 * 1024;

/** The same limit in MB, for messages. */
export const MAX_TEXT_FILE_MB = MAX_TEXT_FILE_BYTES / (1024 * 1024);

/** The most entries a zip may list to be imported: all a zip without ZIP64 holds, as many as Loupe's brat export writes at most. */
export const MAX_ZIP_ENTRIES = 65_535;

/** The most a zip's entries may unpack to in all (a 64 MB zip of text unpacks to about this much). */
export const MAX_ZIP_UNPACKED_BYTES = 4 * MAX_IMPORT_BYTES;

/** The most an entry over ZIP_RATIO_GRACE_BYTES may unpack to per byte it is packed in (text packs about 3–10:1, a zip bomb 1000:1). */
export const MAX_ZIP_RATIO = 100;

/** Entries up to this size are not held to MAX_ZIP_RATIO (a short, repetitive file may pack very well). */
export const ZIP_RATIO_GRACE_BYTES = 1024 * 1024;
