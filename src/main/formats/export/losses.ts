/**
 * What a document holds besides its text, spans and links (a title, a status, a note, metadata), in
 * the words every export's loss report uses, and a counter of the ones a format's file cannot carry.
 */
import type { LoupeDocument } from '../../../shared/types';
import { firstLine } from '../import/jsonl';
import type { ExportContext } from './types';

/** A part of a document that some formats have no place for. */
export type DocumentPart = 'title' | 'status' | 'note' | 'meta';

/** How a loss report names each part. */
export const DOCUMENT_PART_LOSSES: Readonly<Record<DocumentPart, string>> = {
  title: 'document titles (other than the first line of the text)',
  status: 'document statuses (in progress, done)',
  note: 'document notes',
  meta: 'document metadata (file name, source…)',
};

/**
 * Whether `doc` holds `part`: a title other than its text's first line (which an importer takes as the
 * title of a file without one), a status other than new (which a reader assumes), a note, metadata.
 */
export function holdsPart(doc: LoupeDocument, part: DocumentPart): boolean {
  switch (part) {
    case 'title':
      return doc.title.trim() !== '' && doc.title !== firstLine(doc.text, '');
    case 'status':
      return doc.status !== 'new';
    case 'note':
      return doc.note.trim() !== '';
    case 'meta':
      return Object.keys(doc.meta).length > 0;
  }
}

/** Counts, document by document, the parts a format drops, and reports them in a fixed order. */
export class DocumentLosses {
  private readonly counts = new Map<DocumentPart, number>();

  constructor(private readonly dropped: readonly DocumentPart[]) {}

  /** Counts what `doc` holds of the dropped parts. */
  add(doc: LoupeDocument): void {
    for (const part of this.dropped) if (holdsPart(doc, part)) this.counts.set(part, (this.counts.get(part) ?? 0) + 1);
  }

  /** Tells `ctx` each dropped part some document held, with how many documents held it. */
  report(ctx: ExportContext): void {
    for (const part of this.dropped) {
      const n = this.counts.get(part);
      if (n) ctx.lost(DOCUMENT_PART_LOSSES[part], n);
    }
  }
}
