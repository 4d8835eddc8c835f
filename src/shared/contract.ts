/**
 * The one API contract between the UI and the Node side. `LoupeApi` lists every method; `apiSchemas`
 * validates each method's single argument and is checked against `LoupeApi` at compile time; IPC
 * (main/preload) and the loopback bridge are both generated from `API_METHODS`.
 */
import { z } from 'zod';
import type {
  CurationStatus,
  AttributeKind,
  CorpusInfo,
  DocumentStatus,
  DocumentSummary,
  ExportFormat,
  ExportRequest,
  ExportResult,
  ImportFile,
  ImportPath,
  ImportProgress,
  ImportFormat,
  ImportOptions,
  ImportReport,
  DuplicatePolicy,
  Locale,
  OffsetUnit,
  OpenedDocument,
  SaveDocumentRequest,
  SchemaDraft,
  SchemaUpdateResult,
  SaveResult,
  Settings,
  BackupInfo,
  PathInfo,
  StartupProblem,
} from './types';
import { ATTRIBUTE_KINDS, DOCUMENT_STATUSES, DUPLICATE_POLICIES, EXPORT_FORMATS, IMPORT_FORMATS, OFFSET_UNITS } from './types';
import { hasLoneSurrogate } from './offsets';
import { DESCRIPTION_MAX, HEX_COLOR, NAME_MAX, NOTE_MAX, TEXT_VALUE_MAX } from './schema';
import { API_METHOD_NAMES } from './apiMethods';
import type { ErrorReason } from './errors';
import { MAX_ANNOTATORS } from './agreement/report';
import type { AgreementReport } from './agreement/report';
import type { AcceptAgreedReport, AgreementThreshold, HandoutResult, MergeReport } from './teamwork';
import type { CurationView } from './curation';

/** How many disagreements `agreement` sends (the CSV and the command line have them all). */
export const AGREEMENT_DISAGREEMENTS_SHOWN = 1000;

/** What `agreement` answers. */
export interface AgreementSummary {
  /** Every annotator of the corpus, with the documents they have a layer of and their spans. */
  annotators: { name: string; documents: number; spans: number }[];
  report: AgreementReport | null;
  /** Spans with no annotator, left out. */
  unattributedSpans: number;
  /** All the disagreements, of which the report carries the first AGREEMENT_DISAGREEMENTS_SHOWN. */
  disagreements: number;
}

/** Every method takes one argument object and returns a promise. */
export interface LoupeApi {
  corpusInfo(args: Record<string, never>): Promise<CorpusInfo>;
  listDocuments(args: Record<string, never>): Promise<DocumentSummary[]>;
  /** A document with the user's layer of spans and links, or `layer`'s (another annotator's, to read). */
  getDocument(args: { id: number; layer?: string }): Promise<OpenedDocument>;
  saveDocument(args: SaveDocumentRequest): Promise<SaveResult>;
  deleteDocument(args: { id: number }): Promise<void>;
  /**
   * Imports files, each in its own transaction; the format of each is detected unless `format` is
   * given. Documents the corpus already holds are skipped unless `duplicates` is 'import'; labels
   * are matched regardless of case and through `labelMap`; `dryRun` reports without writing; `fields` names the text and annotation
   * fields of doccano files whose layout cannot be told (see ImportOptions).
   */
  importFiles(args: { files: ImportFile[] } & ImportOptions): Promise<ImportReport>;
  /**
   * Imports files from this computer, as importFiles does, named in the report by `name`: the Node
   * side reads each file only when its turn comes, off the main thread, and stores them batch by
   * batch (the app's File › Import sends paths, not bytes). Cancelled (cancelImport), it stops after
   * the batch being stored: the report lists what was kept (whole files) and says `cancelled`.
   */
  importPaths(args: { files: ImportPath[] } & ImportOptions): Promise<ImportReport>;
  /** How far the import running now is (files read of the batch's), or null when none runs. */
  importProgress(args: Record<string, never>): Promise<ImportProgress | null>;
  /** Stops the import running now after the batch being stored; false when none runs. */
  cancelImport(args: Record<string, never>): Promise<boolean>;
  /** Writes an export; an existing file is replaced only with `overwrite` (the user said so in a save dialog). */
  exportCorpus(args: ExportRequest & { overwrite?: boolean }): Promise<ExportResult>;
  /** Opens a corpus; `readOnly` opens it without ever writing to it (a file Loupe may not write opens so anyway). */
  openCorpus(args: { path: string; readOnly?: boolean }): Promise<CorpusInfo>;
  createCorpus(args: { path: string }): Promise<CorpusInfo>;
  /**
   * Replaces the corpus schema. When the change would delete spans, attribute values or links and
   * `confirmDeletes` is not set, nothing is written and the result (applied: false) says what would go.
   */
  updateSchema(args: { corpusId: string; schema: SchemaDraft; confirmDeletes?: boolean }): Promise<SchemaUpdateResult>;
  /**
   * Writes a standalone copy of the open corpus to `path` (File › Save a copy); the open corpus stays
   * open. An existing file is replaced only with `overwrite` (the user said so in a save dialog).
   */
  saveCopy(args: { path: string; overwrite?: boolean }): Promise<{ path: string }>;
  /**
   * What is at `path` on this computer, resolved as the other methods resolve it (a relative path
   * from the open corpus's folder): so a page without native dialogs can ask before replacing a file.
   */
  pathInfo(args: { path: string }): Promise<PathInfo>;
  /** The backups of the open corpus, or of the corpus at `corpusPath` (one that no longer opens), newest first. */
  listBackups(args: { corpusPath?: string }): Promise<BackupInfo[]>;
  /**
   * Restores a backup as a new corpus file beside the corpus it was taken of (never over it) and
   * opens that file.
   */
  restoreBackup(args: { backup: string; corpusPath?: string }): Promise<CorpusInfo>;
  /** Corpora that could not be opened at start, for the UI to tell the user (and offer their backups). */
  startupProblems(args: Record<string, never>): Promise<StartupProblem[]>;
  getSettings(args: Record<string, never>): Promise<Settings>;
  /** `annotator`: who annotates here from now on (their layer opens; see Settings). */
  updateSettings(args: { locale?: Locale | null; exportOffsets?: OffsetUnit; annotator?: string }): Promise<Settings>;
  /**
   * The corpus's annotators, and the agreement report between `annotators` (default: all of them;
   * null with fewer than two), its disagreements cut to the first AGREEMENT_DISAGREEMENTS_SHOWN.
   */
  agreement(args: { annotators?: string[]; labels?: string[] }): Promise<AgreementSummary>;
  /** The corpus's annotators' layers (a gold layer says so), for choosing which to export or compare. */
  annotators(args: Record<string, never>): Promise<{ name: string; documents: number; spans: number; gold: boolean }[]>;
  /**
   * File › Export for annotator…: a copy of the corpus for one annotator at `path` (see `loupe handout`);
   * an existing file is never replaced.
   */
  handout(args: { annotator: string; path: string; documentIds?: number[]; blind?: boolean; owner?: string }): Promise<HandoutResult>;
  /** File › Merge annotations from…: an annotator's copy merged into the open corpus (see `loupe merge`). */
  mergeCopy(args: { path: string; annotator?: string; allLayers?: boolean; dryRun?: boolean }): Promise<MergeReport>;
  /** Accept all agreed: the gold layer `gold` gains what all (or a majority) of the annotators drew alike (see `loupe curate`). */
  acceptAgreed(args: { gold: string; annotators?: string[]; threshold?: AgreementThreshold; documentIds?: number[] }): Promise<AcceptAgreedReport>;
  /** A document's annotators' layers and its gold layer `gold`, grouped for the curator (see shared/curation.ts). */
  curationView(args: { id: number; gold: string }): Promise<CurationView>;
  /**
   * Settles a cluster of document `id`: of the annotators' `spans`, the gold layer takes `accept`
   * (none: rejected); answers the view as it is now.
   */
  curate(args: { id: number; gold: string; spans: string[]; accept: string[] }): Promise<CurationView>;
  /** Sets a document's curation status (curation begins when first set); answers the view. */
  setCurationStatus(args: { id: number; gold: string; status: CurationStatus }): Promise<CurationView>;
}

export type ApiMethod = keyof LoupeApi;
export type ApiArgs<K extends ApiMethod> = Parameters<LoupeApi[K]>[0];
export type ApiResult<K extends ApiMethod> = Awaited<ReturnType<LoupeApi[K]>>;

const none = z.object({}).strict() as unknown as z.ZodType<Record<string, never>>;
const docId = z.number().int().positive();
const offset = z.number().int().nonnegative();
const path = z
  .string()
  .min(1, 'a path is required')
  .max(4096)
  // The file system would cut the path at a NUL and write somewhere else than the path says.
  .refine((p) => !p.includes('\u0000'), 'a path cannot contain a NUL character')
  .refine((p) => !/[\\/]$/.test(p), 'a path must end with a file name, not a folder separator');

// A surrogate half on its own does not survive SQLite's UTF-8 (it becomes U+FFFD): two ids that
// differ only there would be one row, and one span would silently replace the other.
const wholeCharacters = (s: string): boolean => !hasLoneSurrogate(s);
const HALF_CHARACTER = 'contains half of a character (a lone surrogate)';
const spanId = z.string().min(1).max(200).refine(wholeCharacters, HALF_CHARACTER);
const name = z.string().min(1).max(NAME_MAX).refine(wholeCharacters, HALF_CHARACTER);
const attrValue = z.union([z.string().max(TEXT_VALUE_MAX), z.number().finite(), z.boolean()]);
const fragment = z.tuple([offset, offset]);

const spanInput = z
  .object({
    id: spanId,
    label: name,
    start: offset,
    end: offset,
    fragments: z.array(fragment).min(1).max(1000).optional(),
    attrs: z.record(z.string().max(NAME_MAX), attrValue).optional(),
    note: z.string().max(NOTE_MAX).optional(),
  })
  .strict()
  .refine((s) => s.end > s.start, { message: 'a span must end after it starts' })
  .refine(
    (s) =>
      // An empty list is reported by min(1); zod still runs this refinement on it.
      !s.fragments?.length ||
      (s.fragments[0]![0] === s.start &&
        s.fragments[s.fragments.length - 1]![1] === s.end &&
        s.fragments.every(([a, b], i) => b > a && (i === 0 || a > s.fragments![i - 1]![1]))),
    { message: 'fragments must be sorted, non-empty, apart from each other, and run from start to end', path: ['fragments'] },
  );

const link = z
  .object({ id: spanId, type: name, from: spanId, to: spanId })
  .strict()
  .refine((l) => l.from !== l.to, { message: 'a link joins two different spans' });

const hexColor = z.string().regex(HEX_COLOR, 'a colour looks like #1a2b3c');
const schemaDraft = z
  .object({
    labels: z
      .array(
        z
          .object({
            was: name.optional(),
            name,
            color: hexColor,
            hotkey: z.string().length(1).nullable(),
            description: z.string().max(DESCRIPTION_MAX),
            attributes: z.array(
              z
                .object({
                  was: name.optional(),
                  name,
                  kind: z.enum(ATTRIBUTE_KINDS as [AttributeKind, ...AttributeKind[]]),
                  options: z.array(name).max(200),
                  default: attrValue.nullable(),
                  description: z.string().max(DESCRIPTION_MAX),
                })
                .strict(),
            ).max(100),
          })
          .strict(),
      )
      .min(1, 'the schema needs at least one label')
      .max(200),
    linkTypes: z
      .array(
        z
          .object({
            was: name.optional(),
            name,
            from: z.array(name).max(200),
            to: z.array(name).max(200),
            color: hexColor,
            description: z.string().max(DESCRIPTION_MAX),
          })
          .strict(),
      )
      .max(100),
  })
  .strict();

/** What importFiles and importPaths take besides their files (ImportOptions). */
const importOptions = {
  format: z.enum(['auto', ...IMPORT_FORMATS] as [ImportFormat | 'auto', ...(ImportFormat | 'auto')[]]).optional(),
  fields: z.object({ text: z.string().min(1).max(200).optional(), label: z.string().min(1).max(200).optional() }).strict().optional(),
  duplicates: z.enum(DUPLICATE_POLICIES as [DuplicatePolicy, ...DuplicatePolicy[]]).optional(),
  labelMap: z
    .record(name, name)
    .refine((m) => Object.keys(m).length <= 1000, 'a label map maps at most 1000 labels')
    .optional(),
  only: z
    .array(z.object({ name: z.string().min(1).max(1024), index: z.number().int().nonnegative() }).strict())
    .max(1_000_000)
    .optional(),
  dryRun: z.boolean().optional(),
};

/** Argument schemas, one per method; the `satisfies` clause keeps them in step with LoupeApi. */
export const apiSchemas = {
  corpusInfo: none,
  listDocuments: none,
  getDocument: z.object({ id: docId, layer: z.string().min(1).max(NAME_MAX).optional() }).strict(),
  saveDocument: z
    .object({
      corpusId: z.string().min(1).max(100),
      id: docId,
      baseRevision: z.number().int().nonnegative(),
      text: z.string().optional(),
      edit: z.object({ at: offset, remove: offset, insert: z.string() }).strict().optional(),
      title: z.string().min(1).max(1000).optional(),
      status: z.enum(DOCUMENT_STATUSES as [DocumentStatus, ...DocumentStatus[]]).optional(),
      note: z.string().max(NOTE_MAX).optional(),
      upsert: z.array(spanInput),
      remove: z.array(spanId),
      upsertLinks: z.array(link).optional(),
      removeLinks: z.array(spanId).optional(),
      layer: z.string().min(1).max(NAME_MAX).optional(),
    })
    .strict(),
  deleteDocument: z.object({ id: docId }).strict(),
  importFiles: z
    .object({
      files: z
        .array(
          z
            .object({ name: z.string().min(1).max(1024), data: z.instanceof(Uint8Array), error: z.string().min(1, 'an error must say what went wrong').max(2000).optional() })
            .strict(),
        )
        .min(1, 'no files to import'),
      ...importOptions,
    })
    .strict(),
  importPaths: z
    .object({
      files: z
        .array(z.object({ path, name: z.string().min(1).max(1024) }).strict())
        .min(1, 'no files to import')
        .max(1_000_000),
      ...importOptions,
    })
    .strict(),
  importProgress: none,
  cancelImport: none,
  exportCorpus: z
    .object({
      format: z.enum(EXPORT_FORMATS as [ExportFormat, ...ExportFormat[]]),
      path,
      offsets: z.enum(OFFSET_UNITS as [OffsetUnit, ...OffsetUnit[]]),
      documentId: docId.optional(),
      filter: z
        .object({
          statuses: z.array(z.enum(DOCUMENT_STATUSES as [DocumentStatus, ...DocumentStatus[]])).optional(),
          labels: z.array(name).max(1000).optional(),
          documentIds: z.array(docId).max(1_000_000).optional(),
          annotators: z.array(name).max(1000).optional(),
        })
        .strict()
        .optional(),
      overwrite: z.boolean().optional(),
    })
    .strict(),
  openCorpus: z.object({ path, readOnly: z.boolean().optional() }).strict(),
  createCorpus: z.object({ path }).strict(),
  updateSchema: z
    .object({ corpusId: z.string().min(1).max(100), schema: schemaDraft, confirmDeletes: z.boolean().optional() })
    .strict(),
  saveCopy: z.object({ path, overwrite: z.boolean().optional() }).strict(),
  pathInfo: z.object({ path }).strict(),
  listBackups: z.object({ corpusPath: path.optional() }).strict(),
  restoreBackup: z.object({ backup: path, corpusPath: path.optional() }).strict(),
  startupProblems: none,
  getSettings: none,
  updateSettings: z
    .object({
      locale: z.enum(['en', 'zh-CN']).nullable().optional(),
      exportOffsets: z.enum(OFFSET_UNITS as [OffsetUnit, ...OffsetUnit[]]).optional(),
      annotator: z
        .string()
        .max(NAME_MAX, `an annotator's name is at most ${NAME_MAX} characters`)
        .refine((n) => n.trim().length > 0, "an annotator's name cannot be empty")
        .optional(),
    })
    .strict(),
  handout: z
    .object({
      annotator: z.string().min(1).max(NAME_MAX),
      path,
      documentIds: z.array(docId).max(1_000_000).optional(),
      blind: z.boolean().optional(),
      owner: z.string().min(1).max(NAME_MAX).optional(),
    })
    .strict(),
  mergeCopy: z
    .object({ path, annotator: z.string().min(1).max(NAME_MAX).optional(), allLayers: z.boolean().optional(), dryRun: z.boolean().optional() })
    .strict(),
  acceptAgreed: z
    .object({
      gold: z.string().min(1).max(NAME_MAX),
      annotators: z.array(z.string().min(1).max(NAME_MAX)).max(MAX_ANNOTATORS).optional(),
      threshold: z.enum(['all', 'majority']).optional(),
      documentIds: z.array(docId).max(1_000_000).optional(),
    })
    .strict(),
  curationView: z.object({ id: docId, gold: z.string().min(1).max(NAME_MAX) }).strict(),
  annotators: none,
  curate: z
    .object({ id: docId, gold: z.string().min(1).max(NAME_MAX), spans: z.array(spanId).min(1).max(10_000), accept: z.array(spanId).max(10_000) })
    .strict(),
  setCurationStatus: z.object({ id: docId, gold: z.string().min(1).max(NAME_MAX), status: z.enum(['in_progress', 'done']) }).strict(),
  agreement: z
    .object({
      annotators: z.array(z.string().min(1).max(NAME_MAX)).max(MAX_ANNOTATORS).optional(),
      labels: z.array(z.string().min(1).max(NAME_MAX)).max(1000).optional(),
    })
    .strict(),
} satisfies { [K in ApiMethod]: z.ZodType<ApiArgs<K>, unknown> };

/** The method names, in one list, for every transport (defined zod-free in apiMethods.ts). */
export const API_METHODS: readonly ApiMethod[] = API_METHOD_NAMES;

/** An error that crosses the boundary as a message a user can read. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: 'invalid-argument' | 'not-found' | 'conflict' | 'io' | 'internal' = 'internal',
    /** A translatable form of the message, when there is one. */
    readonly reason?: ErrorReason,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Validates a method's argument; throws an ApiError naming the method and the bad field. */
export function parseArgs<K extends ApiMethod>(method: K, raw: unknown): ApiArgs<K> {
  if (!Object.hasOwn(apiSchemas, method)) throw new ApiError(`unknown method: ${String(method)}`, 'not-found');
  const result = (apiSchemas[method] as z.ZodType).safeParse(raw ?? {}, {
    // zod says "expected string, received undefined" for a field that is not there.
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined),
  });
  const invalid = (issues: string[]) => {
    const shown = issues.slice(0, ISSUES_SHOWN).join('; ');
    const more = issues.length > ISSUES_SHOWN ? `; and ${issues.length - ISSUES_SHOWN} more` : '';
    return new ApiError(`${method}: invalid argument (${shown}${more})`, 'invalid-argument');
  };
  if (!result.success) {
    throw invalid(result.error.issues.map((i) => `${clip(where(i.path), 80)}: ${clip(i.message, 200)}`));
  }
  const stray = strayValue(raw, result.data);
  if (stray) throw invalid([stray]);
  return result.data as ApiArgs<K>;
}

/** How many problems an error message lists; a list of a hundred thousand helps nobody. */
const ISSUES_SHOWN = 5;

/** `text` cut to `max` characters: a message never echoes a huge key or value back. */
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

const where = (at: readonly PropertyKey[]): string => (at.length ? at.map(String).join('.') : 'argument');

/**
 * What zod lets through that no caller means, in words: an object that is not plain data (zod
 * reads a Date, Map, Set, RegExp or bytes as `{}`), or a `__proto__` key (a record drops it
 * silently). `parsed` is zod's output at the same place. Only called on an argument zod accepted,
 * so its depth is the schema's.
 */
function strayValue(value: unknown, parsed: unknown, at: (string | number)[] = []): string | null {
  if (value === null || typeof value !== 'object') return null;
  // Bytes are data where the schema wants bytes; elsewhere zod reads an empty Uint8Array as `{}`.
  if (value instanceof Uint8Array) return parsed instanceof Uint8Array ? null : `${clip(where(at), 80)}: expected an object, received bytes`;
  const inner = (key: string | number): unknown => (parsed !== null && typeof parsed === 'object' ? (parsed as Record<string | number, unknown>)[key] : undefined);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = strayValue(value[i], inner(i), [...at, i]);
      if (found) return found;
    }
    return null;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const kind = (value as { constructor?: { name?: unknown } }).constructor?.name;
    // A plain object behind a plain object: what `o["__proto__"] = {...}` makes of a JSON key.
    if (kind === 'Object') return `${clip(where(at), 80)}: a "__proto__" key is not allowed`;
    return `${clip(where(at), 80)}: expected an object, received ${typeof kind === 'string' && kind ? kind : 'another kind of value'}`;
  }
  if (Object.hasOwn(value, '__proto__')) return `${clip(where(at), 80)}: a "__proto__" key is not allowed`;
  for (const [key, v] of Object.entries(value)) {
    const found = strayValue(v, inner(key), [...at, key]);
    if (found) return found;
  }
  return null;
}
