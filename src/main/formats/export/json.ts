/**
 * JSON export: one object with the corpus header, the label schema and every document. Streamed as
 * prefix, documents and suffix, so only one document is in memory at a time.
 */
import type { OffsetUnit } from '../../../shared/types';
import { EXPORT_SCHEMA_VERSION, LOUPE_VERSION } from '../../../shared/version';
import type { ExportSource } from './index';
import { jsonLine, serializeDocument } from './jsonl';

/** Yields the JSON export: the header chunk, then one chunk per document, then the closing chunk. */
export function* jsonChunks(source: ExportSource, unit: OffsetUnit): Generator<string> {
  const header = jsonLine({
    loupe_version: LOUPE_VERSION,
    schema_version: EXPORT_SCHEMA_VERSION,
    offset_unit: unit,
    corpus: source.corpusName,
    labels: source.labels.map((l) => ({
      name: l.name,
      color: l.color,
      hotkey: l.hotkey,
      description: l.description,
      attributes: l.attributes.map((a) => ({
        name: a.name,
        kind: a.kind,
        options: a.options,
        default: a.default,
        description: a.description,
      })),
    })),
    link_types: source.linkTypes.map((t) => ({
      name: t.name,
      from: t.from,
      to: t.to,
      color: t.color,
      description: t.description,
    })),
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
