import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { MIGRATIONS } from './index';

describe('migration 007: no dedupe-key index', () => {
  it('drops the index and keeps the duplicate grouping working', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS.slice(0, 6));
    const indexes = () => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'samples'").pluck().all();
    expect(indexes()).toContain('samples_by_dedupe_key');
    migrate(db, MIGRATIONS.slice(0, 7));
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(indexes()).not.toContain('samples_by_dedupe_key');
    expect(indexes()).toContain('samples_by_status');
  });
});
