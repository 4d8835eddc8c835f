/**
 * Domain types shared by every layer. Offsets in these records are always Unicode code points
 * into the document's `text` (paragraphs joined by "\n"); other units exist only at export time
 * and inside the editor.
 */
import type { ErrorReason } from './errors';
import type { TextEdit } from './textEdit';

/** The unit an exported offset is counted in. */
export type OffsetUnit = 'codepoint' | 'utf16' | 'utf8';

export const OFFSET_UNITS: readonly OffsetUnit[] = ['codepoint', 'utf16', 'utf8'];

/** The kinds of value a span attribute can hold. */
export type AttributeKind = 'choice' | 'text' | 'flag' | 'number';

export const ATTRIBUTE_KINDS: readonly AttributeKind[] = ['choice', 'text', 'flag', 'number'];

/** A value of a span attribute: a choice or text is a string, a flag a boolean, a number a number. */
export type AttrValue = string | number | boolean;

/** An attribute a label declares for its spans. */
export interface AttributeDef {
  name: string;
  kind: AttributeKind;
  /** The allowed values of a `choice` (empty for the other kinds). */
  options: string[];
  /** The value a new span gets, or null for none. */
  default: AttrValue | null;
  description: string;
}

/** A label of the corpus schema. */
export interface Label {
  name: string;
  /** CSS hex colour, `#rrggbb`. */
  color: string;
  /** A single key (`1`…`9`, a letter) or null. */
  hotkey: string | null;
  description: string;
  attributes: AttributeDef[];
}

/** A type of directed link between two spans, e.g. `speaker` from a quote to an official. */
export interface LinkType {
  name: string;
  /** Labels allowed at the link's start; empty means any label. */
  from: string[];
  /** Labels allowed at the link's end; empty means any label. */
  to: string[];
  /** CSS hex colour, `#rrggbb`. */
  color: string;
  description: string;
}

/** A corpus's annotation schema: its labels (in order) and its link types. */
export interface CorpusSchema {
  labels: Label[];
  linkTypes: LinkType[];
}

/**
 * A schema as edited: every label, attribute and link type may name what it `was` called in the
 * current schema, so renames carry existing spans, values and links over. Items without `was` are new;
 * current items no draft item names are deleted.
 */
export interface SchemaDraft {
  labels: (Omit<Label, 'attributes'> & { was?: string; attributes: (AttributeDef & { was?: string })[] })[];
  linkTypes: (LinkType & { was?: string })[];
}

/** What a schema change would remove from the corpus (nothing is removed silently). */
export interface SchemaImpact {
  /** Labels deleted, with the spans (and links touching them) that go with them. */
  labels: { name: string; spans: number; links: number }[];
  /** Attribute values dropped: the attribute was deleted, or its kind or options no longer admit the value. */
  attributes: { label: string; name: string; values: number }[];
  /** Link types deleted, and links dropped because their ends' labels no longer fit their type. */
  linkTypes: { name: string; links: number }[];
}

/** The result of `updateSchema`: applied, or (when it would delete something and that was not confirmed) not. */
export interface SchemaUpdateResult {
  applied: boolean;
  impact: SchemaImpact;
  corpus: CorpusInfo;
}

/** Free-form metadata of a document (file name, source encoding, gloss…). */
export type DocumentMeta = Record<string, unknown>;

/** The attribute values of a span, by attribute name (an attribute without a value is absent). */
export type SpanAttrs = Record<string, AttrValue>;

/** One piece of a span: `[start, end)` in code points. */
export type Fragment = [start: number, end: number];

/** The progress of a document. */
export type DocumentStatus = 'new' | 'in_progress' | 'done';

export const DOCUMENT_STATUSES: readonly DocumentStatus[] = ['new', 'in_progress', 'done'];

/**
 * A standoff annotation: a labelled range of a document's text, in code points. A span interrupted
 * by other text (a quote broken by “他说”) has several fragments; `start`/`end` always cover them all.
 */
export interface Span {
  id: string;
  label: string;
  start: number;
  end: number;
  /** Sorted, disjoint, non-adjacent pieces; one `[start, end]` for a contiguous span. */
  fragments: Fragment[];
  attrs: SpanAttrs;
  note: string;
  annotator: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the editor sends when a span is created or changed. */
export interface SpanInput {
  id: string;
  label: string;
  start: number;
  end: number;
  /** The pieces of a fragmented span (sorted, disjoint); absent: one piece, `[start, end]`. */
  fragments?: Fragment[];
  /** Absent: no values (a new span) or unchanged (an existing one). */
  attrs?: SpanAttrs;
  note?: string;
}

/** A directed, typed link from one span to another of the same document. */
export interface Link {
  id: string;
  type: string;
  from: string;
  to: string;
}

/** A line of the document list. */
export interface DocumentSummary {
  id: number;
  title: string;
  spanCount: number;
  status: DocumentStatus;
  updatedAt: string;
  /** Its curation into a gold layer, once begun (see CorpusStore.curate). */
  curation?: { gold: string; status: CurationStatus };
}

/** Where a document's curation stands once begun: being curated, or done. */
export type CurationStatus = 'in_progress' | 'done';
/** A curator's decision on an annotator's span. */
export type CurationDecision = 'accepted' | 'rejected';

/** A whole document with its spans, in text order. */
export interface LoupeDocument {
  id: number;
  title: string;
  text: string;
  meta: DocumentMeta;
  status: DocumentStatus;
  note: string;
  spans: Span[];
  /** Links between this document's spans, sorted by id. */
  links: Link[];
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * A document as the editor opens it (`getDocument`): its spans as the editor edits them, without
 * each span's annotator and timestamps, and with `fragments` only for a span of several. For a
 * report with twenty thousand spans that is about 40% less to write, send and parse.
 */
export interface OpenedDocument extends Omit<LoupeDocument, 'spans'> {
  spans: SpanInput[];
  /**
   * What of the stored document the editor is not given (a span outside the text, unreadable span
   * data), in words; absent when nothing. What is left out stays in the corpus file as it is.
   */
  problems?: string[];
  /** Whose layer the spans are (the user's unless another was asked for); null when layers are not told apart. */
  layer?: string | null;
  /** The annotators with a layer of the document, with their span counts (for a layer switcher). */
  layers?: { annotator: string; spans: number }[];
}

/** The open corpus. */
export interface CorpusInfo {
  /** Names this opening of the corpus (random per open): saves carry it, so none lands elsewhere. */
  id: string;
  path: string;
  name: string;
  labels: Label[];
  linkTypes: LinkType[];
  documentCount: number;
  /** Opened read-only (a file Loupe may not write, or opened so on purpose): nothing is saved. */
  readOnly: boolean;
  /**
   * What is wrong with the corpus's schema as stored (an attribute's options that are not a list, a
   * label's attributes that are not JSON…), in words: Loupe shows what it can read; Edit › Schema…
   * mends it. Empty when nothing.
   */
  problems: string[];
}

/** A backup of a corpus, kept in the data folder (see File › Restore from backup). */
export interface BackupInfo {
  path: string;
  /** When it was taken (ISO 8601, UTC). */
  createdAt: string;
  /** Its size in bytes. */
  size: number;
}

/** A corpus that could not be opened at start (Loupe opened another instead), and its backups. */
export interface StartupProblem {
  path: string;
  message: string;
  reason?: ErrorReason;
  /** The file failed its integrity check: its backups (newest first) may bring the work back. */
  damaged: boolean;
  backups: BackupInfo[];
}

/** One file handed to the importer: its name and raw bytes. */
export interface ImportFile {
  name: string;
  data: Uint8Array;
  /** Why the file could not be read (too large, unreadable): reported as failed, its data empty. */
  error?: string;
}

/** The formats Loupe imports; `auto` detects the format of each file from its name and content. */
export type ImportFormat =
  | 'text'
  | 'markdown'
  | 'html'
  | 'docx'
  | 'loupe-jsonl'
  | 'doccano'
  | 'brat'
  | 'label-studio'
  | 'conll';

export const IMPORT_FORMATS: readonly ImportFormat[] = [
  'text',
  'markdown',
  'html',
  'docx',
  'loupe-jsonl',
  'doccano',
  'brat',
  'label-studio',
  'conll',
];

/**
 * The fields of a doccano JSONL file that hold the text and its annotations (what doccano's import
 * calls column_data and column_label), for files whose names Loupe cannot tell by itself.
 */
export interface ImportFields {
  text?: string;
  label?: string;
}

/** What an import does with a document whose text the corpus (or the batch, earlier) already holds. */
export type DuplicatePolicy = 'skip' | 'import';

export const DUPLICATE_POLICIES: readonly DuplicatePolicy[] = ['skip', 'import'];

/** How a batch is imported (the argument of `importFiles` besides the files). */
export interface ImportOptions {
  /** Read every file as this format; detected per file when absent or 'auto'. */
  format?: ImportFormat | 'auto';
  /**
   * A document whose text equals one already in the corpus, or one earlier in the batch: 'skip' (the
   * default) leaves it out and reports it under `duplicates`; 'import' imports it anyway.
   */
  duplicates?: DuplicatePolicy;
  /**
   * Labels of the files to store under another label: `{ PER: 'official' }`. A target the corpus has
   * (matched regardless of case) is used; another is added as a new label of that name. Labels not
   * named here still match the corpus's regardless of case (`Quote` is `quote`).
   */
  labelMap?: Record<string, string>;
  /**
   * Only these documents of the files: a file's name and the document's position in it, as
   * `duplicates` reports them. Files not named are read only as companions (a brat .ann, annotation.conf).
   */
  only?: { name: string; index: number }[];
  /**
   * Report what the import would do, and write nothing. The report's document ids are those the
   * documents would have had; nothing holds them.
   */
  dryRun?: boolean;
  /** The text and annotation fields of doccano files (doccano's column_data / column_label). */
  fields?: ImportFields;
}

/** What the schema gained so that an import's annotations fit (nothing is ever removed). */
export interface SchemaAdditions {
  labels: string[];
  /** `label.attribute`, or `label.attribute=option` for a new option of a choice. */
  attributes: string[];
  /** New link types, or `type: from → to` when a type was widened to admit new labels. */
  linkTypes: string[];
}

/** A file on this computer to import (importPaths): where it is, and its name in the report (a path from the chosen folder's parent, or the file's name). */
export interface ImportPath {
  path: string;
  name: string;
}

/** How far an import is: files read (stored, skipped as duplicates, or failed) of the batch's `total` (0 while it is being listed). */
export interface ImportProgress {
  done: number;
  total: number;
}

/** What the user chose to import: files from this computer (the app), or their bytes (a browser's upload). */
export type ImportSelection = { paths: ImportPath[] } | { files: ImportFile[] };

/** What happened to each file of an import batch. */
export interface ImportReport {
  imported: {
    name: string;
    documentId: number;
    title: string;
    encoding: string;
    format: ImportFormat;
    spans: number;
    links: number;
    /**
     * What the file held that Loupe did not take, or took in another form, with counts (“brat events
     * skipped: 2”, “exact duplicate spans merged: 1”); empty when everything arrived as it was.
     */
    notes: string[];
  }[];
  failed: { name: string; error: string; reason?: ErrorReason }[];
  /** Files not imported on purpose (a brat .ann whose .txt is elsewhere, annotation.conf…), with why. */
  skipped: { name: string; why: string }[];
  /**
   * Documents not imported because the corpus already holds one with the same text (the file's
   * `name`, the document's `title`, the id of the one already there, and the document's position in
   * its file, which `ImportOptions.only` takes to import it anyway).
   */
  duplicates: { name: string; title: string; existingId: number; index: number }[];
  /** Labels of the files stored under a label of the corpus with another name (`Quote` → `quote`). */
  labelsMapped: { from: string; to: string }[];
  schemaAdded: SchemaAdditions;
  /** The import was cancelled: what it lists was committed (whole files), the files after it were not read. */
  cancelled?: boolean;
}

/** An import report with nothing in it. */
export const emptyImportReport = (): ImportReport => ({
  imported: [],
  failed: [],
  skipped: [],
  duplicates: [],
  labelsMapped: [],
  schemaAdded: { labels: [], attributes: [], linkTypes: [] },
});

/** Adds `part` (the report of one more chunk of a batch) to `total`, listing each skipped file and schema addition once. */
export function mergeImportReports(total: ImportReport, part: ImportReport): ImportReport {
  if (part.cancelled) total.cancelled = true;
  total.imported.push(...part.imported);
  total.failed.push(...part.failed);
  total.duplicates.push(...part.duplicates);
  for (const s of part.skipped) if (!total.skipped.some((x) => x.name === s.name)) total.skipped.push(s);
  for (const m of part.labelsMapped) if (!total.labelsMapped.some((x) => x.from === m.from && x.to === m.to)) total.labelsMapped.push(m);
  for (const key of ['labels', 'attributes', 'linkTypes'] as const) {
    for (const item of part.schemaAdded[key]) if (!total.schemaAdded[key].includes(item)) total.schemaAdded[key].push(item);
  }
  return total;
}

/** An incremental save of one document: new text (if it changed) and the span changes. */
export interface SaveDocumentRequest {
  /** The opening of the corpus the document was read from (CorpusInfo.id): a save never lands elsewhere. */
  corpusId: string;
  id: number;
  /**
   * The revision the changes were made on; when another window saved the document since (its text,
   * spans, title, status or note), the save is refused (conflict) instead of overwriting that work.
   */
  baseRevision: number;
  /** The full text, only when it changed since the last save. */
  text?: string;
  /**
   * Instead of `text`: the change to it as one splice. The store shifts the stored spans by the rule
   * of `shiftSpan` (src/shared/textEdit.ts); `upsert` carries the spans that moved otherwise.
   */
  edit?: TextEdit;
  title?: string;
  /** Document status and note: saved like the text, on `baseRevision`, and they move the revision on too. */
  status?: DocumentStatus;
  note?: string;
  /** Spans created, moved, relabelled or re-attributed since the last save (offsets against the new text). */
  upsert: SpanInput[];
  /** Ids of spans that are gone (their links go with them). */
  remove: string[];
  /** Links created or changed since the last save. */
  upsertLinks?: Link[];
  /** Ids of links that are gone. */
  removeLinks?: string[];
  /**
   * The layer the save writes when not the user's own: a gold layer being curated (see
   * `CorpusStore.saveDocument`); any other annotator's layer is refused.
   */
  layer?: string;
}

export interface SaveResult {
  revision: number;
  status: DocumentStatus;
  updatedAt: string;
}

/**
 * `csv` is one row per span; `csv-links` one row per link (the CSV export writes both files);
 * `xlsx` is a workbook with both tables and a sheet of documents.
 * The others are other tools' formats: CoNLL BIO, brat standoff (a zip), doccano JSONL, Label
 * Studio JSON (tasks with pre-annotations) and W3C Web Annotation JSON-LD.
 */
export type ExportFormat = 'jsonl' | 'json' | 'csv' | 'csv-links' | 'xlsx' | 'conll' | 'brat' | 'doccano' | 'label-studio' | 'w3c';

export const EXPORT_FORMATS: readonly ExportFormat[] = [
  'jsonl',
  'json',
  'csv',
  'csv-links',
  'xlsx',
  'conll',
  'brat',
  'doccano',
  'label-studio',
  'w3c',
];

/** Which documents and spans an export takes; everything when absent. */
export interface ExportFilter {
  /** Only documents with one of these statuses. */
  statuses?: DocumentStatus[];
  /** Only spans with one of these labels (links keep both ends or go). */
  labels?: string[];
  /** Only these documents. */
  documentIds?: number[];
  /** Only the spans (and links) of these annotators' layers, e.g. the gold layer alone. */
  annotators?: string[];
}

/** The formats File › Export offers (the CSV export brings its links CSV along). */
export const MENU_EXPORT_FORMATS = ['jsonl', 'json', 'csv', 'xlsx', 'conll', 'brat', 'doccano', 'label-studio', 'w3c'] as const satisfies readonly ExportFormat[];
export type MenuExportFormat = (typeof MENU_EXPORT_FORMATS)[number];

/** What to export, and where. */
export interface ExportRequest {
  format: ExportFormat;
  path: string;
  offsets: OffsetUnit;
  /** Only this document; the whole corpus when absent. */
  documentId?: number;
  filter?: ExportFilter;
}

export interface ExportResult {
  path: string;
  /** Every file written (the CSV export writes its links CSV next to the spans CSV). */
  files: string[];
  documents: number;
  spans: number;
  links: number;
  /** What the format could not carry (“overlapping spans dropped (outermost kept): 3”); empty when nothing. */
  losses: string[];
}

/** What is at a path (see LoupeApi.pathInfo). */
export interface PathInfo {
  /** The path made absolute: a relative one is taken from the open corpus's folder. */
  path: string;
  /** Nothing, a regular file, a folder, or something else (a link, a device, a FIFO…). */
  kind: 'none' | 'file' | 'folder' | 'other';
}

export type Locale = 'en' | 'zh-CN';

/** Per-user settings, kept outside any corpus. */
export interface Settings {
  /** null: follow the system locale. */
  locale: Locale | null;
  recentCorpora: string[];
  /** The offset unit File › Export writes. */
  exportOffsets: OffsetUnit;
  /** Who annotates here: the name recorded on every span and link they make (their layer). */
  annotator: string;
  /** Whether the user chose `annotator` (else it is the computer's user name, and the app asks once). */
  annotatorChosen: boolean;
}
