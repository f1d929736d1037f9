import BetterSqlite3, { type Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migration001Initial } from './001-initial';
import { migration002Datasets } from './002-datasets';

const NOW = '2025-01-01T00:00:00.000Z';

function upgradedFromV1(): Database {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, [migration001Initial]);
  db.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run('p1', 'Kept', NOW, NOW);
  migrate(db, [migration001Initial, migration002Datasets]);
  return db;
}

function insertSample(db: Database, seq: number): number {
  db.prepare("INSERT OR IGNORE INTO tool_sets (id, project_id, hash, tools_json) VALUES (1, 'p1', 'h', '[]')").run();
  const info = db
    .prepare(
      `INSERT INTO samples (project_id, seq, kind, source, sample_json, tool_set_id, checks_json, checks_ok, dedupe_key, first_user, tools_called, search_text, created_at, updated_at)
       VALUES ('p1', ?, 'simple', 'generated', '{}', 1, '[]', 1, 'k', 'hi', '[]', 'hi', ?, ?)`,
    )
    .run(seq, NOW, NOW);
  const id = Number(info.lastInsertRowid);
  db.prepare("INSERT INTO sample_facets (project_id, facet, value, sample_id) VALUES ('p1', 'tool', 'get_weather', ?)").run(id);
  return id;
}

describe('migration 002: samples, dataset versions and jobs', () => {
  it('upgrades a version 1 database in place, keeping its projects', () => {
    const db = upgradedFromV1();
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    expect(tables).toEqual(['dataset_version_samples', 'dataset_versions', 'jobs', 'projects', 'sample_facets', 'samples', 'settings', 'tool_sets', 'tools']);
    expect(db.prepare('SELECT name FROM projects').pluck().all()).toEqual(['Kept']);
  });

  it('refuses unknown statuses and splits', () => {
    const db = upgradedFromV1();
    const id = insertSample(db, 1);
    expect(() => db.prepare("UPDATE samples SET status = 'maybe' WHERE id = ?").run(id)).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE samples SET split = 'test' WHERE id = ?").run(id)).toThrow(/CHECK/);
  });

  it('drops facets with their sample, keeps frozen copies, and cascades everything with the project', () => {
    const db = upgradedFromV1();
    const first = insertSample(db, 1);
    insertSample(db, 2);
    db.prepare("INSERT INTO dataset_versions VALUES ('v1', 'p1', 'v1', ?, 'hash', 1, 1, 0)").run(NOW);
    db.prepare("INSERT INTO dataset_version_samples VALUES ('v1', 0, ?, 'train', '{}', 1)").run(first);
    db.prepare("INSERT INTO jobs (id, project_id, kind, state, params_json, owner_pid, created_at, updated_at) VALUES ('j1', 'p1', 'import', 'running', '{}', 1, ?, ?)").run(NOW, NOW);

    db.prepare('DELETE FROM samples WHERE id = ?').run(first);
    expect(db.prepare('SELECT COUNT(*) FROM sample_facets').pluck().get()).toBe(1);
    expect(db.prepare('SELECT COUNT(*) FROM dataset_version_samples').pluck().get()).toBe(1);

    db.prepare("DELETE FROM projects WHERE id = 'p1'").run();
    for (const table of ['samples', 'sample_facets', 'tool_sets', 'dataset_versions', 'dataset_version_samples', 'jobs']) {
      expect(db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get(), table).toBe(0);
    }
  });

  it('never reuses a deleted sample id (undo and versions refer to ids)', () => {
    const db = upgradedFromV1();
    const first = insertSample(db, 1);
    db.prepare('DELETE FROM samples WHERE id = ?').run(first);
    expect(insertSample(db, 2)).toBeGreaterThan(first);
  });

  it('answers the review filters from indexes', () => {
    const db = upgradedFromV1();
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join('\n');
    expect(plan("SELECT id FROM samples WHERE project_id = 'p1' AND status = 'pending' ORDER BY seq LIMIT 50")).toMatch(/USING (COVERING )?INDEX samples_by_status/);
    expect(plan("SELECT sample_id FROM sample_facets WHERE project_id = 'p1' AND facet = 'tool' AND value = 'x'")).toMatch(/USING PRIMARY KEY/);
  });
});
