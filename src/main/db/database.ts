/**
 * Opens the project database with the durability settings ToolTune promises
 * (WAL, synchronous=FULL, foreign keys) and brings its schema up to date.
 */
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { ToolTuneError } from '../../shared/errors';
import { MIGRATIONS, type Migration } from './migrations';

export type { Database };

export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Database {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Applies pending migrations, each in its own transaction together with its user_version bump. */
export function migrate(db: Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new ToolTuneError(
      'unavailable',
      `The database was written by a newer ToolTune (schema ${current}, this version knows ${latest}). Update ToolTune to open it.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
