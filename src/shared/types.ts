/**
 * Domain types shared by every layer. Offsets in these records are always Unicode code points
 * into the document's `text` (paragraphs joined by "\n"); other units exist only at export time
 * and inside the editor.
 */
import type { ErrorReason } from './errors';

/** The unit an exported offset is counted in. */
export type OffsetUnit = 'codepoint' | 'utf16' | 'utf8';

export const OFFSET_UNITS: readonly OffsetUnit[] = ['codepoint', 'utf16', 'utf8'];

/** A label of the corpus schema. */
export interface Label {
  name: string;
  /** CSS hex colour, `#rrggbb`. */
  color: string;
  /** A single key (`1`…`9`, a letter) or null. */
  hotkey: string | null;
  description: string;
}

/** Free-form metadata of a document (file name, source encoding, gloss…). */
export type DocumentMeta = Record<string, unknown>;

/** Free-form attributes of a span. */
export type SpanAttrs = Record<string, unknown>;

/** A standoff annotation: a labelled range of a document's text, in code points. */
export interface Span {
  id: string;
  label: string;
  start: number;
  end: number;
  attrs: SpanAttrs;
  annotator: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the editor sends when a span is created or moved. */
export interface SpanInput {
  id: string;
  label: string;
  start: number;
  end: number;
}

/** A line of the document list. */
export interface DocumentSummary {
  id: number;
  title: string;
  spanCount: number;
  updatedAt: string;
}

/** A whole document with its spans, in text order. */
export interface LoupeDocument {
  id: number;
  title: string;
  text: string;
  meta: DocumentMeta;
  spans: Span[];
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** The open corpus. */
export interface CorpusInfo {
  /** Names this opening of the corpus (random per open): saves carry it, so none lands elsewhere. */
  id: string;
  path: string;
  name: string;
  labels: Label[];
  documentCount: number;
}

/** One file handed to the importer: its name and raw bytes. */
export interface ImportFile {
  name: string;
  data: Uint8Array;
}

/** What happened to each file of an import batch. */
export interface ImportReport {
  imported: { name: string; documentId: number; title: string; encoding: string }[];
  failed: { name: string; error: string; reason?: ErrorReason }[];
}

/** An incremental save of one document: new text (if it changed) and the span changes. */
export interface SaveDocumentRequest {
  /** The opening of the corpus the document was read from (CorpusInfo.id): a save never lands elsewhere. */
  corpusId: string;
  id: number;
  /**
   * The revision the changes were made on; when another window saved the document since, the save
   * is refused (conflict) instead of overwriting that work. Title-only saves may leave it out.
   */
  baseRevision?: number;
  /** The full text, only when it changed since the last save. */
  text?: string;
  title?: string;
  /** Spans created, moved or relabelled since the last save (offsets against the new text). */
  upsert: SpanInput[];
  /** Ids of spans that are gone. */
  remove: string[];
}

export interface SaveResult {
  revision: number;
  updatedAt: string;
}

export type ExportFormat = 'jsonl' | 'json' | 'csv';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'json', 'csv'];

/** What to export, and where. */
export interface ExportRequest {
  format: ExportFormat;
  path: string;
  offsets: OffsetUnit;
  /** Only this document; the whole corpus when absent. */
  documentId?: number;
}

export interface ExportResult {
  path: string;
  documents: number;
  spans: number;
}

export type Locale = 'en' | 'zh-CN';

/** Per-user settings, kept outside any corpus. */
export interface Settings {
  /** null: follow the system locale. */
  locale: Locale | null;
  recentCorpora: string[];
  /** The offset unit File › Export writes. */
  exportOffsets: OffsetUnit;
}
