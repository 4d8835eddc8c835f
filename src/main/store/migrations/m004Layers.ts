import type { Migration } from './index';

/**
 * Annotators' layers (issue 15): several people's annotations of the same document side by side.
 * A span's `annotator` names the layer it belongs to (null: made before annotators were recorded,
 * nobody's yet); links now say theirs too (their spans' annotator). `layers` records who has a layer
 * of which document, so a layer with no span (read, and nothing to tag) is not taken for a missing one;
 * `merged_spans` which spans came from which annotator's copy.
 */
export const m004Layers: Migration = {
  version: 4,
  name: 'layers',
  up: `
    ALTER TABLE links ADD COLUMN annotator TEXT;
    UPDATE links SET annotator = (SELECT annotator FROM spans WHERE spans.id = links.from_span);

    CREATE TABLE layers (
      document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      annotator TEXT NOT NULL CHECK (length(annotator) > 0),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (document_id, annotator)
    ) STRICT;
    INSERT INTO layers (document_id, annotator, created_at, updated_at)
      SELECT document_id, annotator, min(created_at), max(updated_at) FROM spans
      WHERE annotator IS NOT NULL AND length(annotator) > 0 GROUP BY document_id, annotator;

    CREATE INDEX spans_by_annotator ON spans (document_id, annotator);

    -- Spans merged from annotators' copies (services/teamwork.ts), by copy: a span the corpus removed
    -- after merging it is not brought back by merging the same copy again.
    CREATE TABLE merged_spans (
      copy TEXT NOT NULL,
      span_id TEXT NOT NULL,
      PRIMARY KEY (copy, span_id)
    ) STRICT;
  `,
  // Reads need none of it (a layer's links are found through their spans' annotator), and the
  // statements that use it are prepared when first used: an older corpus opened read-only still opens.
  readCompatible: true,
};
