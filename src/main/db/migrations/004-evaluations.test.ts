import BetterSqlite3, { type Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { MIGRATIONS } from './index';

const NOW = '2025-01-01T00:00:00.000Z';

function upgradedFromV3(): Database {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS.slice(0, 3));
  db.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run('p1', 'Kept', NOW, NOW);
  db.prepare("INSERT INTO jobs (id, project_id, kind, state, params_json, owner_pid, created_at, updated_at) VALUES ('t1', 'p1', 'train', 'done', '{}', 1, ?, ?)").run(NOW, NOW);
  db.prepare("INSERT INTO training_runs (id, project_id, job_id, seq, settings_json, repro_json, dir, created_at) VALUES ('r1', 'p1', 't1', 1, '{}', '{}', '/r', ?)").run(NOW);
  migrate(db, MIGRATIONS.slice(0, 4));
  db.prepare("INSERT INTO jobs (id, project_id, kind, state, params_json, owner_pid, created_at, updated_at) VALUES ('e1', 'p1', 'evaluate', 'done', '{}', 1, ?, ?)").run(NOW, NOW);
  return db;
}

function insertResult(db: Database, variant: string): void {
  db.prepare(
    `INSERT INTO eval_results (id, project_id, job_id, run_id, variant, model_json, set_name, set_hash, decoding, scores_json, cases_json, seconds, created_at)
     VALUES (?, 'p1', 'e1', 'r1', ?, '{}', 'v1', 'h', 'free', '{}', '[]', 1, ?)`,
  ).run(`x-${variant}`, variant, NOW);
}

describe('migration 004: evaluation results', () => {
  it('keeps a version 3 database and stores one result per variant of a job', () => {
    const db = upgradedFromV3();
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(db.prepare('SELECT id FROM training_runs').pluck().all()).toEqual(['r1']);
    insertResult(db, 'base');
    insertResult(db, 'tuned');
    expect(() => insertResult(db, 'tuned')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => insertResult(db, 'merged')).toThrow(/CHECK/);
  });

  it('keeps results when their run is deleted and drops them with their project', () => {
    const db = upgradedFromV3();
    insertResult(db, 'base');
    db.prepare("DELETE FROM training_runs WHERE id = 'r1'").run();
    expect(db.prepare('SELECT run_id FROM eval_results').pluck().get()).toBeNull();
    db.prepare("DELETE FROM projects WHERE id = 'p1'").run();
    expect(db.prepare('SELECT COUNT(*) FROM eval_results').pluck().get()).toBe(0);
  });
});
