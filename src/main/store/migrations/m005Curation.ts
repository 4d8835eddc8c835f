import type { Migration } from './index';

/**
 * Curation (issue 15): a document's curation into a gold layer (itself an annotator's layer, named as
 * the curator likes) has a status, and the curator's decisions on the annotators' spans are kept, so a
 * disagreement settled stays settled when the view is opened again. A decision names the annotator's
 * span (its id moves with the text as the span does) and how it was drawn when decided on; the gold
 * layer's own spans live in `spans`. A gold layer is a name some document is curated into here: the
 * only layer besides the user's own that the app may write.
 */
export const m005Curation: Migration = {
  version: 5,
  name: 'curation',
  up: `
    CREATE TABLE curation (
      document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      gold TEXT NOT NULL CHECK (length(gold) > 0),
      status TEXT NOT NULL CHECK (status IN ('in_progress', 'done')),
      curator TEXT,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (document_id, gold)
    ) STRICT;

    CREATE INDEX curation_by_gold ON curation (gold);

    -- A decision holds for the span as it was decided on (its label and pieces, JSON): moved or
    -- relabelled since, the span is to be decided on again.
    CREATE TABLE curation_decisions (
      document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      gold TEXT NOT NULL,
      span_id TEXT NOT NULL,
      candidate TEXT NOT NULL,
      decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
      PRIMARY KEY (document_id, gold, span_id)
    ) STRICT;
  `,
  // Only curation reads it, through statements prepared when first used: an older corpus opened
  // read-only still opens (and has nothing curated).
  readCompatible: true,
};
