import type { Migration } from './index';

/**
 * Attribution: attributes declared per label, link types and links between spans, fragmented spans,
 * notes on spans and documents, and a document status. A corpus made with the first schema's
 * default labels gets the default attributes and link types, so it can record who said what at once.
 */
export const m002Attribution: Migration = {
  version: 2,
  name: 'attribution',
  up: `
    ALTER TABLE labels ADD COLUMN attributes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(attributes));

    CREATE TABLE link_types (
      name TEXT PRIMARY KEY,
      from_labels TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(from_labels)),
      to_labels TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(to_labels)),
      color TEXT NOT NULL CHECK (color GLOB '#[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]'),
      description TEXT NOT NULL DEFAULT '',
      position INTEGER NOT NULL
    ) STRICT;

    -- NULL: one fragment, [start_cp, end_cp]; else a JSON list of [start, end] pairs (code points)
    ALTER TABLE spans ADD COLUMN fragments TEXT CHECK (fragments IS NULL OR json_valid(fragments));
    ALTER TABLE spans ADD COLUMN note TEXT NOT NULL DEFAULT '';

    ALTER TABLE documents ADD COLUMN status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done'));
    ALTER TABLE documents ADD COLUMN note TEXT NOT NULL DEFAULT '';
    UPDATE documents SET status = 'in_progress' WHERE EXISTS (SELECT 1 FROM spans WHERE spans.document_id = documents.id);
    CREATE INDEX documents_by_status ON documents (status, id);

    CREATE TABLE links (
      id TEXT PRIMARY KEY,
      document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      type TEXT NOT NULL REFERENCES link_types(name) ON UPDATE CASCADE,
      from_span TEXT NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
      to_span TEXT NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
      created_at TEXT NOT NULL,
      CHECK (from_span <> to_span)
    ) STRICT;
    CREATE INDEX links_by_document ON links (document_id, id);
    CREATE INDEX links_by_from ON links (from_span);
    CREATE INDEX links_by_to ON links (to_span);
    CREATE INDEX links_by_type ON links (type);

    UPDATE labels SET attributes = '[{"name":"kind","kind":"choice","options":["direct","indirect","mixed"],"default":null,"description":"Direct (in quotation marks), indirect (reported, e.g. after 表示), or mixed"}]'
      WHERE name = 'quote' AND attributes = '[]';
    UPDATE labels SET attributes = '[{"name":"name","kind":"text","options":[],"default":null,"description":"The person’s name, e.g. 赵宏钟"},{"name":"role","kind":"text","options":[],"default":null,"description":"Title or office, e.g. 寿阳县委书记"}]'
      WHERE name = 'official' AND attributes = '[]';
    UPDATE labels SET attributes = '[{"name":"measurable","kind":"flag","options":[],"default":false,"description":"States a number, date or other checkable target"},{"name":"target_year","kind":"number","options":[],"default":null,"description":"The year the pledge is due, when stated"}]'
      WHERE name = 'pledge' AND attributes = '[]';
    INSERT INTO link_types (name, from_labels, to_labels, color, description, position)
      SELECT 'speaker', '["quote"]', '["official"]', '#d9480f', 'Who said the quote', 0
      WHERE EXISTS (SELECT 1 FROM labels WHERE name = 'quote') AND EXISTS (SELECT 1 FROM labels WHERE name = 'official');
    INSERT INTO link_types (name, from_labels, to_labels, color, description, position)
      SELECT 'pledged_by', '["pledge"]', '["official"]', '#2f9e44', 'Who made the pledge', 1
      WHERE EXISTS (SELECT 1 FROM labels WHERE name = 'pledge') AND EXISTS (SELECT 1 FROM labels WHERE name = 'official');
  `,
};
