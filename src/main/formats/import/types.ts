/**
 * What every importer produces: documents with their text, spans and links, offsets already in code
 * points. Importers are pure (bytes in, documents out); storing, schema additions and span ids are
 * the batch importer's job (index.ts), so an importer never writes anything.
 */
import type { ErrorReason } from '../../../shared/errors';
import type {
  CorpusSchema,
  DocumentMeta,
  DocumentStatus,
  ImportFields,
  ImportFormat,
  Link,
  SpanInput,
} from '../../../shared/types';

/** One file handed to an importer. */
export interface ImportInput {
  /** The file's name as given (a path relative to the chosen folder, or a bare name). */
  name: string;
  data: Uint8Array;
}

/** A document an importer read. Span and link ids are the file's own; the batch makes them unique. */
export interface ParsedDocument {
  title: string;
  text: string;
  meta: DocumentMeta;
  status?: DocumentStatus;
  note?: string;
  spans: SpanInput[];
  links: Link[];
  /**
   * What the file held for this document that Loupe did not take, or took in another form, with
   * counts (“brat events skipped: 2”); goes to the import report's `notes`.
   */
  notes?: string[];
  /** Whose each span is (span id → annotator), where the file says: a Loupe export's `annotator`, Label Studio's `completed_by`. */
  annotators?: Record<string, string>;
  /** The document's id in the Loupe corpus the file was exported from, where it says (a merge matches by it). */
  loupeId?: number;
}

/** What one file (or one brat pair) holds. */
export interface ParsedFile {
  format: ImportFormat;
  /** The text encoding the file was read in (for the report). */
  encoding: string;
  documents: ParsedDocument[];
  /**
   * Schema the file declares (brat's annotation.conf, a Loupe JSON export's labels): labels,
   * attributes and link types added before the documents, so their colours and kinds come along.
   */
  schema?: Partial<CorpusSchema>;
}

/** Files that travel with the one being read (brat: the .ann next to a .txt, annotation.conf). */
export interface Companions {
  get(name: string): ImportInput | undefined;
}

/** A file could not be read as its format; the message says where and why. Nothing of it is stored. */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly reason?: ErrorReason,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

/** What the user told the import about the files (the fields of a doccano layout). */
export interface ParseOptions {
  fields?: ImportFields;
  /** Read every annotator's annotations, each span said whose it is (a merge); else the one result an import takes. */
  layers?: boolean;
}

/** A reader of one format. */
export interface Importer {
  format: ImportFormat;
  /** Lower-case extensions, with the dot, that name this format. */
  extensions: readonly string[];
  parse(file: ImportInput, companions: Companions, options?: ParseOptions): ParsedFile;
}
