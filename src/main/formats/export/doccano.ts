/**
 * doccano export: the JSONL its sequence-labelling project imports, one document per line,
 * `{"id", "text", "label": [[start, end, "LABEL"], …]}`. Offsets are always code points, whatever
 * unit was asked for: doccano counts characters as Python does, and reads nothing else.
 */
import { OffsetIndex } from '../../../shared/offsets';
import type { ExportContext, ExportSource } from './types';
import { jsonLine, locateFragments } from './helpers';
import { DocumentLosses } from './losses';

/**
 * Yields the doccano JSONL, one document (with its trailing "\n") per chunk. What a line cannot hold
 * (links, attribute values, span notes, a document's title, status, note and metadata) is reported
 * once the file is written, with the totals.
 */
export function* doccanoExporter(source: ExportSource, ctx: ExportContext): Generator<string> {
  let links = 0;
  let fragmented = 0;
  let attributes = 0;
  let notes = 0;
  const documentLosses = new DocumentLosses(['title', 'status', 'note', 'meta']);
  for (const doc of source.documents()) {
    const index = new OffsetIndex(doc.text);
    const label: [number, number, string][] = [];
    for (const span of doc.spans) {
      if (span.fragments.length > 1) fragmented++;
      attributes += Object.keys(span.attrs).length;
      if (span.note) notes++;
      for (const f of locateFragments(doc, index, span, 'codepoint')) label.push([f.start, f.end, span.label]);
    }
    links += doc.links.length;
    documentLosses.add(doc);
    // offset_unit states the unit (doccano ignores fields it does not know, keeping them as metadata)
    yield `${jsonLine({ id: doc.id, text: doc.text, label, offset_unit: 'codepoint' })}\n`;
  }
  if (links > 0) ctx.lost('links', links);
  if (fragmented > 0) ctx.lost('fragmented spans written as one span per fragment', fragmented);
  if (attributes > 0) ctx.lost('attribute values', attributes);
  if (notes > 0) ctx.lost('span notes', notes);
  documentLosses.report(ctx);
}
