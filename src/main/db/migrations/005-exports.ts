import type { Migration } from './index';

/**
 * Exports (merged, quantized, packaged files of a run) and evaluation results of exported files.
 * - `exports` holds what an export wrote (every file with its hash), the tensors that fell back to another type,
 *   and the quality gate's evaluation job; its state lives in its job row, like every other long job.
 * - `eval_results` is rebuilt to accept the variant `export` (one row per exported file: `output` names it, e.g.
 *   `Q4_K_M`; '' for the other variants): SQLite cannot widen a CHECK or a UNIQUE in place.
 */
export const migration005Exports: Migration = {
  version: 5,
  name: 'exports, evaluation of exported files',
  up(db) {
    db.exec(`
      CREATE TABLE exports (
        id              TEXT PRIMARY KEY,
        project_id      TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        job_id          TEXT NOT NULL UNIQUE REFERENCES jobs(id) ON DELETE CASCADE,
        run_id          TEXT REFERENCES training_runs(id) ON DELETE SET NULL,
        checkpoint_step INTEGER,
        name            TEXT NOT NULL,
        dir             TEXT NOT NULL,
        quants_json     TEXT NOT NULL,
        packages_json   TEXT NOT NULL,
        files_json      TEXT NOT NULL DEFAULT '[]',
        fallbacks_json  TEXT NOT NULL DEFAULT '[]',
        warnings_json   TEXT NOT NULL DEFAULT '[]',
        eval_job_id     TEXT REFERENCES jobs(id) ON DELETE SET NULL,
        seconds         REAL,
        created_at      TEXT NOT NULL
      );
      CREATE INDEX exports_by_project ON exports(project_id, created_at);

      CREATE TABLE eval_results_v5 (
        id           TEXT PRIMARY KEY,
        project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        job_id       TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        run_id       TEXT REFERENCES training_runs(id) ON DELETE SET NULL,
        version_id   TEXT REFERENCES dataset_versions(id) ON DELETE SET NULL,
        variant      TEXT NOT NULL CHECK (variant IN ('base', 'tuned', 'endpoint', 'export')),
        export_id    TEXT REFERENCES exports(id) ON DELETE SET NULL,
        output       TEXT NOT NULL DEFAULT '',
        model_json   TEXT NOT NULL,
        set_name     TEXT NOT NULL,
        set_hash     TEXT NOT NULL,
        decoding     TEXT NOT NULL CHECK (decoding IN ('free', 'constrained')),
        scores_json  TEXT NOT NULL,
        cases_json   TEXT NOT NULL,
        seconds      REAL NOT NULL,
        created_at   TEXT NOT NULL,
        UNIQUE (job_id, variant, output)
      );
      INSERT INTO eval_results_v5 (id, project_id, job_id, run_id, version_id, variant, model_json, set_name, set_hash, decoding, scores_json, cases_json, seconds, created_at)
        SELECT id, project_id, job_id, run_id, version_id, variant, model_json, set_name, set_hash, decoding, scores_json, cases_json, seconds, created_at FROM eval_results;
      DROP TABLE eval_results;
      ALTER TABLE eval_results_v5 RENAME TO eval_results;
      CREATE INDEX eval_results_by_project ON eval_results(project_id, created_at);
    `);
  },
};
