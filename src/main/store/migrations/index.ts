/**
 * Schema migrations, one module per version. The list only grows: a released migration is never
 * edited or removed, and `user_version` records how far a corpus file has come.
 */
import type Database from 'better-sqlite3';
import { m001Initial } from './m001Initial';
import { m002Attribution } from './m002Attribution';
import { m003DocumentFingerprint } from './m003DocumentFingerprint';
import { m004Layers } from './m004Layers';
import { m005Curation } from './m005Curation';

export interface Migration {
  version: number;
  name: string;
  up: string;
  /**
   * The step only helps (an index): a corpus without it is read correctly by this Loupe, so a
   * read-only one (which cannot be upgraded) still opens.
   */
  readCompatible?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [m001Initial, m002Attribution, m003DocumentFingerprint, m004Layers, m005Curation];

/** The oldest schema version this Loupe reads without upgrading: from there on, every step is readCompatible. */
export const OLDEST_READABLE_VERSION = (() => {
  let version = MIGRATIONS.length;
  while (version > 0 && MIGRATIONS[version - 1]!.readCompatible) version--;
  return version;
})();

/** The schema version this build of Loupe writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Raised for a corpus written by a newer Loupe; the file is left untouched. */
export class NewerSchemaError extends Error {
  constructor(readonly found: number) {
    super(
      `this corpus was written by a newer version of Loupe (schema ${found}; this version reads up to ${SCHEMA_VERSION}). ` +
        'Update Loupe to open it; the file was not changed.',
    );
    this.name = 'NewerSchemaError';
  }
}

/** Checks that versions are 1..n in order, so a mis-numbered module fails every test run. */
export function checkMigrationList(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

/** Brings the database to SCHEMA_VERSION, all pending steps in one transaction. */
export function migrate(db: Database.Database, list: readonly Migration[] = MIGRATIONS): number {
  checkMigrationList(list);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > list.length) throw new NewerSchemaError(current);
  if (current === list.length) return current;
  db.transaction(() => {
    for (const m of list.slice(current)) db.exec(m.up);
    db.pragma(`user_version = ${list.length}`);
  }).immediate();
  return list.length;
}
