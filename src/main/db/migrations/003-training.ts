import type { Migration } from './index';

/**
 * The models library, training runs, and jobs of every kind in one table.
 * - `models` is shared by all projects (a base is referenced where it lies; its size, mtime and hash
 *   tell when it moved or changed); a project points at the base it trains on.
 * - `jobs` is rebuilt to accept train (and later evaluate and export) jobs: SQLite cannot widen a CHECK in place.
 * - `training_runs` holds what reproduces a run (settings, hashes, artifacts); its state and step count
 *   live in its job row, like every other long job.
 */
export const migration003Training: Migration = {
  version: 3,
  name: 'models library, training runs, jobs of every kind',
  up(db) {
    db.exec(`
      CREATE TABLE models (
        id          TEXT PRIMARY KEY,
        path        TEXT NOT NULL UNIQUE,
        source      TEXT NOT NULL CHECK (source IN ('local', 'download', 'demo')),
        size_bytes  INTEGER NOT NULL,
        mtime_ms    INTEGER NOT NULL,
        sha256      TEXT NOT NULL,
        info_json   TEXT NOT NULL,
        added_at    TEXT NOT NULL
      );

      ALTER TABLE projects ADD COLUMN base_model_id TEXT REFERENCES models(id) ON DELETE SET NULL;

      CREATE TABLE jobs_v3 (
        id           TEXT PRIMARY KEY,
        project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        kind         TEXT NOT NULL CHECK (kind IN ('generate', 'import', 'train', 'evaluate', 'export')),
        state        TEXT NOT NULL CHECK (state IN ('running', 'done', 'cancelled', 'failed', 'interrupted')),
        done         INTEGER NOT NULL DEFAULT 0,
        total        INTEGER NOT NULL DEFAULT 0,
        params_json  TEXT NOT NULL,
        owner_pid    INTEGER NOT NULL,
        result_json  TEXT,
        message      TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      );
      INSERT INTO jobs_v3 SELECT id, project_id, kind, state, done, total, params_json, owner_pid, result_json, message, created_at, updated_at FROM jobs;
      DROP TABLE jobs;
      ALTER TABLE jobs_v3 RENAME TO jobs;
      CREATE INDEX jobs_by_project ON jobs(project_id, created_at);

      CREATE TABLE training_runs (
        id             TEXT PRIMARY KEY,
        project_id     TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        job_id         TEXT NOT NULL UNIQUE REFERENCES jobs(id) ON DELETE CASCADE,
        seq            INTEGER NOT NULL,
        model_id       TEXT REFERENCES models(id) ON DELETE SET NULL,
        version_id     TEXT REFERENCES dataset_versions(id) ON DELETE SET NULL,
        settings_json  TEXT NOT NULL,
        -- Hashes and versions that reproduce the run: base, dataset version, rendered files, trainer.
        repro_json     TEXT NOT NULL,
        -- Artifacts with their hashes once written: the adapter, kept checkpoints.
        artifacts_json TEXT NOT NULL DEFAULT '[]',
        dir            TEXT NOT NULL,
        trainer_pid    INTEGER,
        error_code     TEXT,
        created_at     TEXT NOT NULL,
        UNIQUE (project_id, seq)
      );
    `);
  },
};
