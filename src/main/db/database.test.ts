import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from './database';
import type { Migration } from './migrations';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tooltune-db-'));
  dirs.push(dir);
  return join(dir, 'test.sqlite');
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('openDatabase', () => {
  it('uses WAL, synchronous=FULL and foreign keys', () => {
    const db = openDatabase(tempFile());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('rolls back a failing migration together with its version bump', () => {
    const file = tempFile();
    const good: Migration = { version: 1, name: 'good', up: (db) => db.exec('CREATE TABLE a (x)') };
    const bad: Migration = {
      version: 2,
      name: 'bad',
      up: (db) => {
        db.exec('CREATE TABLE b (x)');
        throw new Error('boom');
      },
    };
    expect(() => openDatabase(file, [good, bad])).toThrow('boom');
    const db = openDatabase(file, [good]);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a database from a newer version instead of touching it', () => {
    const file = tempFile();
    const db = openDatabase(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer ToolTune/);
  });

  it('runs each migration once', () => {
    let runs = 0;
    const counted: Migration = { version: 1, name: 'counted', up: () => void runs++ };
    const file = tempFile();
    openDatabase(file, [counted]).close();
    const db = openDatabase(file, [counted]);
    migrate(db, [counted]);
    expect(runs).toBe(1);
    db.close();
  });
});
