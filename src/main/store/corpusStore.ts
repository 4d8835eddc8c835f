/**
 * The repository over one corpus file. SQL speaks snake_case, the rest of Loupe camelCase: the
 * conversion happens here and nowhere else.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { isObject } from '../../shared/json';
import { codePointLength, compareCodePoints, shortened } from '../../shared/offsets';
import type { ErrorReason } from '../../shared/errors';
import { attrProblems, linkAllowed, plainSchemaOf, schemaProblems } from '../../shared/schema';
import { applyTextEdit, shiftSpan, type TextEdit } from '../../shared/textEdit';
import type {
  CorpusSchema,
  CurationDecision,
  CurationStatus,
  DocumentMeta,
  DocumentStatus,
  DocumentSummary,
  Fragment,
  Label,
  Link,
  LinkType,
  LoupeDocument,
  SaveDocumentRequest,
  SaveResult,
  SchemaDraft,
  SchemaImpact,
  Span,
  SpanAttrs,
  SpanInput,
} from '../../shared/types';
import { openDatabase, type OpenOptions } from './database';

interface CurationRow {
  gold: string;
  status: CurationStatus;
  curator: string | null;
  updated_at: string;
}

interface DocumentRow {
  id: number;
  title: string;
  text: string;
  meta: string;
  status: DocumentStatus;
  note: string;
  revision: number;
  created_at: string;
  updated_at: string;
}

interface SpanRow {
  id: string;
  label: string;
  start_cp: number;
  end_cp: number;
  fragments: string | null;
  attrs: string;
  note: string;
  annotator: string | null;
  created_at: string;
  updated_at: string;
}

interface LabelRow {
  name: string;
  color: string;
  hotkey: string | null;
  description: string;
  attributes: string;
}

interface LinkTypeRow {
  name: string;
  from_labels: string;
  to_labels: string;
  color: string;
  description: string;
}

interface LinkRow {
  id: string;
  type: string;
  from_span: string;
  to_span: string;
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

/** A document to insert, with optional spans (code points into `text`) and links between them. */
export interface NewDocument {
  title: string;
  text: string;
  meta?: DocumentMeta;
  status?: DocumentStatus;
  note?: string;
  spans?: SpanInput[];
  links?: Link[];
}

const now = (): string => new Date().toISOString();

/** `make()`'s value, made on the first call. */
function lazy<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

/**
 * A JSON column's value, or `fallback` (and a problem told to `problem`) when the stored text is not
 * JSON of the expected shape: a corpus another program wrote into must still open.
 */
function jsonOr<T>(text: string, fallback: T, fits: (v: unknown) => boolean, problem?: (what: string) => void): T {
  try {
    const value: unknown = JSON.parse(text);
    if (fits(value)) return value as T;
  } catch {
    // told below
  }
  problem?.(shortened(text, 60));
  return fallback;
}


/** A list of [start, end] pairs of whole numbers, as Loupe writes fragments. */
const isFragmentList = (v: unknown): boolean =>
  Array.isArray(v) && v.length > 0 && v.every((f) => Array.isArray(f) && f.length === 2 && Number.isInteger(f[0]) && Number.isInteger(f[1]));

/** A span row; unreadable fragments or attribute values are named through `problem`. */
const toSpan = (row: SpanRow, problem?: (what: string) => void): Span => ({
  id: row.id,
  label: row.label,
  start: row.start_cp,
  end: row.end_cp,
  fragments:
    row.fragments === null
      ? [[row.start_cp, row.end_cp]]
      : jsonOr<Fragment[]>(row.fragments, [[row.start_cp, row.end_cp]], isFragmentList, (t) => problem?.(`span ${row.id} (${row.label}): its fragments cannot be read (${t}); shown whole`)),
  attrs: jsonOr<SpanAttrs>(row.attrs, {}, isObject, (t) => problem?.(`span ${row.id} (${row.label}): its attribute values cannot be read (${t}); shown without them`)),
  note: row.note,
  annotator: row.annotator,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toLink = (row: LinkRow): Link => ({ id: row.id, type: row.type, from: row.from_span, to: row.to_span });

/** A label row, its attributes read as plain data (see plainSchemaOf): a malformed one cannot break the app. */
const toLabel = (row: LabelRow, problem?: (what: string) => void): Label => {
  const attributes = jsonOr<unknown[]>(row.attributes, [], Array.isArray, (t) => problem?.(`the attributes of label “${row.name}” cannot be read (${t})`));
  const [label] = plainSchemaOf([{ ...row, attributes: attributes.filter(isObject) }], []).labels;
  return { ...label!, name: row.name, color: row.color, hotkey: row.hotkey, description: row.description };
};

const toLinkType = (row: LinkTypeRow, problem?: (what: string) => void): LinkType => {
  const labels = (text: string, end: string) =>
    jsonOr<unknown[]>(text, [], Array.isArray, (t) => problem?.(`the ${end} labels of link type “${row.name}” cannot be read (${t})`)).filter(
      (x): x is string => typeof x === 'string',
    );
  return { name: row.name, from: labels(row.from_labels, 'from'), to: labels(row.to_labels, 'to'), color: row.color, description: row.description };
};

const toDocument = (row: DocumentRow, spans: Span[], links: Link[]): LoupeDocument => ({
  id: row.id,
  title: row.title,
  text: row.text,
  meta: jsonOr<DocumentMeta>(row.meta, {}, isObject),
  status: row.status,
  note: row.note,
  spans,
  links,
  revision: row.revision,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * Puts spans that share start and end in id order. SQLite returns them by start and end straight
 * from the spans_by_document index; adding `id` to its ORDER BY would make it sort every document's
 * spans in a temporary b-tree, a third of the cost of reading them. Ties are rare: one pass.
 */
function orderTiesById(rows: SpanRow[]): SpanRow[] {
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!;
    let j = i;
    for (; j > 0; j--) {
      const prev = rows[j - 1]!;
      if (prev.start_cp !== row.start_cp || prev.end_cp !== row.end_cp || compareCodePoints(prev.id, row.id) < 0) break;
      rows[j] = prev;
    }
    rows[j] = row;
  }
  return rows;
}

/**
 * `shiftOffset` (src/shared/textEdit.ts) as SQL over column `c`, with the edit as parameters
 * @at, @end (= at + remove), @remove, @inserted and @delta. Change the two together.
 */
function shiftSql(c: string, assoc: -1 | 1): string {
  const after = assoc < 0 ? '0' : '@inserted';
  return `(CASE WHEN ${c} < @at THEN ${c} WHEN ${c} > @end THEN ${c} + @delta WHEN @remove = 0 THEN ${c} + ${after}
    WHEN ${c} = @at THEN @at WHEN ${c} = @end THEN @at + @inserted ELSE @at + ${after} END)`;
}
const SHIFT_START = shiftSql('start_cp', 1);

/** Fragments of a span input: the given ones, or the one piece from start to end. */
const fragmentsOf = (s: SpanInput): Fragment[] => s.fragments ?? [[s.start, s.end]];

/** The stored form of fragments: NULL for a contiguous span. */
const storedFragments = (fragments: readonly Fragment[]): string | null =>
  fragments.length <= 1 ? null : JSON.stringify(fragments);

/** The error of a save or merge that would make span `s` an exact duplicate of span `twin`. */
function twinError(s: SpanInput, twin: string): StoreError {
  return new StoreError(
    `span ${s.id} would be an exact duplicate of span ${twin}: both are “${s.label}” on the same text (${fragmentsOf(s)
      .map(([a, b]) => `${a}–${b}`)
      .join(', ')}); remove one of them. Nothing was saved`,
    'invalid-argument',
    { key: 'error.duplicateSpan', params: { label: s.label } },
  );
}

const EMPTY_IMPACT = (): SchemaImpact => ({ labels: [], attributes: [], linkTypes: [] });

/** Whether an impact deletes anything. */
export function impactDeletes(impact: SchemaImpact): boolean {
  return (
    impact.labels.some((l) => l.spans > 0 || l.links > 0) ||
    impact.attributes.some((a) => a.values > 0) ||
    impact.linkTypes.some((t) => t.links > 0)
  );
}

export class CorpusStore {
  private readonly statements;

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
  ) {
    this.statements = {
      labels: db.prepare<[], LabelRow>(
        'SELECT name, color, hotkey, description, attributes FROM labels ORDER BY position, name',
      ),
      insertLabel: db.prepare(
        'INSERT INTO labels (name, color, hotkey, description, attributes, position) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      linkTypes: db.prepare<[], LinkTypeRow>(
        'SELECT name, from_labels, to_labels, color, description FROM link_types ORDER BY position, name',
      ),
      insertLinkType: db.prepare(
        'INSERT INTO link_types (name, from_labels, to_labels, color, description, position) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      summaries: db.prepare<[], { id: number; title: string; status: DocumentStatus; updated_at: string; span_count: number }>(
        `SELECT d.id, d.title, d.status, d.updated_at, (SELECT count(*) FROM spans s WHERE s.document_id = d.id) AS span_count
         FROM documents d ORDER BY d.id`,
      ),
      layerSummaries: db.prepare<[string], { id: number; title: string; status: DocumentStatus; updated_at: string; span_count: number }>(
        `SELECT d.id, d.title, d.status, d.updated_at, (SELECT count(*) FROM spans s WHERE s.document_id = d.id AND s.annotator = ?) AS span_count
         FROM documents d ORDER BY d.id`,
      ),
      documentCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM documents'),
      document: db.prepare<[number], DocumentRow>('SELECT * FROM documents WHERE id = ?'),
      nextDocument: db.prepare<[number], DocumentRow>('SELECT * FROM documents WHERE id > ? ORDER BY id LIMIT 1'),
      // By start and end only, in index order: readDocument orders ties by id (see orderTiesById).
      spansOf: db.prepare<[number], SpanRow>(
        `SELECT id, label, start_cp, end_cp, fragments, attrs, note, annotator, created_at, updated_at
         FROM spans WHERE document_id = ? ORDER BY start_cp, end_cp`,
      ),
      // Where one annotator's spans of a document are (spans_by_annotator).
      layerPlaces: db.prepare<[number, string], { id: string; label: string; start_cp: number; end_cp: number; fragments: string | null }>(
        'SELECT id, label, start_cp, end_cp, fragments FROM spans WHERE document_id = ? AND annotator = ?',
      ),
      // One annotator's layer (spans_by_annotator), ordered as spansOf.
      layerSpansOf: db.prepare<[number, string], SpanRow>(
        `SELECT id, label, start_cp, end_cp, fragments, attrs, note, annotator, created_at, updated_at
         FROM spans WHERE document_id = ? AND annotator = ? ORDER BY start_cp, end_cp`,
      ),
      layerLinksOf: db.prepare<[number, string], LinkRow>(
        `SELECT l.id, l.type, l.from_span, l.to_span FROM links l JOIN spans f ON f.id = l.from_span
         WHERE l.document_id = ? AND f.annotator = ? ORDER BY l.id`,
      ),
      linksOf: db.prepare<[number], LinkRow>(
        'SELECT id, type, from_span, to_span FROM links WHERE document_id = ? ORDER BY id',
      ),
      spanRow: db.prepare<[string], { document_id: number; label: string; attrs: string; annotator: string | null }>(
        'SELECT document_id, label, attrs, annotator FROM spans WHERE id = ?',
      ),
      linkOwner: db.prepare<[string], { document_id: number }>('SELECT document_id FROM links WHERE id = ?'),
      spanPlace: db.prepare<[string], { label: string; start_cp: number; end_cp: number; fragments: string | null }>(
        'SELECT label, start_cp, end_cp, fragments FROM spans WHERE id = ?',
      ),
      // Through spans_by_document: another span of the document with the same label and fragments.
      twinOf: db.prepare<
        { documentId: number; id: string; label: string; start: number; end: number; fragments: string | null },
        { id: string }
      >(
        `SELECT id FROM spans WHERE document_id = @documentId AND start_cp = @start AND end_cp = @end
         AND label = @label AND fragments IS @fragments AND id <> @id
         AND annotator IS (SELECT annotator FROM spans WHERE id = @id) LIMIT 1`,
      ),
      // Through documents_by_fingerprint (length and first 64 characters), then the whole text.
      documentWithText: db.prepare<{ text: string }, { id: number }>(
        `SELECT id FROM documents WHERE length(text) = length(@text) AND substr(text, 1, 64) = substr(@text, 1, 64)
         AND text = @text ORDER BY id LIMIT 1`,
      ),
      insertDocument: db.prepare(
        `INSERT INTO documents (id, title, text, meta, status, note, revision, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
      ),
      maxDocumentId: db.prepare<[], { n: number }>('SELECT coalesce(max(id), 0) AS n FROM documents'),
      upsertSpan: db.prepare(
        `INSERT INTO spans (id, document_id, label, start_cp, end_cp, fragments, attrs, note, annotator, created_at, updated_at)
         VALUES (@id, @documentId, @label, @start, @end, @fragments, coalesce(@attrs, '{}'), coalesce(@note, ''), @annotator, @now, @now)
         ON CONFLICT (id) DO UPDATE SET label = excluded.label, start_cp = excluded.start_cp,
           end_cp = excluded.end_cp, fragments = excluded.fragments,
           attrs = coalesce(@attrs, spans.attrs), note = coalesce(@note, spans.note), updated_at = excluded.updated_at`,
      ),
      // A span whose id is known to be new (checked first): a plain insert, three times as fast as
      // the upsert above on a large corpus (a merge adds hundreds of thousands).
      insertSpan: db.prepare(
        `INSERT INTO spans (id, document_id, label, start_cp, end_cp, fragments, attrs, note, annotator, created_at, updated_at)
         VALUES (@id, @documentId, @label, @start, @end, @fragments, coalesce(@attrs, '{}'), coalesce(@note, ''), @annotator, @now, @now)`,
      ),
      deleteSpan: db.prepare('DELETE FROM spans WHERE id = ? AND document_id = ?'),
      deleteLayerSpan: db.prepare('DELETE FROM spans WHERE id = ? AND document_id = ? AND annotator = ?'),
      deleteLink: db.prepare('DELETE FROM links WHERE id = ? AND document_id = ?'),
      deleteLayerLink: db.prepare(
        'DELETE FROM links WHERE id = ? AND document_id = ? AND from_span IN (SELECT id FROM spans WHERE document_id = links.document_id AND annotator = ?)',
      ),
      linksTouching: db.prepare<[string, string], { id: string; type: string; from_label: string; to_label: string }>(
        `SELECT l.id, l.type, f.label AS from_label, t.label AS to_label
         FROM links l JOIN spans f ON f.id = l.from_span JOIN spans t ON t.id = l.to_span
         WHERE l.from_span = ? OR l.to_span = ?`,
      ),
      shiftSpans: db.prepare(
        `UPDATE spans SET start_cp = ${SHIFT_START}, end_cp = max(${shiftSql('end_cp', -1)}, ${SHIFT_START} + 1)
         WHERE document_id = @documentId AND fragments IS NULL AND end_cp >= @at`,
      ),
      fragmentedFrom: db.prepare<[number, number], { id: string; fragments: string; start_cp: number; end_cp: number }>(
        'SELECT id, fragments, start_cp, end_cp FROM spans WHERE document_id = ? AND fragments IS NOT NULL AND end_cp >= ?',
      ),
      placeSpan: db.prepare('UPDATE spans SET start_cp = ?, end_cp = ?, fragments = ? WHERE id = ?'),
      maxSpanEnd: db.prepare<[number], { m: number | null }>('SELECT max(end_cp) AS m FROM spans WHERE document_id = ?'),
      spansPastEnd: db.prepare<[number, number], { id: string; end_cp: number }>('SELECT id, end_cp FROM spans WHERE document_id = ? AND end_cp > ?'),
      updateText: db.prepare('UPDATE documents SET text = ? WHERE id = ?'),
      updateTitle: db.prepare('UPDATE documents SET title = ? WHERE id = ?'),
      updateStatus: db.prepare('UPDATE documents SET status = ? WHERE id = ?'),
      updateNote: db.prepare('UPDATE documents SET note = ? WHERE id = ?'),
      touch: db.prepare<[string, number], { revision: number; status: DocumentStatus }>(
        `UPDATE documents SET revision = revision + 1, updated_at = ?,
           status = CASE status WHEN 'new' THEN 'in_progress' ELSE status END
         WHERE id = ? RETURNING revision, status`,
      ),
      touchInfo: db.prepare<[string, number], { revision: number; status: DocumentStatus }>(
        'UPDATE documents SET revision = revision + 1, updated_at = ? WHERE id = ? RETURNING revision, status',
      ),
      deleteDocument: db.prepare('DELETE FROM documents WHERE id = ?'),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM corpus_meta WHERE key = ?'),
      setMeta: db.prepare(
        'INSERT INTO corpus_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
  }

  /**
   * Statements on what schema 4 added (layers, links' annotator), prepared when first used: a corpus
   * of an older schema opened read-only (it cannot be upgraded) never writes, and reads without them.
   */
  private readonly later = {
    touchLayer: lazy(() =>
      this.db.prepare<[number, string, string, string]>(
        `INSERT INTO layers (document_id, annotator, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (document_id, annotator) DO UPDATE SET updated_at = excluded.updated_at`,
      ),
    ),
    layersOf: lazy(() =>
      this.db.prepare<[number], { annotator: string; spans: number }>(
        `SELECT y.annotator, (SELECT count(*) FROM spans s WHERE s.document_id = y.document_id AND s.annotator = y.annotator) AS spans
         FROM layers y WHERE y.document_id = ? ORDER BY y.annotator`,
      ),
    ),
    curation: lazy(() => this.db.prepare<[number, string], CurationRow>('SELECT gold, status, curator, updated_at FROM curation WHERE document_id = ? AND gold = ?')),
    curationAll: lazy(() => this.db.prepare<[], CurationRow & { document_id: number }>('SELECT document_id, gold, status, curator, updated_at FROM curation ORDER BY document_id, updated_at')),
    goldLayers: lazy(() => this.db.prepare<[], { gold: string }>('SELECT DISTINCT gold FROM curation ORDER BY gold')),
    isGold: lazy(() => this.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM curation WHERE gold = ?')),
    setCuration: lazy(() =>
      this.db.prepare<[number, string, string, string | null, string]>(
        `INSERT INTO curation (document_id, gold, status, curator, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (document_id, gold) DO UPDATE SET status = excluded.status, curator = coalesce(excluded.curator, curator), updated_at = excluded.updated_at`,
      ),
    ),
    decisions: lazy(() =>
      this.db.prepare<[number, string], { span_id: string; candidate: string; decision: CurationDecision }>(
        'SELECT span_id, candidate, decision FROM curation_decisions WHERE document_id = ? AND gold = ?',
      ),
    ),
    decide: lazy(() =>
      this.db.prepare<[number, string, string, string, string]>(
        `INSERT INTO curation_decisions (document_id, gold, span_id, candidate, decision) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (document_id, gold, span_id) DO UPDATE SET candidate = excluded.candidate, decision = excluded.decision`,
      ),
    ),
    hasLayer: lazy(() =>
      this.db.prepare<[string, string], { n: number }>(
        'SELECT (SELECT count(*) FROM layers WHERE annotator = ?) + (SELECT count(*) FROM spans WHERE annotator = ?) AS n',
      ),
    ),
    upsertLink: lazy(() =>
      this.db.prepare(
        `INSERT INTO links (id, document_id, type, from_span, to_span, created_at, annotator) VALUES (@id, @documentId, @type, @from, @to, @now, @annotator)
         ON CONFLICT (id) DO UPDATE SET type = excluded.type, from_span = excluded.from_span, to_span = excluded.to_span`,
      ),
    ),
  };

  /** Opens or creates the corpus file at `file`. */
  static open(file: string, options: OpenOptions): CorpusStore {
    return new CorpusStore(openDatabase(file, options), path.resolve(file));
  }

  /**
   * Names this opening of the corpus (random, in memory): a save made against another opening —
   * another corpus, a copy of this file, or this file before it was reopened — is refused.
   */
  readonly id: string = randomUUID();

  /**
   * Whose layer reads and saves see (the app's user; see layers in migrations/m004Layers.ts): set, a
   * document opens with that annotator's spans and links only, a save writes into that layer and
   * cannot touch another's (the text is shared: a text change moves every layer's spans). Null (the
   * command line, tools): every layer is read, and spans are saved with no annotator.
   */
  annotator: string | null = null;

  /** Opened read-only (a file Loupe may not write, or asked for): every write is refused by SQLite. */
  get readOnly(): boolean {
    return this.db.readonly;
  }

  /** Whether the corpus records layers (schema 4; an older corpus opened read-only does not). */
  get recordsLayers(): boolean {
    return this.db.prepare<[], number>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'layers'").pluck().get()! > 0;
  }

  /** The corpus name: its stored name, else the file name without extension. */
  get name(): string {
    return this.statements.getMeta.get('name')?.value ?? path.basename(this.path).replace(/\.loupe$/i, '');
  }

  setName(name: string): void {
    this.statements.setMeta.run('name', name);
  }

  labels(): Label[] {
    return this.statements.labels.all().map((row) => toLabel(row));
  }

  linkTypes(): LinkType[] {
    return this.statements.linkTypes.all().map((row) => toLinkType(row));
  }

  /**
   * What is wrong with the schema as stored, in words (empty when nothing): columns that are not
   * readable JSON, and whatever schemaProblems finds in what could be read.
   */
  schemaProblems(): string[] {
    const problems: string[] = [];
    const told = (what: string) => problems.push(what);
    const labels = this.statements.labels.all().map((row) => toLabel(row, told));
    const linkTypes = this.statements.linkTypes.all().map((row) => toLinkType(row, told));
    for (const row of this.statements.labels.all()) {
      // plainSchemaOf keeps the options that are strings: say when the stored ones were not a list of them.
      const raw = jsonOr<unknown[]>(row.attributes, [], Array.isArray);
      for (const a of raw) {
        if (!isObject(a)) told(`label “${row.name}” lists an attribute that is not an object`);
        else if ('options' in (a as object) && !(Array.isArray((a as { options: unknown }).options) && (a as { options: unknown[] }).options.every((o) => typeof o === 'string'))) {
          told(`the options of attribute “${String((a as { name?: unknown }).name)}” of label “${row.name}” are not a list of names`);
        }
      }
    }
    return [...problems, ...schemaProblems({ labels, linkTypes })];
  }

  schema(): CorpusSchema {
    return { labels: this.labels(), linkTypes: this.linkTypes() };
  }

  /** Adds labels and link types the corpus does not have yet (by name), after the existing ones. */
  addToSchema(schema: Partial<CorpusSchema>): void {
    this.db.transaction(() => {
      const labels = this.labels();
      const existing = new Set(labels.map((l) => l.name));
      let position = labels.length;
      for (const l of schema.labels ?? []) {
        if (existing.has(l.name)) continue;
        this.statements.insertLabel.run(l.name, l.color, l.hotkey, l.description, JSON.stringify(l.attributes ?? []), position++);
        existing.add(l.name);
      }
      const types = this.linkTypes();
      const existingTypes = new Set(types.map((t) => t.name));
      position = types.length;
      for (const t of schema.linkTypes ?? []) {
        if (existingTypes.has(t.name)) continue;
        this.statements.insertLinkType.run(t.name, JSON.stringify(t.from), JSON.stringify(t.to), t.color, t.description, position++);
        existingTypes.add(t.name);
      }
      const problems = schemaProblems(this.schema());
      if (problems.length) throw new StoreError(`the schema is not valid: ${problems.join('; ')}`);
    }).immediate();
  }

  /** Adds labels that the corpus does not have yet, after the existing ones. */
  addLabels(labels: readonly Label[]): void {
    this.addToSchema({ labels: [...labels] });
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

  /** Link counts per link type, in schema order, zero counts included. */
  linkCountsByType(): { type: string; count: number }[] {
    const counts = new Map(
      (this.db.prepare('SELECT type, count(*) AS n FROM links GROUP BY type').all() as { type: string; n: number }[]).map(
        (r) => [r.type, r.n],
      ),
    );
    return this.linkTypes().map((t) => ({ type: t.name, count: counts.get(t.name) ?? 0 }));
  }

  /** Whether some document of the corpus has a span with this id. */
  hasSpanId(id: string): boolean {
    return this.statements.spanRow.get(id) !== undefined;
  }

  /** Whether some document of the corpus has a link with this id. */
  hasLinkId(id: string): boolean {
    return this.statements.linkOwner.get(id) !== undefined;
  }

  /** The id of a document whose text is exactly `text` (the first, if several), without reading every text. */
  documentWithText(text: string): number | undefined {
    return this.statements.documentWithText.get({ text })?.id;
  }

  documentCount(): number {
    return this.statements.documentCount.get()?.n ?? 0;
  }

  /** The documents, with the spans of the current annotator's layer counted (of every layer when none is set). */
  listDocuments(): DocumentSummary[] {
    const rows = this.annotator === null ? this.statements.summaries.all() : this.statements.layerSummaries.all(this.annotator);
    const curation = this.curationStatuses();
    return rows.map((r) => {
      const curated = curation.get(r.id);
      return {
        id: r.id,
        title: r.title,
        spanCount: r.span_count,
        status: r.status,
        updatedAt: r.updated_at,
        ...(curated ? { curation: curated } : {}),
      };
    });
  }

  /** A document row with its spans and links; `problem` hears of span data that could not be read. */
  private readDocument(row: DocumentRow, problem?: (what: string) => void, layer: string | null = null): LoupeDocument {
    const { spans, links } = this.spansAndLinks(row.id, layer, problem);
    return toDocument(row, spans, links);
  }

  /** Document `id`'s spans (in text order) and links: `layer`'s only, or every layer's when null. */
  private spansAndLinks(id: number, layer: string | null, problem?: (what: string) => void): { spans: Span[]; links: Link[] } {
    const spans = layer === null ? this.statements.spansOf.all(id) : this.statements.layerSpansOf.all(id, layer);
    const links = layer === null ? this.statements.linksOf.all(id) : this.statements.layerLinksOf.all(id, layer);
    return { spans: orderTiesById(spans).map((span) => toSpan(span, problem)), links: links.map(toLink) };
  }

  /**
   * A document with its spans and links (of `layer`'s annotator only, when given; every layer's when
   * null); `problems`, when given, gets what of it could not be read.
   */
  getDocument(id: number, problems?: string[], layer: string | null = null): LoupeDocument {
    const row = this.statements.document.get(id);
    if (!row) throw new StoreError(`document ${id} does not exist`, 'not-found', { key: 'error.documentGone' });
    return this.readDocument(row, problems && ((what) => problems.push(what)), layer);
  }

  /** `annotator`'s spans and links of document `id`, as getDocument(id, [], annotator) has them, without the document. */
  layerOf(id: number, annotator: string): { spans: Span[]; links: Link[] } {
    return this.spansAndLinks(id, annotator);
  }

  /**
   * Adds spans and links to `annotator`'s layer of document `id` (a merge), checked as a save checks
   * them, in one transaction: all or nothing. Records the layer, also when `spans` is empty.
   */
  addToLayer(id: number, annotator: string, spans: readonly SpanInput[], links: readonly Link[]): void {
    this.db.transaction(() => {
      const row = this.statements.document.get(id);
      if (!row) throw new StoreError(`document ${id} does not exist`, 'not-found');
      const stamp = now();
      const labels = this.labelMap();
      this.checkSpans(spans, codePointLength(row.text), labels);
      for (const s of spans) {
        if (this.statements.spanRow.get(s.id)) throw new StoreError(`span id ${s.id} is already used in this corpus`, 'conflict');
        this.writeSpan(id, s, stamp, annotator, true);
        this.checkAttrs(s.id, labels.get(s.label)!, s.attrs ?? {});
      }
      this.refuseLayerTwins(id, annotator, spans);
      if (links.length) this.asLayer(annotator, () => this.writeLinks(id, links, stamp));
      this.later.touchLayer().run(id, annotator, stamp, stamp);
      if (spans.length || links.length) this.statements.touch.get(stamp, id);
    })();
  }

  /** Replaces a document's note (a merge adds an annotator's to it); its revision moves on. */
  setDocumentNote(id: number, note: string): void {
    this.db.transaction(() => {
      if (this.statements.updateNote.run(note, id).changes === 0) throw new StoreError(`document ${id} does not exist`, 'not-found');
      this.statements.touchInfo.get(now(), id);
    })();
  }

  /**
   * Runs `f` as `annotator` (their layer read, written and checked), then goes back: the app's store
   * writes the gold layer this way (curation, and the curator's edits of it).
   */
  private asLayer<T>(annotator: string, f: () => T): T {
    const own = this.annotator;
    this.annotator = annotator;
    try {
      return f();
    } finally {
      this.annotator = own;
    }
  }

  /** Whether `name` is a gold layer: one some document of the corpus is curated into. */
  isGoldLayer(name: string): boolean {
    try {
      return this.later.isGold().get(name)!.n > 0;
    } catch {
      return false; // an older corpus opened read-only curates nothing
    }
  }

  /**
   * Whether `name` may be curated into: a gold layer already, or a name no annotator's layer has (a
   * new gold layer). An annotator's layer is never made a gold layer (the app could then write it).
   */
  mayBeGold(name: string): boolean {
    if (this.isGoldLayer(name)) return true;
    try {
      return this.later.hasLayer().get(name, name)!.n === 0;
    } catch {
      return this.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM spans WHERE annotator = ?').get(name)!.n === 0;
    }
  }

  /**
   * Document `id`'s curation into `gold` (null: not begun), with the curator's decisions by span id
   * (each with the span's label and pieces, JSON, when it was decided on).
   */
  curationOf(id: number, gold: string): { status: CurationStatus; curator: string | null; updatedAt: string; decisions: Map<string, { decision: CurationDecision; candidate: string }> } | null {
    let row: CurationRow | undefined;
    try {
      row = this.later.curation().get(id, gold);
    } catch {
      return null; // an older corpus opened read-only
    }
    if (!row) return null;
    const decisions = new Map(this.later.decisions().all(id, gold).map((r) => [r.span_id, { decision: r.decision, candidate: r.candidate }]));
    return { status: row.status, curator: row.curator, updatedAt: row.updated_at, decisions };
  }

  /** The corpus's gold layers: the names documents are curated into. */
  goldLayers(): string[] {
    try {
      return this.later.goldLayers().all().map((r) => r.gold);
    } catch {
      return []; // an older corpus opened read-only: nothing curated
    }
  }

  /** Every document's curation (by document id; of several gold layers, the one changed last). */
  curationStatuses(): Map<number, { gold: string; status: CurationStatus }> {
    const out = new Map<number, { gold: string; status: CurationStatus }>();
    try {
      for (const r of this.later.curationAll().all()) out.set(r.document_id, { gold: r.gold, status: r.status });
    } catch {
      // an older corpus opened read-only: nothing curated
    }
    return out;
  }

  /**
   * One curation step on document `id`, in one transaction: removes `remove` (spans of the gold layer)
   * and adds `add` and `links` to it, records `decisions` on annotators' spans and the curation's
   * status (`status`, else in progress) and curator.
   */
  curate(
    id: number,
    gold: string,
    step: {
      remove?: readonly string[];
      add?: readonly SpanInput[];
      links?: readonly Link[];
      /** Span id, the span's label and pieces (JSON) as decided on, the decision. */
      decisions?: readonly [string, string, CurationDecision][];
      status?: CurationStatus;
      curator: string | null;
    },
  ): void {
    this.db.transaction(() => {
      const row = this.statements.document.get(id);
      if (!row) throw new StoreError(`document ${id} does not exist`, 'not-found', { key: 'error.documentGone' });
      if (!this.mayBeGold(gold)) throw new StoreError(`${gold} is an annotator’s layer, not a gold layer: name the gold layer otherwise`, 'conflict');
      const stamp = now();
      let changed = false;
      for (const spanId of step.remove ?? []) changed = this.statements.deleteLayerSpan.run(spanId, id, gold).changes > 0 || changed;
      if (step.add?.length || step.links?.length) {
        this.addToLayer(id, gold, step.add ?? [], step.links ?? []);
        changed = true;
      } else {
        this.later.touchLayer().run(id, gold, stamp, stamp);
      }
      for (const [spanId, candidate, decision] of step.decisions ?? []) this.later.decide().run(id, gold, spanId, candidate, decision);
      this.later.setCuration().run(id, gold, step.status ?? this.curationOf(id, gold)?.status ?? 'in_progress', step.curator, stamp);
      if (changed) this.statements.touch.get(stamp, id);
    }).immediate();
  }

  /** Whose spans the corpus (or document `id`) has: annotators by name, null for spans of nobody; in name order, null first. */
  spanAnnotators(id?: number): (string | null)[] {
    const rows =
      id === undefined
        ? this.db.prepare<[], { annotator: string | null }>('SELECT DISTINCT annotator FROM spans ORDER BY annotator').all()
        : this.db.prepare<[number], { annotator: string | null }>('SELECT DISTINCT annotator FROM spans WHERE document_id = ? ORDER BY annotator').all(id);
    return rows.map((r) => r.annotator);
  }

  /** The annotators with a layer of document `id`, with how many spans each has there. */
  layersOf(id: number): { annotator: string; spans: number }[] {
    return this.later.layersOf().all(id);
  }

  /**
   * Gives every span and link with no annotator (made before annotators were recorded) to
   * `annotator`, with a layer of each document they are in; returns how many spans it gave.
   */
  adoptUnattributed(annotator: string): number {
    return this.db.transaction(() => {
      const stamp = now();
      const spans = this.db.prepare('UPDATE spans SET annotator = ? WHERE annotator IS NULL').run(annotator).changes;
      this.db.prepare('UPDATE links SET annotator = ? WHERE annotator IS NULL').run(annotator);
      this.db
        .prepare(
          `INSERT OR IGNORE INTO layers (document_id, annotator, created_at, updated_at)
           SELECT DISTINCT document_id, ?, ?, ? FROM spans WHERE annotator = ?`,
        )
        .run(annotator, stamp, stamp, annotator);
      return spans;
    }).immediate();
  }

  /**
   * Streams documents with their spans and links, one at a time, so exports never hold the corpus.
   * Each document is read whole in one read transaction before it is yielded: a save made while the
   * consumer writes cannot pair one revision's text with another's spans. One document, not a page of
   * them, is all that is alive at once: a page outlives the young generation's collections and is
   * promoted, which grew an export's memory by a hundred megabytes and more.
   */
  *documents(onlyId?: number): Generator<LoupeDocument> {
    if (onlyId !== undefined) {
      yield this.getDocument(onlyId);
      return;
    }
    const readNext = this.db.transaction((after: number) => {
      const row = this.statements.nextDocument.get(after);
      return row && this.readDocument(row);
    });
    for (let doc = readNext.deferred(0); doc; doc = readNext.deferred(doc.id)) yield doc;
  }

  /** Inserts one document (with its spans and links) in one transaction; returns its id. */
  insertDocument(doc: NewDocument): number {
    return this.db.transaction(() => {
      const stamp = now();
      const status = doc.status ?? (doc.spans?.length ? 'in_progress' : 'new');
      // Ids are never handed out twice, not even the id of the last document after it was deleted: a
      // window still showing the deleted one must not save into a new document that took its id.
      const id = Math.max(Number(this.statements.getMeta.get('last_document_id')?.value ?? 0), this.statements.maxDocumentId.get()!.n) + 1;
      this.statements.insertDocument.run(id, doc.title, doc.text, JSON.stringify(doc.meta ?? {}), status, doc.note ?? '', stamp, stamp);
      this.statements.setMeta.run('last_document_id', String(id));
      if (doc.spans?.length) {
        const labels = this.labelMap();
        this.checkSpans(doc.spans, codePointLength(doc.text), labels);
        for (const s of doc.spans) {
          if (this.statements.spanRow.get(s.id)) throw new StoreError(`span id ${s.id} is already used in this corpus`, 'conflict');
          this.writeSpan(id, s, stamp);
          this.checkAttrs(s.id, labels.get(s.label)!, s.attrs ?? {});
        }
      }
      if (doc.links?.length) this.writeLinks(id, doc.links, stamp);
      if (this.annotator !== null && doc.spans?.length) this.later.touchLayer().run(id, this.annotator, stamp, stamp);
      return id;
    }).immediate();
  }

  /**
   * Applies an incremental save in one transaction: nothing is written unless all of it is valid.
   * Write transactions here are IMMEDIATE: they wait for another process's writer (busy timeout)
   * before reading, instead of failing when a read turns into a write. The API always gives a base
   * revision (the contract requires one); Node-side code that owns the corpus (tests, tools) may leave
   * it out to write without the check.
   */
  saveDocument(req: Omit<SaveDocumentRequest, 'corpusId' | 'baseRevision'> & { baseRevision?: number }): SaveResult {
    // A save into a gold layer (the curator's edits): written, checked and owned as that layer.
    if (req.layer !== undefined && req.layer !== this.annotator) {
      const { layer, ...rest } = req;
      if (this.annotator !== null && !this.isGoldLayer(layer)) {
        throw new StoreError(`${layer}’s layer is not yours to change (only your own layer, or a gold layer being curated)`, 'conflict');
      }
      return this.asLayer(layer, () => this.saveDocument(rest));
    }
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
      if (req.text !== undefined && req.edit !== undefined) throw new StoreError('a save carries the new text or a change to it, not both');
      // Spans already past the end of the text (written so by another program): the editor leaves
      // them out and they must not block its saves; only a span this save pushes out is refused.
      const pastEndBefore = new Set(this.statements.spansPastEnd.all(req.id, codePointLength(row.text)).map((r) => r.id));
      let text = req.text ?? row.text;
      if (req.text !== undefined && req.text !== row.text) this.statements.updateText.run(req.text, req.id);
      if (req.title !== undefined) this.statements.updateTitle.run(req.title, req.id);
      if (req.status !== undefined) this.statements.updateStatus.run(req.status, req.id);
      if (req.note !== undefined) this.statements.updateNote.run(req.note, req.id);
      const layer = this.annotator;
      for (const id of req.removeLinks ?? []) {
        if (layer === null) this.statements.deleteLink.run(id, req.id);
        else this.statements.deleteLayerLink.run(id, req.id, layer);
      }
      for (const id of req.remove) {
        if (layer === null) this.statements.deleteSpan.run(id, req.id);
        else this.statements.deleteLayerSpan.run(id, req.id, layer);
      }
      if (req.edit) text = this.applyEdit(req.id, row.text, req.edit);
      const length = codePointLength(text);
      const labels = this.labelMap();
      this.checkSpans(req.upsert, length, labels);
      // Spans this save creates, relabels or moves while the text stays as it was: none may become an
      // exact copy of another (see refuseTwins). Deleting text may make two spans alike; that is allowed.
      const textChanged = text !== row.text;
      const placed: SpanInput[] = [];
      for (const s of req.upsert) {
        const existing = this.statements.spanRow.get(s.id);
        if (existing && existing.document_id !== req.id) {
          throw new StoreError(`span ${s.id} belongs to another document`, 'conflict');
        }
        if (existing && layer !== null && existing.annotator !== layer) {
          throw new StoreError(`span ${s.id} is in ${existing.annotator ?? 'nobody'}’s layer, not ${layer}’s: only they change it`, 'conflict');
        }
        if (!textChanged && !this.samePlace(s)) placed.push(s);
        this.writeSpan(req.id, s, stamp);
        const attrs = s.attrs ?? (existing ? jsonOr<SpanAttrs>(existing.attrs, {}, isObject) : {});
        this.checkAttrs(s.id, labels.get(s.label)!, attrs);
      }
      this.refuseTwins(req.id, placed);
      if (req.upsertLinks?.length) this.writeLinks(req.id, req.upsertLinks, stamp);
      // A relabelled span must still fit the links that stay on it.
      const types = new Map(this.linkTypes().map((t) => [t.name, t]));
      for (const s of req.upsert) {
        for (const l of this.statements.linksTouching.all(s.id, s.id)) {
          if (!linkAllowed(types.get(l.type)!, l.from_label, l.to_label)) {
            throw new StoreError(
              `link ${l.id} (${l.type}) cannot go from a span labelled “${l.from_label}” to one labelled “${l.to_label}”`,
            );
          }
        }
      }
      // Spans the request did not move must still fit the new text.
      const maxEnd = this.statements.maxSpanEnd.get(req.id)?.m ?? 0;
      if (maxEnd > length) {
        const pushedOut = this.statements.spansPastEnd.all(req.id, length).find((r) => !pastEndBefore.has(r.id));
        if (pushedOut) throw new StoreError(`a span ends at ${pushedOut.end_cp}, past the end of the text (${length} characters)`);
      }
      // Every save moves the revision on, so a window holding an older title, status or note cannot
      // write over it; only a change to the text or spans makes a new document "in progress".
      const contentChanged =
        req.text !== undefined ||
        req.edit !== undefined ||
        req.upsert.length > 0 ||
        req.remove.length > 0 ||
        (req.upsertLinks?.length ?? 0) > 0 ||
        (req.removeLinks?.length ?? 0) > 0;
      const touched = contentChanged
        ? this.statements.touch.get(stamp, req.id)!
        : this.statements.touchInfo.get(stamp, req.id)!;
      if (layer !== null && (req.upsert.length > 0 || req.remove.length > 0 || (req.upsertLinks?.length ?? 0) > 0 || (req.removeLinks?.length ?? 0) > 0)) {
        this.later.touchLayer().run(req.id, layer, stamp, stamp);
      }
      return { revision: touched.revision, status: touched.status, updatedAt: stamp };
    }).immediate();
  }

  /** Applies a text splice and shifts the document's spans by the shared rule; returns the new text. */
  private applyEdit(id: number, before: string, edit: TextEdit): string {
    let text: string;
    try {
      text = applyTextEdit(before, edit);
    } catch (error) {
      throw new StoreError(`the text change does not fit the stored text: ${(error as Error).message}`);
    }
    this.statements.updateText.run(text, id);
    const end = edit.at + edit.remove;
    const inserted = codePointLength(edit.insert);
    this.statements.shiftSpans.run({ documentId: id, at: edit.at, end, remove: edit.remove, inserted, delta: inserted - edit.remove });
    for (const r of this.statements.fragmentedFrom.all(id, edit.at)) {
      const fragments = jsonOr<Fragment[] | null>(r.fragments, null, isFragmentList);
      if (!fragments) {
        // Fragments another program wrote in another shape: the span moves whole; they stay as they are.
        const moved = shiftSpan({ start: r.start_cp, end: r.end_cp }, edit);
        this.statements.placeSpan.run(moved.start, moved.end, r.fragments, r.id);
        continue;
      }
      const moved = shiftSpan({ start: fragments[0]![0], end: fragments[fragments.length - 1]![1], fragments }, edit);
      this.statements.placeSpan.run(moved.start, moved.end, moved.fragments ? JSON.stringify(moved.fragments) : null, r.id);
    }
    return text;
  }

  deleteDocument(id: number): void {
    const result = this.statements.deleteDocument.run(id);
    if (result.changes === 0) throw new StoreError(`document ${id} does not exist`, 'not-found');
  }

  /**
   * Replaces the schema with `draft`. Renames (the draft's `was` names) carry spans, attribute values
   * and links over. What the change deletes — spans of deleted labels, attribute values the new
   * schema does not admit, links of deleted types or whose ends no longer fit — is counted first; unless
   * `confirmDeletes`, a change that deletes anything is not applied. All or nothing.
   */
  updateSchema(draft: SchemaDraft, options: { confirmDeletes?: boolean } = {}): { applied: boolean; impact: SchemaImpact } {
    return this.db.transaction(() => {
      const problems = schemaProblems(draft);
      if (problems.length) throw new StoreError(`the schema is not valid: ${problems.join('; ')}`);
      const current = this.schema();
      const plan = planSchemaChange(current, draft);
      const impact = EMPTY_IMPACT();

      // Spans and links lost with deleted labels; a link between two deleted labels counts once, under the first.
      const counted = new Set<string>();
      for (const name of plan.deletedLabels) {
        const spans = (this.db.prepare('SELECT count(*) AS n FROM spans WHERE label = ?').get(name) as { n: number }).n;
        const ids = this.db
          .prepare(
            `SELECT id FROM links WHERE from_span IN (SELECT id FROM spans WHERE label = ?)
             OR to_span IN (SELECT id FROM spans WHERE label = ?)`,
          )
          .pluck()
          .all(name, name) as string[];
        const fresh = ids.filter((id) => !counted.has(id));
        for (const id of fresh) counted.add(id);
        impact.labels.push({ name, spans, links: fresh.length });
      }

      // Attribute values the new schema does not keep.
      const attrUpdates: { id: string; attrs: string }[] = [];
      const dropped = new Map<string, number>();
      for (const label of draft.labels) {
        if (label.was === undefined) continue;
        const oldLabel = current.labels.find((l) => l.name === label.was)!;
        const byOldName = new Map(label.attributes.filter((a) => a.was !== undefined).map((a) => [a.was!, a]));
        const rows = this.db.prepare('SELECT id, attrs FROM spans WHERE label = ?').all(label.was) as { id: string; attrs: string }[];
        for (const row of rows) {
          const attrs = jsonOr<SpanAttrs>(row.attrs, {}, isObject);
          const next: SpanAttrs = {};
          let changed = false;
          for (const [key, value] of Object.entries(attrs)) {
            const def = byOldName.get(key);
            if (def && attrProblems({ ...oldLabel, attributes: [{ ...def, name: key }] }, { [key]: value }).length === 0) {
              next[def.name] = value;
              if (def.name !== key) changed = true;
            } else {
              changed = true;
              const k = `${label.name}\u0000${def?.name ?? key}`;
              dropped.set(k, (dropped.get(k) ?? 0) + 1);
            }
          }
          if (changed) attrUpdates.push({ id: row.id, attrs: JSON.stringify(next) });
        }
      }
      for (const [k, values] of dropped) {
        const [label, name] = k.split('\u0000') as [string, string];
        impact.attributes.push({ label, name, values });
      }

      // Links of deleted types, and links whose ends' labels no longer fit their (renamed) type.
      const deletedLabelSet = new Set(plan.deletedLabels);
      const newTypes = new Map(draft.linkTypes.filter((t) => t.was !== undefined).map((t) => [t.was!, t]));
      const linkRows = this.db
        .prepare(
          `SELECT l.id, l.type, f.label AS from_label, t.label AS to_label
           FROM links l JOIN spans f ON f.id = l.from_span JOIN spans t ON t.id = l.to_span`,
        )
        .all() as { id: string; type: string; from_label: string; to_label: string }[];
      const unfit: string[] = [];
      const lostByType = new Map<string, number>();
      for (const l of linkRows) {
        if (deletedLabelSet.has(l.from_label) || deletedLabelSet.has(l.to_label)) continue; // counted with the label
        const type = newTypes.get(l.type);
        const from = plan.labelRenames.get(l.from_label) ?? l.from_label;
        const to = plan.labelRenames.get(l.to_label) ?? l.to_label;
        if (type && linkAllowed(type, from, to)) continue;
        if (type) unfit.push(l.id);
        const name = type?.name ?? l.type;
        lostByType.set(name, (lostByType.get(name) ?? 0) + 1);
      }
      for (const [name, links] of lostByType) impact.linkTypes.push({ name, links });

      if (impactDeletes(impact) && !options.confirmDeletes) return { applied: false, impact };

      // Labels: deletions (their spans and, by cascade, links), renames in two steps (so names can
      // be swapped), then every label's fields and order.
      for (const name of plan.deletedLabels) {
        this.db.prepare('DELETE FROM spans WHERE label = ?').run(name);
        this.db.prepare('DELETE FROM labels WHERE name = ?').run(name);
      }
      const renameLabel = this.db.prepare('UPDATE labels SET name = ? WHERE name = ?');
      const renamed = [...plan.labelRenames];
      renamed.forEach(([from], i) => renameLabel.run(`\u0000renaming ${i}`, from));
      renamed.forEach(([, to], i) => renameLabel.run(to, `\u0000renaming ${i}`));
      const updateLabel = this.db.prepare(
        'UPDATE labels SET color = ?, hotkey = ?, description = ?, attributes = ?, position = ? WHERE name = ?',
      );
      draft.labels.forEach((l, position) => {
        const attributes = JSON.stringify(l.attributes.map(({ was: _was, ...a }) => a));
        if (l.was !== undefined) updateLabel.run(l.color, l.hotkey, l.description, attributes, position, l.name);
        else this.statements.insertLabel.run(l.name, l.color, l.hotkey, l.description, attributes, position);
      });
      const setAttrs = this.db.prepare('UPDATE spans SET attrs = ? WHERE id = ?');
      for (const u of attrUpdates) setAttrs.run(u.attrs, u.id);

      // Link types likewise; links that no longer fit go.
      for (const name of plan.deletedLinkTypes) {
        this.db.prepare('DELETE FROM links WHERE type = ?').run(name);
        this.db.prepare('DELETE FROM link_types WHERE name = ?').run(name);
      }
      const deleteLink = this.db.prepare('DELETE FROM links WHERE id = ?');
      for (const id of unfit) deleteLink.run(id);
      const renameType = this.db.prepare('UPDATE link_types SET name = ? WHERE name = ?');
      const typeRenames = [...plan.linkTypeRenames];
      typeRenames.forEach(([from], i) => renameType.run(`\u0000renaming ${i}`, from));
      typeRenames.forEach(([, to], i) => renameType.run(to, `\u0000renaming ${i}`));
      const updateType = this.db.prepare(
        'UPDATE link_types SET from_labels = ?, to_labels = ?, color = ?, description = ?, position = ? WHERE name = ?',
      );
      draft.linkTypes.forEach((t, position) => {
        const args = [JSON.stringify(t.from), JSON.stringify(t.to), t.color, t.description, position] as const;
        if (t.was !== undefined) updateType.run(...args, t.name);
        else this.statements.insertLinkType.run(t.name, ...args);
      });

      // Open editors hold the old schema: unless the change only added to it, their next save must be
      // refused as a conflict that asks them to reopen, not rejected for an unknown label again and again.
      if (!onlyAdds(current, draft)) this.db.prepare('UPDATE documents SET revision = revision + 1').run();
      return { applied: true, impact };
    }).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private labelMap(): Map<string, Label> {
    return new Map(this.labels().map((l) => [l.name, l]));
  }

  private checkSpans(spans: readonly SpanInput[], textLength: number, labels: Map<string, Label>): void {
    const seen = new Set<string>();
    for (const s of spans) {
      if (!labels.has(s.label)) throw new StoreError(`unknown label "${s.label}" (span ${s.id})`);
      if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end > s.start)) {
        throw new StoreError(`span ${s.id} has invalid offsets ${s.start}–${s.end}`);
      }
      if (s.end > textLength) {
        throw new StoreError(`span ${s.id} ends at ${s.end}, past the end of the text (${textLength} characters)`);
      }
      const fragments = fragmentsOf(s);
      const ordered =
        fragments.length > 0 &&
        fragments.every(([a, b], i) => Number.isInteger(a) && Number.isInteger(b) && b > a && (i === 0 || a > fragments[i - 1]![1]));
      if (!ordered || fragments[0]![0] !== s.start || fragments[fragments.length - 1]![1] !== s.end) {
        throw new StoreError(`span ${s.id} has fragments that are not sorted, apart, and within ${s.start}–${s.end}`);
      }
      if (seen.has(s.id)) throw new StoreError(`span ${s.id} appears twice`);
      seen.add(s.id);
    }
  }

  /** Whether the stored span `s.id` already has `s`'s label and fragments. */
  private samePlace(s: SpanInput): boolean {
    const stored = this.statements.spanPlace.get(s.id);
    return (
      stored !== undefined &&
      stored.label === s.label &&
      stored.start_cp === s.start &&
      stored.end_cp === s.end &&
      stored.fragments === storedFragments(fragmentsOf(s))
    );
  }

  /**
   * Refuses a save that makes one of `spans` (just written) an exact duplicate of another span of the
   * document: the same label on the same fragments. The editor never tags the same text twice with one
   * label; a save that tries is refused whole, and says which spans, instead of storing the copy.
   */
  private refuseTwins(documentId: number, spans: readonly SpanInput[]): void {
    for (const s of spans) {
      const twin = this.statements.twinOf.get({
        documentId,
        id: s.id,
        label: s.label,
        start: s.start,
        end: s.end,
        fragments: storedFragments(fragmentsOf(s)),
      });
      if (twin) throw twinError(s, twin.id);
    }
  }

  /**
   * refuseTwins for many spans just written into `annotator`'s layer of a document (a merge): the
   * layer's places are read once and compared here, not looked up span by span.
   */
  private refuseLayerTwins(documentId: number, annotator: string, spans: readonly SpanInput[]): void {
    if (!spans.length) return;
    const place = (label: string, start: number, end: number, fragments: string | null) => `${label}\u0000${start}\u0000${end}\u0000${fragments ?? ''}`;
    const ids = new Map<string, string[]>();
    for (const r of this.statements.layerPlaces.all(documentId, annotator)) {
      const key = place(r.label, r.start_cp, r.end_cp, r.fragments);
      const list = ids.get(key);
      if (list) list.push(r.id);
      else ids.set(key, [r.id]);
    }
    for (const s of spans) {
      const twin = ids.get(place(s.label, s.start, s.end, storedFragments(fragmentsOf(s))))?.find((other) => other !== s.id);
      if (twin !== undefined) throw twinError(s, twin);
    }
  }

  private checkAttrs(spanId: string, label: Label, attrs: SpanAttrs): void {
    const problems = attrProblems(label, attrs);
    if (problems.length) throw new StoreError(`span ${spanId}: ${problems.join('; ')}`);
  }

  private writeSpan(documentId: number, s: SpanInput, stamp: string, annotator: string | null = this.annotator, isNew = false): void {
    (isNew ? this.statements.insertSpan : this.statements.upsertSpan).run({
      annotator,
      id: s.id,
      documentId,
      label: s.label,
      start: s.start,
      end: s.end,
      fragments: storedFragments(fragmentsOf(s)),
      attrs: s.attrs === undefined ? null : JSON.stringify(s.attrs),
      note: s.note ?? null,
      now: stamp,
    });
  }

  /** Writes links after checking their type, their ends (spans of this document) and the labels at each end. */
  private writeLinks(documentId: number, links: readonly Link[], stamp: string): void {
    const types = new Map(this.linkTypes().map((t) => [t.name, t]));
    const seen = new Set<string>();
    for (const l of links) {
      if (seen.has(l.id)) throw new StoreError(`link ${l.id} appears twice`);
      seen.add(l.id);
      const type = types.get(l.type);
      if (!type) throw new StoreError(`unknown link type "${l.type}" (link ${l.id})`);
      if (l.from === l.to) throw new StoreError(`link ${l.id} joins span ${l.from} to itself`);
      const from = this.statements.spanRow.get(l.from);
      const to = this.statements.spanRow.get(l.to);
      if (!from || from.document_id !== documentId || !to || to.document_id !== documentId) {
        throw new StoreError(`link ${l.id} (${l.type}) joins a span that is not in this document`);
      }
      if (!linkAllowed(type, from.label, to.label)) {
        throw new StoreError(
          `a “${l.type}” link cannot go from a span labelled “${from.label}” to one labelled “${to.label}” (link ${l.id})`,
        );
      }
      const owner = this.statements.linkOwner.get(l.id);
      if (owner && owner.document_id !== documentId) throw new StoreError(`link ${l.id} belongs to another document`, 'conflict');
      // A link belongs to the layer of its spans, which must be one layer (and, in a save, the saver's).
      if (from.annotator !== to.annotator) throw new StoreError(`link ${l.id} joins spans of two annotators’ layers (${from.annotator ?? 'nobody'}, ${to.annotator ?? 'nobody'})`);
      if (this.annotator !== null && from.annotator !== this.annotator) {
        throw new StoreError(`link ${l.id} joins spans of ${from.annotator ?? 'nobody'}’s layer, not ${this.annotator}’s`, 'conflict');
      }
      this.later.upsertLink().run({ id: l.id, documentId, type: l.type, from: l.from, to: l.to, now: stamp, annotator: from.annotator });
    }
  }
}

/**
 * Whether a draft only adds to the schema (labels, attributes, choice options, link types, labels a
 * link type admits) and changes nothing an open editor relies on; colours, keys, descriptions and
 * order may change.
 */
function onlyAdds(current: CorpusSchema, draft: SchemaDraft): boolean {
  const superset = (old: readonly string[], next: readonly string[]) =>
    old.length === 0 ? next.length === 0 : old.every((x) => next.includes(x));
  return (
    current.labels.every((old) => {
      const next = draft.labels.find((l) => l.was === old.name && l.name === old.name);
      return (
        next !== undefined &&
        old.attributes.every((a) => {
          const b = next.attributes.find((x) => x.was === a.name && x.name === a.name);
          return b !== undefined && b.kind === a.kind && a.options.every((o) => b.options.includes(o));
        })
      );
    }) &&
    current.linkTypes.every((old) => {
      const next = draft.linkTypes.find((t) => t.was === old.name && t.name === old.name);
      return next !== undefined && superset(old.from, next.from) && superset(old.to, next.to);
    })
  );
}

/** Which labels and link types a draft deletes and renames, checked against the current schema. */
function planSchemaChange(current: CorpusSchema, draft: SchemaDraft) {
  const check = (kind: string, currentNames: string[], was: (string | undefined)[]) => {
    const used = new Set<string>();
    for (const w of was) {
      if (w === undefined) continue;
      if (!currentNames.includes(w)) throw new StoreError(`the schema changed meanwhile: there is no ${kind} “${w}” any more; reopen the schema editor`, 'conflict');
      if (used.has(w)) throw new StoreError(`two ${kind}s of the new schema both continue “${w}”`);
      used.add(w);
    }
    return currentNames.filter((n) => !used.has(n));
  };
  const deletedLabels = check('label', current.labels.map((l) => l.name), draft.labels.map((l) => l.was));
  const deletedLinkTypes = check('link type', current.linkTypes.map((t) => t.name), draft.linkTypes.map((t) => t.was));
  for (const l of draft.labels) {
    if (l.was === undefined) continue;
    const old = current.labels.find((c) => c.name === l.was)!;
    check(`attribute of “${l.was}”`, old.attributes.map((a) => a.name), l.attributes.map((a) => a.was));
  }
  const labelRenames = new Map(
    draft.labels.filter((l) => l.was !== undefined && l.was !== l.name).map((l) => [l.was!, l.name]),
  );
  const linkTypeRenames = new Map(
    draft.linkTypes.filter((t) => t.was !== undefined && t.was !== t.name).map((t) => [t.was!, t.name]),
  );
  return { deletedLabels, deletedLinkTypes, labelRenames, linkTypeRenames };
}
