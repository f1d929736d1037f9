import BetterSqlite3, { type Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migration001Initial } from './001-initial';
import { migration002Datasets } from './002-datasets';
import { migration003Training } from './003-training';

const NOW = '2025-01-01T00:00:00.000Z';

function upgradedFromV2(): Database {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, [migration001Initial, migration002Datasets]);
  db.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run('p1', 'Kept', NOW, NOW);
  db.prepare("INSERT INTO jobs (id, project_id, kind, state, done, total, params_json, owner_pid, created_at, updated_at) VALUES ('j1', 'p1', 'import', 'done', 5, 5, '{}', 1, ?, ?)").run(NOW, NOW);
  migrate(db, [migration001Initial, migration002Datasets, migration003Training]);
  return db;
}

function insertModel(db: Database, id: string): void {
  db.prepare("INSERT INTO models (id, path, source, size_bytes, mtime_ms, sha256, info_json, added_at) VALUES (?, ?, 'local', 1, 1, 'h', '{}', ?)").run(id, `/m/${id}.gguf`, NOW);
}

function insertRun(db: Database, jobId: string, modelId: string | null): void {
  db.prepare("INSERT INTO jobs (id, project_id, kind, state, params_json, owner_pid, created_at, updated_at) VALUES (?, 'p1', 'train', 'running', '{}', 1, ?, ?)").run(jobId, NOW, NOW);
  db.prepare("INSERT INTO training_runs (id, project_id, job_id, seq, model_id, settings_json, repro_json, dir, created_at) VALUES (?, 'p1', ?, 1, ?, '{}', '{}', '/r', ?)").run(`r-${jobId}`, jobId, modelId, NOW);
}

describe('migration 003: models library, training runs, jobs of every kind', () => {
  it('keeps the jobs and projects of a version 2 database and accepts train jobs', () => {
    const db = upgradedFromV2();
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare('SELECT id, kind, done FROM jobs').all()).toEqual([{ id: 'j1', kind: 'import', done: 5 }]);
    insertModel(db, 'm1');
    insertRun(db, 'j2', 'm1');
    expect(() => db.prepare("UPDATE jobs SET kind = 'cook' WHERE id = 'j2'").run()).toThrow(/CHECK/);
  });

  it('forgets a removed model in projects and runs, and cascades runs with their project', () => {
    const db = upgradedFromV2();
    insertModel(db, 'm1');
    db.prepare("UPDATE projects SET base_model_id = 'm1' WHERE id = 'p1'").run();
    insertRun(db, 'j2', 'm1');
    db.prepare("DELETE FROM models WHERE id = 'm1'").run();
    expect(db.prepare("SELECT base_model_id FROM projects WHERE id = 'p1'").pluck().get()).toBeNull();
    expect(db.prepare('SELECT model_id FROM training_runs').pluck().get()).toBeNull();
    db.prepare("DELETE FROM projects WHERE id = 'p1'").run();
    expect(db.prepare('SELECT COUNT(*) FROM training_runs').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM jobs').pluck().get()).toBe(0);
  });

  it('refuses the same file twice in the library', () => {
    const db = upgradedFromV2();
    insertModel(db, 'm1');
    expect(() => db.prepare("INSERT INTO models (id, path, source, size_bytes, mtime_ms, sha256, info_json, added_at) VALUES ('m2', '/m/m1.gguf', 'local', 1, 1, 'h', '{}', ?)").run(NOW)).toThrow(/UNIQUE/);
  });
});
