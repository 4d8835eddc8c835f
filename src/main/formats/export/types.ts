/**
 * What exporters are: the source they read, the context they are told and tell back, the chunks they
 * give. The registry (index.ts) and every exporter import these from here, never from each other.
 */
import type { ExportFormat, Label, LinkType, LoupeDocument, OffsetUnit } from '../../../shared/types';

/** What an exporter reads: the corpus header and its documents, one at a time. */
export interface ExportSource {
  labels: Label[];
  linkTypes: LinkType[];
  corpusName: string;
  /** Each document with its spans sorted by start, then end. May page through a store. */
  documents(): Iterable<LoupeDocument>;
  /** The corpus's gold layers (annotators' layers some document is curated into). */
  goldLayers?: readonly string[];
  /** The export was told which annotators' layers to take; else a format that holds one layer (CoNLL) takes the gold layer alone. */
  layersChosen?: boolean;
  /** The annotators' layers the export's spans belong to (null: spans of nobody), when known before the documents are read. */
  annotators?: readonly (string | null)[];
}

/** A chunk of an export: text (written as UTF-8) or bytes (a zip). */
export type ExportChunk = string | Uint8Array;

/**
 * What an exporter is told and may tell back: the offset unit, and what the format could not carry
 * (`lost('overlapping spans dropped (outermost kept)', 3)`), which the export reports.
 */
export interface ExportContext {
  unit: OffsetUnit;
  lost(what: string, count?: number): void;
}

/** An exporter: the source in, chunks out, one document at a time. */
export type Exporter = (source: ExportSource, ctx: ExportContext) => Iterable<ExportChunk>;

/** An exporter whose chunks come asynchronously (a format written through a stream: XLSX). */
export type AsyncExporter = (source: ExportSource, ctx: ExportContext) => AsyncIterable<ExportChunk>;

/** The formats whose exporters are synchronous: their chunks can be taken in a plain loop. */
export type SyncExportFormat = Exclude<ExportFormat, 'xlsx'>;

/** What an export wrote. */
export interface ExportCounts {
  documents: number;
  spans: number;
  links: number;
  /** What the format could not carry, in words with counts (empty for a faithful export). */
  losses: string[];
}
