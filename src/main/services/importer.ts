/**
 * Stores what formats/import reads. Files arrive in batches (a few dozen files, a few MB of text);
 * each batch is one transaction, and each file inside it a savepoint, so a file that cannot be stored
 * leaves nothing behind and the rest still import, and a process killed mid-import keeps whole
 * files only. `importBatch` reads and stores on the calling thread (bytes already in memory, for tests
 * and small batches); `importInWorker` reads and parses in a worker thread, which reads each file
 * from the disk only when its turn comes, while this thread stores batch after batch and stays free
 * for other calls in between.
 */
import { Worker } from 'node:worker_threads';
import type { ImportOptions, ImportReport, Link, SpanInput } from '../../shared/types';
import { emptyImportReport } from '../../shared/types';
import { newId, PLAIN_ID } from '../../shared/ids';
import { failureOf, parseBatch, type BatchEvent, type BatchFile } from '../formats/import';
import { ImportError, type ParsedFile } from '../formats/import/types';
import { fitSchema, mergeAdditions } from '../formats/import/schemaFit';
import { matchNames } from '../formats/import/nameMatch';
import { mergeDuplicateSpans } from '../formats/import/duplicateSpans';
import type { CorpusStore } from '../store/corpusStore';
import type { WorkerFile, WorkerInput, WorkerPack } from './importWorker';
import { workerScript } from './workerScript';

/** How much one batch holds at most: each is stored in one go, so the thread stays free between them. */
export const BATCH_FILES = 8;
export const BATCH_CHARS = 256 * 1024;
export const BATCH_SPANS = 5_000;

/** Thrown to roll a dry run back. */
const DRY_RUN = Symbol('dry run');

type ParsedEvent = Extract<BatchEvent, { kind: 'parsed' }>;

/** Whether a batch holding `files` files, `chars` characters and `spans` spans is full. */
export function batchFull(files: number, chars: number, spans: number): boolean {
  return files >= BATCH_FILES || chars >= BATCH_CHARS || spans >= BATCH_SPANS;
}

/** The size of a parsed file, for batchFull. */
export function sizeOf(parsed: ParsedFile): { chars: number; spans: number } {
  let chars = 0;
  let spans = 0;
  for (const doc of parsed.documents) {
    chars += doc.text.length;
    spans += doc.spans.length + doc.links.length;
  }
  return { chars, spans };
}

/** Adds a non-stored event (skipped, failed) to the report. */
function note(report: ImportReport, event: BatchEvent): void {
  if (event.kind === 'skipped') report.skipped.push({ name: event.name, why: event.why });
  else if (event.kind === 'failed') report.failed.push({ name: event.name, error: event.error, ...(event.reason ? { reason: event.reason } : {}) });
}

/**
 * Stores `files` in one transaction (IMMEDIATE: the write lock is taken, waiting for another writer,
 * before anything is read), each file in a savepoint of its own; adds what happened to `report`, in
 * file order, once committed. When the commit itself fails (a full disk), the batch's files are
 * stored again file by file (see below), and a file whose own commit fails is reported failed, never
 * both stored and failed. A dry run rolls the batch back.
 */
export function storeBatch(store: CorpusStore, files: readonly ParsedEvent[], options: ImportOptions, report: ImportReport): void {
  const part = emptyImportReport();
  const run = store.db.transaction(() => {
    for (const file of files) {
      try {
        const stored = store.db.transaction(() => storeParsed(store, file.name, file.parsed, { ...options, only: file.only && new Set(file.only) }))();
        mergeAdditions(part.schemaAdded, stored.added);
        part.imported.push(...stored.imported);
        part.duplicates.push(...stored.duplicates);
        for (const m of stored.labelsMapped) {
          if (!part.labelsMapped.some((x) => x.from === m.from && x.to === m.to)) part.labelsMapped.push(m);
        }
      } catch (error) {
        note(part, failureOf(file.name, error));
      }
    }
    if (options.dryRun) throw DRY_RUN;
  });
  try {
    run.immediate();
  } catch (error) {
    if (error !== DRY_RUN) {
      // Nothing of the batch was kept. A batch of several files is stored again file by file, so
      // the files that fit are kept (a disk that filled up on the largest one); one file alone is failed.
      if (files.length > 1) {
        for (const file of files) storeBatch(store, [file], options, report);
        return;
      }
      report.failed.push(...part.failed.filter((f) => f.name !== files[0]!.name));
      const { kind: _, ...failed } = failureOf(files[0]!.name, error);
      report.failed.push(failed);
      return;
    }
  }
  mergeAdditions(report.schemaAdded, part.schemaAdded);
  report.imported.push(...part.imported);
  report.duplicates.push(...part.duplicates);
  report.failed.push(...part.failed);
  for (const m of part.labelsMapped) {
    if (!report.labelsMapped.some((x) => x.from === m.from && x.to === m.to)) report.labelsMapped.push(m);
  }
}

/** The report's last step: with `only`, just the files named are listed as skipped. */
function finish(report: ImportReport, options: ImportOptions): ImportReport {
  if (options.only) {
    const named = new Set(options.only.map((o) => o.name));
    report.skipped = report.skipped.filter((s) => named.has(s.name));
  }
  return report;
}

/**
 * Imports `files` (bytes in memory) into `store` on this thread, batch by batch; returns what
 * happened to each file. A dry run imports the same way inside one transaction it then rolls back,
 * so its report is the one the import would give.
 */
export function importBatch(store: CorpusStore, files: readonly BatchFile[], options: ImportOptions = {}): ImportReport {
  const report = emptyImportReport();
  const run = (): void => {
    let batch: ParsedEvent[] = [];
    let chars = 0;
    let spans = 0;
    const flush = () => {
      if (batch.length) storeBatch(store, batch, { ...options, dryRun: false }, report);
      batch = [];
      chars = 0;
      spans = 0;
    };
    for (const event of parseBatch(files, options)) {
      if (event.kind !== 'parsed') {
        note(report, event);
        continue;
      }
      batch.push(event);
      const size = sizeOf(event.parsed);
      chars += size.chars;
      spans += size.spans;
      if (batchFull(batch.length, chars, spans)) flush();
    }
    flush();
  };
  if (!options.dryRun) {
    run();
    return finish(report, options);
  }
  try {
    store.db.transaction(() => {
      run();
      throw DRY_RUN;
    }).immediate();
  } catch (error) {
    if (error !== DRY_RUN) throw error;
  }
  return finish(report, options);
}

/** How far an import running in a worker is, and the way to stop it. */
export interface ImportControl {
  /** Articles read and stored (or failed) so far, of `total` (0 until the worker has listed them). */
  done: number;
  total: number;
  /** Set to stop after the batch being stored: what was committed stays, and the report says so. */
  cancelled: boolean;
}

/** A fresh control for importInWorker. */
export const newImportControl = (): ImportControl => ({ done: 0, total: 0, cancelled: false });

/**
 * Imports `files` (paths read in the worker, or bytes already here) into `store`: a worker thread
 * reads and parses them, this thread stores them batch by batch (see the top of this file), with
 * `control` telling how far it is and taking a cancel. A dry run rolls each batch back.
 */
export async function importInWorker(
  store: CorpusStore,
  files: readonly WorkerFile[],
  options: ImportOptions = {},
  control: ImportControl = newImportControl(),
): Promise<ImportReport> {
  const report = emptyImportReport();
  const { file, execArgv } = workerScript(__dirname, 'importWorker');
  const input: WorkerInput = { files: [...files], options };
  const worker = new Worker(file, { workerData: input, execArgv });
  const packs: WorkerPack[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  worker.on('message', (pack: WorkerPack) => {
    packs.push(pack);
    wake?.();
  });
  const stop = (error: Error) => {
    failure ??= error;
    wake?.();
  };
  worker.on('error', stop);
  worker.on('exit', (code) => stop(new Error(`the import worker stopped (exit code ${code})`)));
  const next = async (): Promise<WorkerPack> => {
    while (packs.length === 0) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    return packs.shift()!;
  };
  try {
    for (;;) {
      const pack = await next();
      // A turn of the event loop between batches: other calls, timers and the window are served
      // (a port hands over every queued message at once, so awaiting it alone would not yield).
      await new Promise<void>((resolve) => setImmediate(resolve));
      // Cancelled (or the corpus closed) since the last batch: this one is not stored.
      if (control.cancelled) {
        report.cancelled = true;
        break;
      }
      // Asked before this batch is stored, so the worker reads the next one meanwhile.
      if (!pack.last) worker.postMessage('more');
      const parsed: ParsedEvent[] = [];
      for (const event of pack.events) {
        if (event.kind === 'planned') control.total = event.files;
        else if (event.kind === 'parsed') parsed.push(event);
        else {
          note(report, event);
          if (event.kind === 'failed') control.done++;
        }
      }
      if (parsed.length) storeBatch(store, parsed, options, report);
      control.done += parsed.length;
      if (pack.last) break;
    }
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
  return finish(report, options);
}

/**
 * Stores one parsed file (inside storeBatch's transaction): schema additions, then its documents;
 * returns what it stored, for the report. Documents the corpus already holds (or the file, earlier) are left out unless
 * `options.duplicates` is 'import'; names are matched to the corpus's (see nameMatch.ts) and exact
 * duplicate spans merged before anything is written.
 */
function storeParsed(
  store: CorpusStore,
  name: string,
  parsed: ParsedFile,
  options: Omit<ImportOptions, 'only'> & { only?: ReadonlySet<number> | undefined },
): Pick<ImportReport, 'imported' | 'duplicates' | 'labelsMapped'> & { added: ImportReport['schemaAdded'] } {
  const duplicates: ImportReport['duplicates'] = [];
  // A document repeating one earlier in this file: its position among `documents`, for the id.
  const repeats: { entry: ImportReport['duplicates'][number]; of: number }[] = [];
  const firstWithText = new Map<string, number>();
  const documents = parsed.documents.flatMap((doc, index) => {
    if (options.only && !options.only.has(index)) return [];
    if (options.duplicates !== 'import') {
      const entry = { name: name, title: doc.title, existingId: 0, index };
      const existingId = store.documentWithText(doc.text);
      if (existingId !== undefined) {
        duplicates.push({ ...entry, existingId });
        return [];
      }
      const earlier = firstWithText.get(doc.text);
      if (earlier !== undefined) {
        duplicates.push(entry);
        repeats.push({ entry, of: earlier });
        return [];
      }
      firstWithText.set(doc.text, firstWithText.size);
    }
    return [doc];
  });
  if (documents.length === 0) return { imported: [], duplicates, labelsMapped: [], added: { labels: [], attributes: [], linkTypes: [] } };

  // Span and link ids: the file's own when free, else fresh ones (links follow their spans).
  const taken = new Set<string>();
  for (const doc of documents) {
    const spanIds = new Map<string, string>();
    doc.spans = doc.spans.map((s: SpanInput) => {
      if (spanIds.has(s.id)) throw new ImportError(`document “${doc.title}”: two spans have the id ${s.id}`);
      const id = PLAIN_ID.test(s.id) && !taken.has(s.id) && !store.hasSpanId(s.id) ? s.id : newId();
      spanIds.set(s.id, id);
      taken.add(id);
      return { ...s, id };
    });
    const linkIds = new Set<string>();
    doc.links = doc.links.map((l: Link) => {
      const from = spanIds.get(l.from);
      const to = spanIds.get(l.to);
      if (from === undefined || to === undefined) {
        throw new ImportError(`document “${doc.title}”: link ${l.id} (${l.type}) joins a span the document does not have`);
      }
      const id = PLAIN_ID.test(l.id) && !linkIds.has(l.id) && !taken.has(l.id) && !store.hasLinkId(l.id) ? l.id : newId();
      linkIds.add(id);
      taken.add(id);
      return { ...l, id, from, to };
    });
  }
  const schema = store.schema();
  const matched = matchNames(schema, documents, parsed.schema, options.labelMap);
  const { draft, added } = fitSchema(schema, documents, parsed.schema);
  if (draft) store.updateSchema(draft);
  const notes = documents.map((doc, i) => [...matched.notes[i]!, ...mergeDuplicateSpans(doc)]);
  const rows = documents.map((doc) => ({
    doc,
    id: store.insertDocument({
      title: doc.title,
      text: doc.text,
      meta: { ...doc.meta, format: parsed.format },
      ...(doc.status ? { status: doc.status } : {}),
      ...(doc.note ? { note: doc.note } : {}),
      spans: doc.spans,
      links: doc.links,
    }),
  }));
  for (const { entry, of } of repeats) entry.existingId = rows[of]!.id;
  return {
    added,
    duplicates,
    labelsMapped: matched.labels,
    imported: rows.map(({ doc, id }, i) => ({
      name: name,
      documentId: id,
      title: doc.title,
      encoding: parsed.encoding,
      format: parsed.format,
      spans: doc.spans.length,
      links: doc.links.length,
      notes: [...(doc.notes ?? []), ...notes[i]!],
    })),
  };
}
