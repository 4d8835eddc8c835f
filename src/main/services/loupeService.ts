/**
 * The Node side of the contract: one object implementing LoupeApi over the open corpus.
 * Electron's IPC, the loopback bridge and the CLI all call this; none of them holds logic of its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AGREEMENT_DISAGREEMENTS_SHOWN, ApiError, type LoupeApi } from '../../shared/contract';
import { annotatorsOf, corpusAgreement } from './agreement';
import { openCorpusStore, replacesCorpus } from './corpusFiles';

export { openCorpusStore, replacesCorpus } from './corpusFiles';
import { acceptAgreed, curateSpans, curationView, setCurationStatus } from './curation';
import { handout, mergeCopy } from './teamwork';
import type { BackupInfo, StartupProblem } from '../../shared/types';
import { usableSpans } from '../../shared/spanCheck';
import type { CorpusInfo, ExportFilter, ExportFormat, ExportRequest, ExportResult, ImportFile, ImportReport, LoupeDocument, OpenedDocument } from '../../shared/types';
import { ExportError, writeCsvExport, writeExportFile, writeExportStream, type ExportSource } from '../formats/export';
import { EXPORT_FORMAT_INFO } from '../../shared/formats';
import { DecodeError } from '../formats/decode';
import { ImportError, type BatchFile, type ImportOptions } from '../formats/import';
import { importBatch, importInWorker, newImportControl, type ImportControl } from './importer';
import { CorpusOpenError } from '../store/database';
import { CorpusStore, StoreError } from '../store/corpusStore';
import { NewerSchemaError } from '../store/migrations';
import { seedSampleCorpus } from './sampleCorpus';
import { SettingsStore } from './settingsStore';
import { copyFileAtomicSync } from '../files/atomicFile';
import { checkReplaceable, FileKindError } from '../files/regularFiles';
import { BACKUPS_KEPT, BACKUP_INTERVAL_MS, changedSinceBackup, checkFile, copyDatabase, isInside, listBackups, restoredPath, takeBackup } from './backups';

export interface LoupeService extends LoupeApi {
  /** Closes the corpus; the service must not be used afterwards. */
  close(): void;
}

export interface ServiceOptions {
  /** Where settings and the default corpus live. */
  dataDir: string;
  /** Open this corpus instead of the most recent one (created if missing). */
  corpusPath?: string;
  /**
   * Rolling backups (on open when the corpus changed since its last one, then every `intervalMs`
   * while it changes), in `dir` (default: `<dataDir>/backups`), the newest `keep` kept. false: none.
   */
  backups?: false | { dir?: string; keep?: number; intervalMs?: number };
}

/** The file name of the corpus a new user starts with. */
export const DEFAULT_CORPUS_NAME = 'Default.loupe';

/** Turns the Node side's own errors into ApiErrors a user can read. */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreError) return new ApiError(error.message, error.code, error.reason);
  if (error instanceof CorpusOpenError) return new ApiError(error.message, 'io', error.reason);
  if (error instanceof Database.SqliteError) {
    if (error.code.startsWith('SQLITE_READONLY')) {
      return new ApiError('this corpus is open read-only; nothing was saved', 'conflict', { key: 'error.readOnly' });
    }
    if (error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED')) {
      return new ApiError('the corpus is busy: another Loupe window or the loupe command is writing to it; nothing was saved, try again', 'conflict', {
        key: 'error.busy',
      });
    }
    if (error.code.startsWith('SQLITE_FULL')) return new ApiError('the disk is full; nothing was saved', 'io', { key: 'error.diskFull' });
    if (error.code.startsWith('SQLITE_CORRUPT')) {
      return new ApiError(`the corpus file is damaged (${error.message}); nothing was saved`, 'io', { key: 'error.damagedNow' });
    }
  }
  if (error instanceof NewerSchemaError) {
    return new ApiError(error.message, 'io', { key: 'error.newerCorpus', params: { version: error.found } });
  }
  if (error instanceof ExportError) return new ApiError(error.message, error.io ? 'io' : 'invalid-argument');
  if (error instanceof FileKindError) return new ApiError(error.message, 'invalid-argument', error.reason);
  if (error instanceof DecodeError || error instanceof ImportError) return new ApiError(error.message, 'invalid-argument', error.reason);
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(message, 'internal');
}

/**
 * The document as the editor opens it (see OpenedDocument): spans the editor cannot draw (outside
 * the text, say) are left out and named in `problems`; they stay in the corpus file as they are.
 */
export function openedDocument({ problems: readProblems = [], ...doc }: LoupeDocument & { problems?: string[] }): OpenedDocument {
  const usable = usableSpans(
    doc.text,
    doc.spans.map((s) => ({
      id: s.id,
      label: s.label,
      start: s.start,
      end: s.end,
      ...(s.fragments.length > 1 ? { fragments: s.fragments } : {}),
      attrs: s.attrs,
      note: s.note,
    })),
    doc.links,
  );
  const problems = [...readProblems, ...usable.problems];
  return { ...doc, spans: usable.spans, links: usable.links, ...(problems.length ? { problems } : {}) };
}

/**
 * Imports a batch of files already in memory, on this thread (see services/importer.ts): a bad file
 * is reported, the rest still import.
 */
export function importFilesInto(store: CorpusStore, files: readonly (ImportFile | BatchFile)[], options: ImportOptions = {}): ImportReport {
  return importBatch(store, files, options);
}

/** Refuses a target that would replace the open corpus (see replacesCorpus). */
function refuseCorpusTarget(corpus: string, target: string): void {
  if (replacesCorpus(corpus, target)) {
    throw new ApiError(`${target} is the open corpus (or one of its files); choose another name`, 'invalid-argument', {
      key: 'error.targetIsCorpus',
      params: { path: target },
    });
  }
}

/** Where the CSV export puts its links CSV: next to the spans CSV, `name.csv` → `name.links.csv`. */
export function linksCsvPath(spansCsv: string): string {
  return /\.csv$/i.test(spansCsv) ? spansCsv.replace(/\.csv$/i, '.links.csv') : `${spansCsv}.links.csv`;
}

/**
 * The documents an export takes under `filter`: by status and id, and with only the spans of the
 * chosen labels and annotators' layers (a link stays only when both its ends do).
 */
export function* filtered(documents: Iterable<LoupeDocument>, filter: ExportFilter | undefined): Generator<LoupeDocument> {
  const statuses = filter?.statuses ? new Set(filter.statuses) : null;
  const ids = filter?.documentIds ? new Set(filter.documentIds) : null;
  const labels = filter?.labels ? new Set(filter.labels) : null;
  const annotators = filter?.annotators ? new Set(filter.annotators) : null;
  for (const doc of documents) {
    if (statuses && !statuses.has(doc.status)) continue;
    if (ids && !ids.has(doc.id)) continue;
    if (!labels && !annotators) {
      yield doc;
      continue;
    }
    const spans = doc.spans.filter((s) => (!labels || labels.has(s.label)) && (!annotators || (s.annotator !== null && annotators.has(s.annotator))));
    const kept = new Set(spans.map((s) => s.id));
    yield { ...doc, spans, links: doc.links.filter((l) => kept.has(l.from) && kept.has(l.to)) };
  }
}

/** What an export of `request` reads from the store; a missing document is refused before any file. */
function exportSource(store: CorpusStore, request: Omit<ExportRequest, 'path'>): ExportSource {
  if (request.documentId !== undefined) store.getDocument(request.documentId);
  const golds = store.goldLayers();
  const present = store.spanAnnotators(request.documentId);
  const annotators = request.filter?.annotators ? present.filter((a) => a !== null && request.filter!.annotators!.includes(a)) : present;
  return {
    labels: store.labels(),
    linkTypes: store.linkTypes(),
    corpusName: store.name,
    documents: () => filtered(store.documents(request.documentId), request.filter),
    ...(golds.length ? { goldLayers: golds } : {}),
    ...(request.filter?.annotators ? { layersChosen: true } : {}),
    annotators,
  };
}

/**
 * True when an export in `format` can go to a stream (the CLI's stdout): one file of text. The CSV
 * export writes two files; brat (a zip) and other binary formats are not text.
 */
export function streamableExport(format: ExportFormat): boolean {
  return format !== 'csv' && /charset=/.test(EXPORT_FORMAT_INFO[format].mime);
}

/** Writes an export of the corpus (or one document) to a stream: see writeExportStream and streamableExport. */
export async function exportToStream(
  store: CorpusStore,
  request: Omit<ExportRequest, 'path'>,
  out: NodeJS.WritableStream,
): Promise<Omit<ExportResult, 'path' | 'files'> & { closed: boolean }> {
  if (!streamableExport(request.format)) throw new ExportError(`${request.format} cannot be written to a stream`, false);
  return writeExportStream(out, request.format, exportSource(store, request), request.offsets);
}

/**
 * Writes an export of the corpus (or one document) from the store. The CSV export writes two files
 * in one pass: one row per span at `path`, one row per link next to it (see linksCsvPath).
 */
export async function exportFrom(store: CorpusStore, request: ExportRequest): Promise<ExportResult> {
  const source = exportSource(store, request);
  const target = path.resolve(request.path);
  refuseCorpusTarget(store.path, target);
  checkReplaceable(target);
  if (request.format === 'csv') {
    const links = linksCsvPath(target);
    refuseCorpusTarget(store.path, links);
    checkReplaceable(links);
    return { path: target, files: [target, links], ...(await writeCsvExport(target, links, source, request.offsets)) };
  }
  return { path: target, files: [target], ...(await writeExportFile(target, request.format, source, request.offsets)) };
}

/** Creates the service, opening the given, the most recent or the default corpus. */
export function createLoupeService(options: ServiceOptions): LoupeService {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const settings = new SettingsStore(options.dataDir);
  const defaultPath = path.join(options.dataDir, DEFAULT_CORPUS_NAME);
  const backupsRoot = options.backups === false ? null : (options.backups?.dir ?? path.join(options.dataDir, 'backups'));
  const backupsKept = (options.backups || undefined)?.keep ?? BACKUPS_KEPT;
  const problems: StartupProblem[] = [];

  const openInitial = (): CorpusStore => {
    if (options.corpusPath) return openCorpusStore(path.resolve(options.corpusPath), { create: true });
    const recent = settings.get().recentCorpora.find((p) => fs.existsSync(p));
    if (recent) {
      try {
        return openCorpusStore(recent, { create: false });
      } catch (error) {
        // A recent corpus that no longer opens must not keep the app from starting: the default
        // opens, and the UI tells the user (offering the backups of a damaged one).
        const damaged = error instanceof CorpusOpenError && error.damaged;
        const apiError = toApiError(error);
        problems.push({
          path: recent,
          message: apiError.message,
          ...(apiError.reason ? { reason: apiError.reason } : {}),
          damaged,
          backups: backupsRoot ? listBackups(backupsRoot, recent) : [],
        });
      }
    }
    const fresh = !fs.existsSync(defaultPath);
    const store = openCorpusStore(defaultPath, { create: true });
    if (fresh) seedSampleCorpus(store);
    return store;
  };

  /** The user's layer opens: their name goes on what they make, and spans of nobody's become theirs. */
  const openLayer = (opened: CorpusStore): CorpusStore => {
    const { annotator } = settings.get();
    opened.annotator = annotator;
    if (!opened.readOnly) opened.adoptUnattributed(annotator);
    return opened;
  };

  let store = openLayer(openInitial());
  settings.addRecent(store.path);

  // Backups: one when a corpus opens that changed since its newest, then one every interval while
  // it changes. They run on the open connection, between calls; a failed one is logged, never
  // in the way of the user's work.
  let changed = false;
  let backingUp: Promise<unknown> | undefined;
  /** A corpus opened while a backup of the previous one ran: its opening backup is taken next. */
  let openingBackupDue = false;
  const backup = (opening: boolean): void => {
    if (!backupsRoot || store.readOnly) return;
    if (backingUp) {
      if (opening) openingBackupDue = true;
      return;
    }
    try {
      if (!opening && !changed) return;
      if (opening && !changedSinceBackup(backupsRoot, store.path, store.db)) return;
    } catch (error) {
      console.error('[loupe] could not read the backups folder:', error);
      return;
    }
    changed = false;
    const db = store.db;
    const file = store.path;
    backingUp = takeBackup(db, backupsRoot, file, backupsKept)
      .catch((error: unknown) => {
        if (!db.open) return; // the corpus was closed or switched meanwhile
        console.error(`[loupe] backup of ${file} failed:`, error);
        changed = true; // tried again at the next interval
      })
      .finally(() => {
        backingUp = undefined;
        if (openingBackupDue) {
          openingBackupDue = false;
          backup(true);
        }
      });
  };
  backup(true);
  const timer = backupsRoot ? setInterval(() => backup(false), (options.backups || undefined)?.intervalMs ?? BACKUP_INTERVAL_MS) : undefined;
  timer?.unref();

  /**
   * Runs a change to the corpus: refused at once, in words, when it is open read-only; marks the
   * corpus as changed (for the next periodic backup) once `work` succeeded.
   */
  const changes = async <T>(work: () => T | Promise<T>): Promise<T> => {
    if (store.readOnly) throw new ApiError('this corpus is open read-only; nothing was saved', 'conflict', { key: 'error.readOnly' });
    const result = await work();
    changed = true;
    return result;
  };

  const info = (): CorpusInfo => ({
    id: store.id,
    path: store.path,
    name: store.name,
    labels: store.labels(),
    linkTypes: store.linkTypes(),
    documentCount: store.documentCount(),
    readOnly: store.readOnly,
    problems: store.schemaProblems(),
  });

  // One import at a time, each in a worker; `imports` are those under way or waiting (the first runs),
  // for progress and Cancel.
  const imports: ImportControl[] = [];
  let importQueue: Promise<unknown> = Promise.resolve();
  const inWorker = (files: Parameters<typeof importInWorker>[1], options: ImportOptions): Promise<ImportReport> => {
    const control = newImportControl();
    imports.push(control);
    const turn = importQueue
      .then(() => importInWorker(store, files, options, control))
      .finally(() => imports.splice(imports.indexOf(control), 1));
    importQueue = turn.catch(() => undefined);
    return turn;
  };
  const cancelImports = (): boolean => {
    for (const control of imports) control.cancelled = true;
    return imports.length > 0;
  };

  const switchTo = (next: CorpusStore): CorpusInfo => {
    // An import into the corpus being closed stops before its next batch; what it stored stays.
    cancelImports();
    store.close();
    store = openLayer(next);
    changed = false;
    settings.addRecent(store.path);
    backup(true);
    return info();
  };

  /** The backups of `corpusPath` (default: the open corpus). */
  const backupsOf = (corpusPath: string | undefined): BackupInfo[] =>
    backupsRoot ? listBackups(backupsRoot, path.resolve(corpusPath ?? store.path)) : [];

  /** A path from the UI made absolute: a relative one is taken from the open corpus's folder, never the process's. */
  const resolved = (file: string): string => path.resolve(path.dirname(store.path), file);

  /**
   * Refuses to replace a link, a FIFO or a device at all, and an existing file the user was not asked
   * about (see LoupeApi.saveCopy).
   */
  const refuseExisting = (targets: readonly string[], overwrite: boolean | undefined): void => {
    for (const target of targets) checkReplaceable(target);
    if (overwrite) return;
    const existing = targets.find((t) => fs.existsSync(t));
    if (existing) {
      throw new ApiError(`${existing} already exists; nothing was written (confirm replacing it first)`, 'conflict', {
        key: 'error.targetExists',
        params: { path: existing },
      });
    }
  };

  const api: LoupeService = {
    corpusInfo: async () => info(),
    listDocuments: async () => store.listDocuments(),
    getDocument: async ({ id, layer }) => {
      const problems: string[] = [];
      const whose = layer ?? store.annotator;
      const opened = openedDocument({ ...store.getDocument(id, problems, whose), problems });
      let layers: { annotator: string; spans: number }[] = [];
      try {
        layers = store.layersOf(id);
      } catch {
        // an older corpus opened read-only records no layers
      }
      return { ...opened, layer: whose, layers };
    },
    saveDocument: async ({ corpusId, ...req }) => {
      if (corpusId !== store.id) {
        throw new ApiError('this document belongs to a corpus that is no longer open here; nothing was saved', 'conflict', {
          key: 'error.corpusNotOpen',
        });
      }
      return changes(() => store.saveDocument(req));
    },
    deleteDocument: async ({ id }) => changes(() => store.deleteDocument(id)),
    importFiles: async ({ files, ...options }) => {
      if (!options.dryRun) return changes(() => importFilesInto(store, files, options));
      if (store.readOnly) throw new ApiError('this corpus is open read-only; nothing was saved', 'conflict', { key: 'error.readOnly' });
      return importFilesInto(store, files, options); // writes nothing: no backup is due
    },
    importPaths: async ({ files, ...options }) => {
      const resolvedFiles = files.map((f) => ({ name: f.name, path: resolved(f.path) }));
      if (!options.dryRun) return changes(() => inWorker(resolvedFiles, options));
      if (store.readOnly) throw new ApiError('this corpus is open read-only; nothing was saved', 'conflict', { key: 'error.readOnly' });
      return inWorker(resolvedFiles, options);
    },
    importProgress: async () => (imports[0] ? { done: imports[0].done, total: imports[0].total } : null),
    cancelImport: async () => cancelImports(),
    exportCorpus: async ({ overwrite, ...req }) => {
      const target = resolved(req.path);
      refuseExisting(req.format === 'csv' ? [target, linksCsvPath(target)] : [target], overwrite);
      return exportFrom(store, { ...req, path: target });
    },
    openCorpus: async ({ path: file, readOnly }) => switchTo(openCorpusStore(resolved(file), { create: false, readOnly })),
    createCorpus: async ({ path: file }) => {
      const target = resolved(file.endsWith('.loupe') ? file : `${file}.loupe`);
      for (const named of new Set([resolved(file), target])) {
        if (fs.statSync(named, { throwIfNoEntry: false })?.isDirectory()) {
          const example = path.join(named, 'corpus.loupe');
          throw new ApiError(`${named} is a folder; give the new corpus a file name, for example ${example}`, 'invalid-argument', {
            key: 'error.createInFolder',
            params: { path: named, example },
          });
        }
      }
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
      const result = await changes(() => store.updateSchema(schema, { confirmDeletes }));
      return { ...result, corpus: info() };
    },
    pathInfo: async ({ path: file }) => {
      const target = resolved(file);
      let stat: fs.Stats | undefined;
      try {
        stat = fs.lstatSync(target, { throwIfNoEntry: false });
      } catch {
        stat = undefined; // a part of the folder path is a file: nothing can be there
      }
      const kind = !stat ? 'none' : stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'other';
      return { path: target, kind };
    },
    saveCopy: async ({ path: file, overwrite }) => {
      const target = resolved(file);
      if (replacesCorpus(store.path, target)) {
        throw new ApiError('a copy cannot replace the corpus it is a copy of; choose another name', 'invalid-argument', {
          key: 'error.copyOverSelf',
        });
      }
      refuseExisting([target], overwrite);
      try {
        await copyDatabase(store.db, target);
      } catch (error) {
        throw new ApiError(`could not save a copy to ${target}: ${error instanceof Error ? error.message : String(error)}`, 'io', {
          key: 'error.cannotCopy',
          params: { path: target },
        });
      }
      return { path: target };
    },
    listBackups: async ({ corpusPath }) => backupsOf(corpusPath),
    restoreBackup: async ({ backup: file, corpusPath }) => {
      const chosen = backupsOf(corpusPath).find((b) => path.resolve(b.path) === path.resolve(file));
      if (!backupsRoot || !chosen || !isInside(backupsRoot, chosen.path)) {
        throw new ApiError(`${file} is not a backup of this corpus`, 'not-found', { key: 'error.noSuchBackup' });
      }
      const problem = checkFile(chosen.path);
      if (problem) {
        throw new ApiError(`the backup of ${chosen.createdAt} is damaged too (${problem}); choose an older one`, 'io', {
          key: 'error.backupDamaged',
          params: { when: chosen.createdAt },
        });
      }
      // Never over the corpus itself: beside it, under a new name; the original stays as it is.
      const target = restoredPath(corpusPath ?? store.path, chosen);
      copyFileAtomicSync(chosen.path, target);
      const info = switchTo(openCorpusStore(target, { create: false }));
      const done = problems.findIndex((p) => corpusPath !== undefined && path.resolve(p.path) === path.resolve(corpusPath));
      if (done >= 0) problems.splice(done, 1);
      return info;
    },
    startupProblems: async () => problems,
    getSettings: async () => settings.get(),
    handout: async ({ annotator, path: file, documentIds, blind, owner }) => {
      const target = resolved(file);
      refuseExisting([target], false);
      try {
        return await handout(store, { annotator, out: target, ...(documentIds ? { documentIds } : {}), ...(blind ? { blind } : {}), ...(owner ? { owner } : {}) });
      } catch (error) {
        throw error instanceof ApiError ? error : new ApiError(error instanceof Error ? error.message : String(error), 'invalid-argument');
      }
    },
    mergeCopy: async ({ path: file, annotator, allLayers, dryRun }) => {
      if (store.readOnly) throw new ApiError('this corpus is open read-only: nothing can be merged into it', 'invalid-argument');
      try {
        const report = mergeCopy(store, resolved(file), { ...(annotator ? { annotator } : {}), ...(allLayers ? { allLayers } : {}), ...(dryRun ? { dryRun } : {}) });
        if (!dryRun) changed = true;
        return report;
      } catch (error) {
        throw new ApiError(error instanceof Error ? error.message : String(error), 'invalid-argument');
      }
    },
    curationView: async ({ id, gold }) => curationView(store, id, gold),
    annotators: async () => {
      const golds = new Set(store.goldLayers());
      return annotatorsOf(store).map((a) => ({ ...a, gold: golds.has(a.name) }));
    },
    curate: async ({ id, gold, spans, accept }) =>
      changes(() => {
        curateSpans(store, { documentId: id, gold, spans, accept, curator: store.annotator });
        return curationView(store, id, gold);
      }),
    setCurationStatus: async ({ id, gold, status }) =>
      changes(() => {
        setCurationStatus(store, id, gold, status, store.annotator);
        return curationView(store, id, gold);
      }),
    acceptAgreed: async ({ gold, annotators, threshold, documentIds }) => {
      if (store.readOnly) throw new ApiError('this corpus is open read-only', 'invalid-argument');
      try {
        const report = acceptAgreed(store, {
          gold,
          ...(annotators ? { annotators } : {}),
          ...(threshold ? { threshold } : {}),
          ...(documentIds ? { documentIds } : {}),
          ...(store.annotator ? { curator: store.annotator } : {}),
        });
        changed = true;
        return report;
      } catch (error) {
        throw new ApiError(error instanceof Error ? error.message : String(error), 'invalid-argument');
      }
    },
    agreement: async ({ annotators, labels }) => {
      const all = annotatorsOf(store);
      const chosen = annotators ?? all.map((a) => a.name);
      if (chosen.length < 2) return { annotators: all, report: null, unattributedSpans: 0, disagreements: 0 };
      try {
        const { report, unattributedSpans } = corpusAgreement(store, { annotators: chosen, ...(labels ? { labels } : {}) });
        const disagreements = report.disagreements.length;
        return {
          annotators: all,
          report: { ...report, disagreements: report.disagreements.slice(0, AGREEMENT_DISAGREEMENTS_SHOWN) },
          unattributedSpans,
          disagreements,
        };
      } catch (error) {
        throw new ApiError(error instanceof Error ? error.message : String(error), 'invalid-argument');
      }
    },
    updateSettings: async (changes) => {
      const updated = settings.update(changes);
      if (changes.annotator !== undefined) openLayer(store);
      return updated;
    },
    close: () => {
      cancelImports();
      if (timer) clearInterval(timer);
      store.close();
    },
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
