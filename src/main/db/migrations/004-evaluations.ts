import type { Migration } from './index';

/**
 * Evaluation results: one row per evaluated variant (base, tuned, or a served model) of an evaluate job, with the eval set's name
 * and hash and what the model was, so that reopening the Evaluate step shows the scores without running again.
 * `cases_json` keeps every case (expected, produced, the rule that failed) for the failure browser.
 */
export const migration004Evaluations: Migration = {
  version: 4,
  name: 'evaluation results',
  up(db) {
    db.exec(`
      CREATE TABLE eval_results (
        id           TEXT PRIMARY KEY,
        project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        job_id       TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        run_id       TEXT REFERENCES training_runs(id) ON DELETE SET NULL,
        version_id   TEXT REFERENCES dataset_versions(id) ON DELETE SET NULL,
        variant      TEXT NOT NULL CHECK (variant IN ('base', 'tuned', 'endpoint')),
        model_json   TEXT NOT NULL,
        set_name     TEXT NOT NULL,
        set_hash     TEXT NOT NULL,
        decoding     TEXT NOT NULL CHECK (decoding IN ('free', 'constrained')),
        scores_json  TEXT NOT NULL,
        cases_json   TEXT NOT NULL,
        seconds      REAL NOT NULL,
        created_at   TEXT NOT NULL,
        UNIQUE (job_id, variant)
      );
      CREATE INDEX eval_results_by_project ON eval_results(project_id, created_at);
    `);
  },
};
