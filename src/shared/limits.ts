/** The largest file Loupe imports (a news article is a few kB; this leaves room for whole books). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
