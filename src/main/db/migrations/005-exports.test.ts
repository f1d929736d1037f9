import BetterSqlite3, { type Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { MIGRATIONS } from './index';

const NOW = '2025-01-01T00:00:00.000Z';

function upgradedFromV4(): Database {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS.slice(0, 4));
  db.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run('p1', 'Kept', NOW, NOW);
  for (const [id, kind] of [['t1', 'train'], ['e1', 'evaluate'], ['x1', 'export']]) {
    db.prepare("INSERT INTO jobs (id, project_id, kind, state, params_json, owner_pid, created_at, updated_at) VALUES (?, 'p1', ?, 'done', '{}', 1, ?, ?)").run(id, kind, NOW, NOW);
  }
  db.prepare("INSERT INTO training_runs (id, project_id, job_id, seq, settings_json, repro_json, dir, created_at) VALUES ('r1', 'p1', 't1', 1, '{}', '{}', '/r', ?)").run(NOW);
  insertResult(db, 'base');
  migrate(db, MIGRATIONS.slice(0, 5));
  return db;
}

function insertResult(db: Database, variant: string, output?: string): void {
  db.prepare(
    `INSERT INTO eval_results (id, project_id, job_id, run_id, variant, model_json, set_name, set_hash, decoding, scores_json, cases_json, seconds, created_at${output !== undefined ? ', output' : ''})
     VALUES (?, 'p1', 'e1', 'r1', ?, '{}', 'v1', 'h', 'free', '{}', '[]', 1, ?${output !== undefined ? ', ?' : ''})`,
  ).run(`x-${variant}-${output ?? ''}`, variant, NOW, ...(output !== undefined ? [output] : []));
}

describe('migration 005: exports', () => {
  it('keeps the results of a version 4 database and stores one result per exported file', () => {
    const db = upgradedFromV4();
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(db.prepare('SELECT variant, output FROM eval_results').all()).toEqual([{ variant: 'base', output: '' }]);
    insertResult(db, 'export', 'Q4_K_M');
    insertResult(db, 'export', 'Q8_0');
    expect(() => insertResult(db, 'export', 'Q8_0')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => insertResult(db, 'merged', 'F16')).toThrow(/CHECK/);
  });

  it('keeps an export when its run is deleted and drops it with its project', () => {
    const db = upgradedFromV4();
    db.prepare("INSERT INTO exports (id, project_id, job_id, run_id, name, dir, quants_json, packages_json, created_at) VALUES ('a', 'p1', 'x1', 'r1', 'n', '/d', '[]', '[]', ?)").run(NOW);
    db.prepare("DELETE FROM training_runs WHERE id = 'r1'").run();
    expect(db.prepare('SELECT run_id FROM exports').pluck().get()).toBeNull();
    db.prepare("DELETE FROM projects WHERE id = 'p1'").run();
    expect(db.prepare('SELECT COUNT(*) FROM exports').pluck().get()).toBe(0);
  });
});
