/**
 * The Node side of the contract: one object implementing LoupeApi over the open corpus.
 * Electron's IPC, the loopback bridge and the CLI all call this; none of them holds logic of its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApiError, type LoupeApi } from '../../shared/contract';
import { defaultSchema } from '../../shared/labels';
import type { CorpusInfo, ExportFilter, ExportRequest, ExportResult, ImportFile, ImportReport, LoupeDocument, OpenedDocument } from '../../shared/types';
import { writeCsvExport, writeExportFile } from '../formats/export';
import { DecodeError } from '../formats/decode';
import { importBatch, ImportError, type ImportOptions } from '../formats/import';
import { CorpusOpenError } from '../store/database';
import { CorpusStore, StoreError } from '../store/corpusStore';
import { NewerSchemaError } from '../store/migrations';
import { seedSampleCorpus } from './sampleCorpus';
import { SettingsStore } from './settingsStore';

export interface LoupeService extends LoupeApi {
  /** Closes the corpus; the service must not be used afterwards. */
  close(): void;
}

export interface ServiceOptions {
  /** Where settings and the default corpus live. */
  dataDir: string;
  /** Open this corpus instead of the most recent one (created if missing). */
  corpusPath?: string;
}

/** The file name of the corpus a new user starts with. */
export const DEFAULT_CORPUS_NAME = 'Default.loupe';

/** Turns the Node side's own errors into ApiErrors a user can read. */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreError) return new ApiError(error.message, error.code, error.reason);
  if (error instanceof CorpusOpenError) return new ApiError(error.message, 'io', error.reason);
  if (error instanceof NewerSchemaError) {
    return new ApiError(error.message, 'io', { key: 'error.newerCorpus', params: { version: error.found } });
  }
  if (error instanceof DecodeError || error instanceof ImportError) return new ApiError(error.message, 'invalid-argument', error.reason);
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(message, 'internal');
}

/** Opens a corpus store, creating the file (with the default labels) when asked to. */
/** The document as the editor opens it (see OpenedDocument). */
export function openedDocument(doc: LoupeDocument): OpenedDocument {
  return {
    ...doc,
    spans: doc.spans.map((s) => ({
      id: s.id,
      label: s.label,
      start: s.start,
      end: s.end,
      ...(s.fragments.length > 1 ? { fragments: s.fragments } : {}),
      attrs: s.attrs,
      note: s.note,
    })),
  };
}

export function openCorpusStore(file: string, options: { create: boolean }): CorpusStore {
  const store = CorpusStore.open(file, options);
  if (store.labels().length === 0) store.addToSchema(defaultSchema());
  return store;
}

/**
 * Imports a batch of files, each in its own transaction (see formats/import): a bad file is
 * reported, the rest still import.
 */
export function importFilesInto(store: CorpusStore, files: readonly ImportFile[], options: ImportOptions = {}): ImportReport {
  return importBatch(store, files, options);
}

/** Where the CSV export puts its links CSV: next to the spans CSV, `name.csv` → `name.links.csv`. */
export function linksCsvPath(spansCsv: string): string {
  return /\.csv$/i.test(spansCsv) ? spansCsv.replace(/\.csv$/i, '.links.csv') : `${spansCsv}.links.csv`;
}

/**
 * The documents an export takes under `filter`: by status and id, and with only the spans of the
 * chosen labels (a link stays only when both its ends do).
 */
export function* filtered(documents: Iterable<LoupeDocument>, filter: ExportFilter | undefined): Generator<LoupeDocument> {
  const statuses = filter?.statuses ? new Set(filter.statuses) : null;
  const ids = filter?.documentIds ? new Set(filter.documentIds) : null;
  const labels = filter?.labels ? new Set(filter.labels) : null;
  for (const doc of documents) {
    if (statuses && !statuses.has(doc.status)) continue;
    if (ids && !ids.has(doc.id)) continue;
    if (!labels) {
      yield doc;
      continue;
    }
    const spans = doc.spans.filter((s) => labels.has(s.label));
    const kept = new Set(spans.map((s) => s.id));
    yield { ...doc, spans, links: doc.links.filter((l) => kept.has(l.from) && kept.has(l.to)) };
  }
}

/**
 * Writes an export of the corpus (or one document) from the store. The CSV export writes two files
 * in one pass: one row per span at `path`, one row per link next to it (see linksCsvPath).
 */
export async function exportFrom(store: CorpusStore, request: ExportRequest): Promise<ExportResult> {
  if (request.documentId !== undefined) store.getDocument(request.documentId); // a clear error before any file
  const source = {
    labels: store.labels(),
    linkTypes: store.linkTypes(),
    corpusName: store.name,
    documents: () => filtered(store.documents(request.documentId), request.filter),
  };
  const target = path.resolve(request.path);
  if (request.format === 'csv') {
    const links = linksCsvPath(target);
    return { path: target, files: [target, links], ...(await writeCsvExport(target, links, source, request.offsets)) };
  }
  return { path: target, files: [target], ...(await writeExportFile(target, request.format, source, request.offsets)) };
}

/** Creates the service, opening the given, the most recent or the default corpus. */
export function createLoupeService(options: ServiceOptions): LoupeService {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const settings = new SettingsStore(options.dataDir);
  const defaultPath = path.join(options.dataDir, DEFAULT_CORPUS_NAME);

  const openInitial = (): CorpusStore => {
    if (options.corpusPath) return openCorpusStore(path.resolve(options.corpusPath), { create: true });
    const recent = settings.get().recentCorpora.find((p) => fs.existsSync(p));
    if (recent) {
      try {
        return openCorpusStore(recent, { create: false });
      } catch {
        // A recent corpus that no longer opens must not keep the app from starting: fall back to the default.
      }
    }
    const fresh = !fs.existsSync(defaultPath);
    const store = openCorpusStore(defaultPath, { create: true });
    if (fresh) seedSampleCorpus(store);
    return store;
  };

  let store = openInitial();
  settings.addRecent(store.path);

  const info = (): CorpusInfo => ({
    id: store.id,
    path: store.path,
    name: store.name,
    labels: store.labels(),
    linkTypes: store.linkTypes(),
    documentCount: store.documentCount(),
  });

  const switchTo = (next: CorpusStore): CorpusInfo => {
    store.close();
    store = next;
    settings.addRecent(store.path);
    return info();
  };

  const api: LoupeService = {
    corpusInfo: async () => info(),
    listDocuments: async () => store.listDocuments(),
    getDocument: async ({ id }) => openedDocument(store.getDocument(id)),
    saveDocument: async ({ corpusId, ...req }) => {
      if (corpusId !== store.id) {
        throw new ApiError('this document belongs to a corpus that is no longer open here; nothing was saved', 'conflict', {
          key: 'error.corpusNotOpen',
        });
      }
      return store.saveDocument(req);
    },
    deleteDocument: async ({ id }) => store.deleteDocument(id),
    importFiles: async ({ files, format }) => importFilesInto(store, files, { format }),
    exportCorpus: async (req) => exportFrom(store, req),
    openCorpus: async ({ path: file }) => switchTo(openCorpusStore(path.resolve(file), { create: false })),
    createCorpus: async ({ path: file }) => {
      const target = path.resolve(file.endsWith('.loupe') ? file : `${file}.loupe`);
      if (fs.existsSync(target)) {
        throw new ApiError(`a file already exists at ${target}; choose another name, or open it instead`, 'conflict', {
          key: 'error.fileExists',
          params: { path: target },
        });
      }
      // Open before closing the current corpus, so a failure leaves the user where they were.
      return switchTo(openCorpusStore(target, { create: true }));
    },
    updateSchema: async ({ corpusId, schema, confirmDeletes }) => {
      if (corpusId !== store.id) {
        throw new ApiError('the schema belongs to a corpus that is no longer open here; nothing was changed', 'conflict', {
          key: 'error.corpusNotOpen',
        });
      }
      const result = store.updateSchema(schema, { confirmDeletes });
      return { ...result, corpus: info() };
    },
    getSettings: async () => settings.get(),
    updateSettings: async (changes) => settings.update(changes),
    close: () => store.close(),
  };

  // Every contract method answers with an ApiError, whatever went wrong below it.
  for (const key of Object.keys(api) as (keyof LoupeService)[]) {
    const method = api[key] as (...args: unknown[]) => unknown;
    if (key === 'close') continue;
    (api as unknown as Record<string, unknown>)[key] = async (...args: unknown[]) => {
      try {
        return await method(...args);
      } catch (error) {
        throw toApiError(error);
      }
    };
  }
  return api;
}
