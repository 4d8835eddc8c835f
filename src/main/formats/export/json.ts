/**
 * JSON export: one object with the corpus header, the label schema and every document. Streamed as
 * prefix, documents and suffix, so only one document is in memory at a time.
 */
import { plainLabels, plainLinkTypes } from '../../../shared/schema';
import type { OffsetUnit } from '../../../shared/types';
import { EXPORT_SCHEMA_VERSION, LOUPE_VERSION } from '../../../shared/version';
import type { ExportSource } from './types';
import { jsonLine } from './helpers';
import { serializeDocument } from './jsonl';

/** Yields the JSON export: the header chunk, then one chunk per document, then the closing chunk. */
export function* jsonChunks(source: ExportSource, unit: OffsetUnit): Generator<string> {
  const header = jsonLine({
    loupe_version: LOUPE_VERSION,
    schema_version: EXPORT_SCHEMA_VERSION,
    offset_unit: unit,
    corpus: source.corpusName,
    labels: plainLabels(source.labels),
    link_types: plainLinkTypes(source.linkTypes),
  });
  // The header object is re-opened to append "documents"; it always ends with the link types array.
  yield `${header.slice(0, -1)},"documents":[`;
  let first = true;
  for (const doc of source.documents()) {
    yield `${first ? '\n' : ',\n'}${serializeDocument(doc, unit)}`;
    first = false;
  }
  yield first ? ']}\n' : '\n]}\n';
}
