import type { Migration } from './index';

/** The first schema: corpus metadata, the label schema, documents and standoff spans. */
export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE corpus_meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE labels (
      name TEXT PRIMARY KEY,
      color TEXT NOT NULL CHECK (color GLOB '#[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]'),
      hotkey TEXT,
      description TEXT NOT NULL DEFAULT '',
      position INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE documents (
      id INTEGER PRIMARY KEY,
      title TEXT NOT NULL,
      -- paragraphs joined by a single LF; span offsets are code points into this text,
      -- which is also what SQLite's substr() counts, so SQL can slice spans directly
      text TEXT NOT NULL,
      meta TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta)),
      revision INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE spans (
      id TEXT PRIMARY KEY,
      document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE,
      start_cp INTEGER NOT NULL CHECK (start_cp >= 0),
      end_cp INTEGER NOT NULL CHECK (end_cp > start_cp),
      attrs TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attrs)),
      annotator TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    CREATE INDEX spans_by_document ON spans (document_id, start_cp, end_cp);
    CREATE INDEX spans_by_label ON spans (label);
  `,
};
