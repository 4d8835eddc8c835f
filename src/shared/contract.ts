/**
 * The one API contract between the UI and the Node side. `LoupeApi` lists every method; `apiSchemas`
 * validates each method's single argument and is checked against `LoupeApi` at compile time; IPC
 * (main/preload) and the loopback bridge are both generated from `API_METHODS`.
 */
import { z } from 'zod';
import type {
  AttributeKind,
  CorpusInfo,
  DocumentStatus,
  DocumentSummary,
  ExportFormat,
  ExportRequest,
  ExportResult,
  ImportFile,
  ImportFormat,
  ImportReport,
  Locale,
  OffsetUnit,
  LoupeDocument,
  OpenedDocument,
  SaveDocumentRequest,
  SchemaDraft,
  SchemaUpdateResult,
  SaveResult,
  Settings,
} from './types';
import { ATTRIBUTE_KINDS, DOCUMENT_STATUSES, EXPORT_FORMATS, IMPORT_FORMATS, OFFSET_UNITS } from './types';
import { NOTE_MAX } from './schema';
import { API_METHOD_NAMES } from './apiMethods';
import type { ErrorReason } from './errors';

/** Every method takes one argument object and returns a promise. */
export interface LoupeApi {
  corpusInfo(args: Record<string, never>): Promise<CorpusInfo>;
  listDocuments(args: Record<string, never>): Promise<DocumentSummary[]>;
  getDocument(args: { id: number }): Promise<OpenedDocument>;
  saveDocument(args: SaveDocumentRequest): Promise<SaveResult>;
  deleteDocument(args: { id: number }): Promise<void>;
  /** Imports files, each in its own transaction; the format of each is detected unless `format` is given. */
  importFiles(args: { files: ImportFile[]; format?: ImportFormat | 'auto' }): Promise<ImportReport>;
  exportCorpus(args: ExportRequest): Promise<ExportResult>;
  openCorpus(args: { path: string }): Promise<CorpusInfo>;
  createCorpus(args: { path: string }): Promise<CorpusInfo>;
  /**
   * Replaces the corpus schema. When the change would delete spans, attribute values or links and
   * `confirmDeletes` is not set, nothing is written and the result (applied: false) says what would go.
   */
  updateSchema(args: { corpusId: string; schema: SchemaDraft; confirmDeletes?: boolean }): Promise<SchemaUpdateResult>;
  getSettings(args: Record<string, never>): Promise<Settings>;
  updateSettings(args: { locale?: Locale | null; exportOffsets?: OffsetUnit }): Promise<Settings>;
}

export type ApiMethod = keyof LoupeApi;
export type ApiArgs<K extends ApiMethod> = Parameters<LoupeApi[K]>[0];
export type ApiResult<K extends ApiMethod> = Awaited<ReturnType<LoupeApi[K]>>;

const none = z.object({}).strict() as unknown as z.ZodType<Record<string, never>>;
const docId = z.number().int().positive();
const offset = z.number().int().nonnegative();
const path = z.string().min(1, 'a path is required').max(4096);

const spanId = z.string().min(1).max(200);
const name = z.string().min(1).max(100);
const attrValue = z.union([z.string().max(10_000), z.number().finite(), z.boolean()]);
const fragment = z.tuple([offset, offset]);

const spanInput = z
  .object({
    id: spanId,
    label: name,
    start: offset,
    end: offset,
    fragments: z.array(fragment).min(1).max(1000).optional(),
    attrs: z.record(z.string().max(100), attrValue).optional(),
    note: z.string().max(NOTE_MAX).optional(),
  })
  .strict()
  .refine((s) => s.end > s.start, { message: 'a span must end after it starts' })
  .refine(
    (s) =>
      !s.fragments ||
      (s.fragments[0]![0] === s.start &&
        s.fragments[s.fragments.length - 1]![1] === s.end &&
        s.fragments.every(([a, b], i) => b > a && (i === 0 || a > s.fragments![i - 1]![1]))),
    { message: 'fragments must be sorted, non-empty, apart from each other, and run from start to end', path: ['fragments'] },
  );

const link = z
  .object({ id: spanId, type: name, from: spanId, to: spanId })
  .strict()
  .refine((l) => l.from !== l.to, { message: 'a link joins two different spans' });

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour looks like #1a2b3c');
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
            description: z.string().max(2000),
            attributes: z.array(
              z
                .object({
                  was: name.optional(),
                  name,
                  kind: z.enum(ATTRIBUTE_KINDS as [AttributeKind, ...AttributeKind[]]),
                  options: z.array(name).max(200),
                  default: attrValue.nullable(),
                  description: z.string().max(2000),
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
            description: z.string().max(2000),
          })
          .strict(),
      )
      .max(100),
  })
  .strict();

/** Argument schemas, one per method; the `satisfies` clause keeps them in step with LoupeApi. */
export const apiSchemas = {
  corpusInfo: none,
  listDocuments: none,
  getDocument: z.object({ id: docId }).strict(),
  saveDocument: z
    .object({
      corpusId: z.string().min(1).max(100),
      id: docId,
      baseRevision: z.number().int().nonnegative().optional(),
      text: z.string().optional(),
      edit: z.object({ at: offset, remove: offset, insert: z.string() }).strict().optional(),
      title: z.string().min(1).max(1000).optional(),
      status: z.enum(DOCUMENT_STATUSES as [DocumentStatus, ...DocumentStatus[]]).optional(),
      note: z.string().max(NOTE_MAX).optional(),
      upsert: z.array(spanInput),
      remove: z.array(spanId),
      upsertLinks: z.array(link).optional(),
      removeLinks: z.array(spanId).optional(),
    })
    .strict()
    .refine(
      (r) =>
        r.baseRevision !== undefined ||
        (r.text === undefined && r.edit === undefined && r.upsert.length === 0 && r.remove.length === 0 && !r.upsertLinks?.length && !r.removeLinks?.length),
      {
      message: 'baseRevision is required when text or spans change',
      path: ['baseRevision'],
    }),
  deleteDocument: z.object({ id: docId }).strict(),
  importFiles: z
    .object({
      files: z
        .array(
          z
            .object({ name: z.string().min(1).max(1024), data: z.instanceof(Uint8Array), error: z.string().max(2000).optional() })
            .strict(),
        )
        .min(1, 'no files to import'),
      format: z.enum(['auto', ...IMPORT_FORMATS] as [ImportFormat | 'auto', ...(ImportFormat | 'auto')[]]).optional(),
    })
    .strict(),
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
        })
        .strict()
        .optional(),
    })
    .strict(),
  openCorpus: z.object({ path }).strict(),
  createCorpus: z.object({ path }).strict(),
  updateSchema: z
    .object({ corpusId: z.string().min(1).max(100), schema: schemaDraft, confirmDeletes: z.boolean().optional() })
    .strict(),
  getSettings: none,
  updateSettings: z
    .object({
      locale: z.enum(['en', 'zh-CN']).nullable().optional(),
      exportOffsets: z.enum(OFFSET_UNITS as [OffsetUnit, ...OffsetUnit[]]).optional(),
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
  const result = (apiSchemas[method] as z.ZodType).safeParse(raw ?? {});
  if (!result.success) {
    const issues = result.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : 'argument'}: ${i.message}`)
      .join('; ');
    throw new ApiError(`${method}: invalid argument (${issues})`, 'invalid-argument');
  }
  return result.data as ApiArgs<K>;
}
