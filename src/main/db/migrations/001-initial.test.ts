import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migration001Initial } from './001-initial';

describe('migration 001: projects, tools and settings', () => {
  it('creates the tables and sets user_version to 1', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [migration001Initial]);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(['projects', 'settings', 'tools']);
  });

  it('cascades tool deletion with the project and keeps tool names unique per project', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [migration001Initial]);
    const now = new Date().toISOString();
    db.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run('p1', 'A', now, now);
    const insertTool = db.prepare(
      `INSERT INTO tools (id, project_id, position, name, description, parameters_json, origin, created_at, updated_at)
       VALUES (?, 'p1', ?, ?, '', '{}', 'manual', ?, ?)`,
    );
    insertTool.run('t1', 0, 'get_weather', now, now);
    expect(() => insertTool.run('t2', 1, 'get_weather', now, now)).toThrow(/UNIQUE/);
    db.prepare('DELETE FROM projects WHERE id = ?').run('p1');
    expect(db.prepare('SELECT COUNT(*) FROM tools').pluck().get()).toBe(0);
  });

  it('treats project names case-insensitively', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, [migration001Initial]);
    const now = new Date().toISOString();
    const insert = db.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)');
    insert.run('p1', 'Demo', now, now);
    expect(() => insert.run('p2', 'demo', now, now)).toThrow(/UNIQUE/);
  });
});
