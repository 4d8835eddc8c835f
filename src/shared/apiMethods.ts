/**
 * The API's method names as a plain list, free of the schema library, so the sandboxed preload can
 * bundle it without zod. A compile-time check keeps the list and `LoupeApi` identical.
 */
import type { LoupeApi } from './contract';

/** Every method of `LoupeApi`, once. */
export const API_METHOD_NAMES = [
  'corpusInfo',
  'listDocuments',
  'getDocument',
  'saveDocument',
  'deleteDocument',
  'importFiles',
  'importPaths',
  'importProgress',
  'cancelImport',
  'exportCorpus',
  'openCorpus',
  'createCorpus',
  'updateSchema',
  'saveCopy',
  'pathInfo',
  'listBackups',
  'restoreBackup',
  'startupProblems',
  'getSettings',
  'updateSettings',
  'agreement',
  'handout',
  'mergeCopy',
  'acceptAgreed',
  'curationView',
  'annotators',
  'curate',
  'setCurationStatus',
] as const satisfies readonly (keyof LoupeApi)[];

type Listed = (typeof API_METHOD_NAMES)[number];
type Assert<T extends true> = T;
/** Fails to compile when a method of `LoupeApi` is missing from the list (or the list names a stranger). */
export type ApiMethodNamesComplete = Assert<
  [Exclude<keyof LoupeApi, Listed>, Exclude<Listed, keyof LoupeApi>] extends [never, never] ? true : false
>;
