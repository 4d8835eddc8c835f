/**
 * The repository over one corpus file. SQL speaks snake_case, the rest of Loupe camelCase: the
 * conversion happens here and nowhere else.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { codePointLength } from '../../shared/offsets';
import type { ErrorReason } from '../../shared/errors';
import type {
  DocumentMeta,
  DocumentSummary,
  Label,
  LoupeDocument,
  SaveDocumentRequest,
  SaveResult,
  Span,
  SpanInput,
} from '../../shared/types';
import { openDatabase, type OpenOptions } from './database';

interface DocumentRow {
  id: number;
  title: string;
  text: string;
  meta: string;
  revision: number;
  created_at: string;
  updated_at: string;
}

interface SpanRow {
  id: string;
  label: string;
  start_cp: number;
  end_cp: number;
  attrs: string;
  annotator: string | null;
  created_at: string;
  updated_at: string;
}

interface LabelRow {
  name: string;
  color: string;
  hotkey: string | null;
  description: string;
}

/** A store operation was refused; the message is for the user and nothing was written. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'invalid-argument' | 'conflict' = 'invalid-argument',
    readonly reason?: ErrorReason,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** A document to insert, with optional spans (code points into `text`). */
export interface NewDocument {
  title: string;
  text: string;
  meta?: DocumentMeta;
  spans?: (SpanInput & { attrs?: Record<string, unknown> })[];
}

const now = (): string => new Date().toISOString();

const toSpan = (row: SpanRow): Span => ({
  id: row.id,
  label: row.label,
  start: row.start_cp,
  end: row.end_cp,
  attrs: JSON.parse(row.attrs) as Record<string, unknown>,
  annotator: row.annotator,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toDocument = (row: DocumentRow, spans: Span[]): LoupeDocument => ({
  id: row.id,
  title: row.title,
  text: row.text,
  meta: JSON.parse(row.meta) as DocumentMeta,
  spans,
  revision: row.revision,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** How many documents one page of a streamed read holds. */
const PAGE_SIZE = 64;

export class CorpusStore {
  private readonly statements;

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
  ) {
    this.statements = {
      labels: db.prepare<[], LabelRow>(
        'SELECT name, color, hotkey, description FROM labels ORDER BY position, name',
      ),
      insertLabel: db.prepare(
        'INSERT INTO labels (name, color, hotkey, description, position) VALUES (?, ?, ?, ?, ?)',
      ),
      summaries: db.prepare<[], { id: number; title: string; updated_at: string; span_count: number }>(
        `SELECT d.id, d.title, d.updated_at, (SELECT count(*) FROM spans s WHERE s.document_id = d.id) AS span_count
         FROM documents d ORDER BY d.id`,
      ),
      documentCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM documents'),
      document: db.prepare<[number], DocumentRow>('SELECT * FROM documents WHERE id = ?'),
      documentPage: db.prepare<[number, number], DocumentRow>(
        'SELECT * FROM documents WHERE id > ? ORDER BY id LIMIT ?',
      ),
      spansOf: db.prepare<[number], SpanRow>(
        `SELECT id, label, start_cp, end_cp, attrs, annotator, created_at, updated_at
         FROM spans WHERE document_id = ? ORDER BY start_cp, end_cp, id`,
      ),
      spanOwner: db.prepare<[string], { document_id: number }>('SELECT document_id FROM spans WHERE id = ?'),
      insertDocument: db.prepare(
        'INSERT INTO documents (title, text, meta, revision, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)',
      ),
      upsertSpan: db.prepare(
        `INSERT INTO spans (id, document_id, label, start_cp, end_cp, attrs, annotator, created_at, updated_at)
         VALUES (@id, @documentId, @label, @start, @end, @attrs, NULL, @now, @now)
         ON CONFLICT (id) DO UPDATE SET label = excluded.label, start_cp = excluded.start_cp,
           end_cp = excluded.end_cp, updated_at = excluded.updated_at`,
      ),
      deleteSpan: db.prepare('DELETE FROM spans WHERE id = ? AND document_id = ?'),
      maxSpanEnd: db.prepare<[number], { m: number | null }>('SELECT max(end_cp) AS m FROM spans WHERE document_id = ?'),
      updateText: db.prepare('UPDATE documents SET text = ? WHERE id = ?'),
      updateTitle: db.prepare('UPDATE documents SET title = ? WHERE id = ?'),
      touch: db.prepare<[string, number], { revision: number }>(
        'UPDATE documents SET revision = revision + 1, updated_at = ? WHERE id = ? RETURNING revision',
      ),
      touchTitle: db.prepare('UPDATE documents SET updated_at = ? WHERE id = ?'),
      deleteDocument: db.prepare('DELETE FROM documents WHERE id = ?'),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM corpus_meta WHERE key = ?'),
      setMeta: db.prepare(
        'INSERT INTO corpus_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
  }

  /** Opens or creates the corpus file at `file`. */
  static open(file: string, options: OpenOptions): CorpusStore {
    return new CorpusStore(openDatabase(file, options), path.resolve(file));
  }

  /**
   * Names this opening of the corpus (random, in memory): a save made against another opening —
   * another corpus, a copy of this file, or this file before it was reopened — is refused.
   */
  readonly id: string = randomUUID();

  /** The corpus name: its stored name, else the file name without extension. */
  get name(): string {
    return this.statements.getMeta.get('name')?.value ?? path.basename(this.path).replace(/\.loupe$/i, '');
  }

  setName(name: string): void {
    this.statements.setMeta.run('name', name);
  }

  labels(): Label[] {
    return this.statements.labels.all().map((r) => ({ ...r }));
  }

  /** Adds labels that the corpus does not have yet, after the existing ones. */
  addLabels(labels: readonly Label[]): void {
    const existing = new Set(this.labels().map((l) => l.name));
    let position = existing.size;
    this.db.transaction(() => {
      for (const l of labels) {
        if (existing.has(l.name)) continue;
        this.statements.insertLabel.run(l.name, l.color, l.hotkey, l.description, position++);
        existing.add(l.name);
      }
    })();
  }

  /** Span counts per label, in schema order, zero counts included. */
  spanCountsByLabel(): { label: string; count: number }[] {
    const counts = new Map(
      (this.db.prepare('SELECT label, count(*) AS n FROM spans GROUP BY label').all() as { label: string; n: number }[]).map(
        (r) => [r.label, r.n],
      ),
    );
    return this.labels().map((l) => ({ label: l.name, count: counts.get(l.name) ?? 0 }));
  }

  documentCount(): number {
    return this.statements.documentCount.get()?.n ?? 0;
  }

  listDocuments(): DocumentSummary[] {
    return this.statements.summaries.all().map((r) => ({
      id: r.id,
      title: r.title,
      spanCount: r.span_count,
      updatedAt: r.updated_at,
    }));
  }

  getDocument(id: number): LoupeDocument {
    const row = this.statements.document.get(id);
    if (!row) throw new StoreError(`document ${id} does not exist`, 'not-found', { key: 'error.documentGone' });
    return toDocument(row, this.statements.spansOf.all(id).map(toSpan));
  }

  /**
   * Streams documents with their spans, a page at a time, so exports never hold the corpus. A page
   * (texts and spans together) is read in one read transaction before any of it is yielded: a save
   * made while the consumer writes cannot pair one revision's text with another's spans.
   */
  *documents(onlyId?: number): Generator<LoupeDocument> {
    if (onlyId !== undefined) {
      yield this.getDocument(onlyId);
      return;
    }
    const readPage = this.db.transaction((after: number) =>
      this.statements.documentPage
        .all(after, PAGE_SIZE)
        .map((row) => toDocument(row, this.statements.spansOf.all(row.id).map(toSpan))),
    );
    let after = 0;
    for (;;) {
      const page = readPage.deferred(after);
      if (page.length === 0) return;
      yield* page;
      after = page[page.length - 1]!.id;
    }
  }

  /** Inserts one document (and its spans) in one transaction; returns its id. */
  insertDocument(doc: NewDocument): number {
    return this.db.transaction(() => {
      const stamp = now();
      const id = Number(
        this.statements.insertDocument.run(doc.title, doc.text, JSON.stringify(doc.meta ?? {}), stamp, stamp)
          .lastInsertRowid,
      );
      if (doc.spans?.length) {
        this.checkSpans(doc.spans, codePointLength(doc.text));
        for (const s of doc.spans) this.writeSpan(id, s, stamp, s.attrs);
      }
      return id;
    })();
  }

  /** Applies an incremental save in one transaction: nothing is written unless all of it is valid. */
  saveDocument(req: Omit<SaveDocumentRequest, 'corpusId'>): SaveResult {
    return this.db.transaction(() => {
      const row = this.statements.document.get(req.id);
      if (!row) throw new StoreError(`document ${req.id} does not exist`, 'not-found', { key: 'error.documentGone' });
      if (req.baseRevision !== undefined && req.baseRevision !== row.revision) {
        throw new StoreError(
          `“${row.title}” was changed elsewhere (another window or tab) since it was opened; reopen it to see those changes`,
          'conflict',
          { key: 'error.changedElsewhere', params: { title: row.title } },
        );
      }
      const stamp = now();
      const text = req.text ?? row.text;
      if (req.text !== undefined && req.text !== row.text) this.statements.updateText.run(req.text, req.id);
      if (req.title !== undefined) this.statements.updateTitle.run(req.title, req.id);
      for (const id of req.remove) this.statements.deleteSpan.run(id, req.id);
      const length = codePointLength(text);
      this.checkSpans(req.upsert, length);
      for (const s of req.upsert) {
        const owner = this.statements.spanOwner.get(s.id);
        if (owner && owner.document_id !== req.id) {
          throw new StoreError(`span ${s.id} belongs to another document`, 'conflict');
        }
        this.writeSpan(req.id, s, stamp);
      }
      // Spans the request did not move must still fit the new text.
      const maxEnd = this.statements.maxSpanEnd.get(req.id)?.m ?? 0;
      if (maxEnd > length) {
        throw new StoreError(`a span ends at ${maxEnd}, past the end of the text (${length} characters)`);
      }
      // A rename alone is not a change to the text or spans another window might be editing.
      const contentChanged = req.text !== undefined || req.upsert.length > 0 || req.remove.length > 0;
      if (!contentChanged) {
        this.statements.touchTitle.run(stamp, req.id);
        return { revision: row.revision, updatedAt: stamp };
      }
      const touched = this.statements.touch.get(stamp, req.id);
      return { revision: touched!.revision, updatedAt: stamp };
    })();
  }

  deleteDocument(id: number): void {
    const result = this.statements.deleteDocument.run(id);
    if (result.changes === 0) throw new StoreError(`document ${id} does not exist`, 'not-found');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private checkSpans(spans: readonly SpanInput[], textLength: number): void {
    const labels = new Set(this.labels().map((l) => l.name));
    const seen = new Set<string>();
    for (const s of spans) {
      if (!labels.has(s.label)) throw new StoreError(`unknown label "${s.label}" (span ${s.id})`);
      if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end > s.start)) {
        throw new StoreError(`span ${s.id} has invalid offsets ${s.start}–${s.end}`);
      }
      if (s.end > textLength) {
        throw new StoreError(`span ${s.id} ends at ${s.end}, past the end of the text (${textLength} characters)`);
      }
      if (seen.has(s.id)) throw new StoreError(`span ${s.id} appears twice`);
      seen.add(s.id);
    }
  }

  private writeSpan(documentId: number, s: SpanInput, stamp: string, attrs?: Record<string, unknown>): void {
    this.statements.upsertSpan.run({
      id: s.id,
      documentId,
      label: s.label,
      start: s.start,
      end: s.end,
      attrs: JSON.stringify(attrs ?? {}),
      now: stamp,
    });
  }
}
