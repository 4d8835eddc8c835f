/** Damage for tests: a corpus that every read gets through and only SQLite's integrity check finds wrong. */
import Database from 'better-sqlite3';

/** Runs `change` on a connection that may write the schema table. */
function withSchema(file: string, change: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    db.unsafeMode(true);
    db.pragma('writable_schema = ON');
    change(db);
  } finally {
    db.close();
  }
}

/**
 * Adds a copy of span `spanId` (as `${spanId} again`, its columns changed as `changes` says) while the
 * label index is turned off (a partial index of no row), then puts the index back as it was: the
 * label index lacks a row of the table.
 */
export function loseIndexEntry(file: string, spanId: string, changes: Record<string, string | number> = {}): void {
  let indexSql = '';
  withSchema(file, (db) => {
    indexSql = db.prepare<[], string>("SELECT sql FROM sqlite_master WHERE name = 'spans_by_label'").pluck().get()!;
    db.prepare("UPDATE sqlite_master SET sql = ? WHERE name = 'spans_by_label'").run(`${indexSql} WHERE 0`);
  });
  const db = new Database(file);
  try {
    const columns = (db.pragma('table_info(spans)') as { name: string }[]).map((c) => c.name);
    const values = { ...changes, id: `${spanId} again` };
    const copied = columns.map((c) => (c in values ? `@${c}` : c));
    const added = db.prepare(`INSERT INTO spans (${columns.join(', ')}) SELECT ${copied.join(', ')} FROM spans WHERE id = @spanId`).run({ ...values, spanId });
    if (added.changes !== 1) throw new Error(`no span ${spanId} to copy`);
  } finally {
    db.close();
  }
  withSchema(file, (db) => db.prepare("UPDATE sqlite_master SET sql = ? WHERE name = 'spans_by_label'").run(indexSql));
}
