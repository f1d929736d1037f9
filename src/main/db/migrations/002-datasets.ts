import type { Migration } from './index';

/**
 * Samples, their review state and facets, frozen dataset versions and long-running jobs.
 * `sample_facets` holds one row per (tool called | check failed) so the review table filters
 * by tool or failed check through an index instead of scanning JSON. The tools offered in a
 * sample are stored once per distinct list in `tool_sets` (content-addressed, never changed):
 * 100,000 samples usually share a handful of lists, which would otherwise be most of the bytes.
 */
export const migration002Datasets: Migration = {
  version: 2,
  name: 'samples, dataset versions and jobs',
  up(db) {
    db.exec(`
      CREATE TABLE tool_sets (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        hash        TEXT NOT NULL,
        tools_json  TEXT NOT NULL,
        UNIQUE (project_id, hash)
      );

      CREATE TABLE samples (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        seq          INTEGER NOT NULL,
        kind         TEXT,
        status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'flagged')),
        split        TEXT CHECK (split IN ('train', 'eval')),
        source       TEXT NOT NULL CHECK (source IN ('generated', 'imported', 'manual')),
        -- The sample without its tools list, which lives in tool_sets.
        sample_json  TEXT NOT NULL,
        tool_set_id  INTEGER NOT NULL REFERENCES tool_sets(id),
        checks_json  TEXT NOT NULL,
        checks_ok    INTEGER NOT NULL,
        dedupe_key   TEXT NOT NULL,
        first_user   TEXT NOT NULL,
        tools_called TEXT NOT NULL,
        search_text  TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        UNIQUE (project_id, seq)
      );
      CREATE INDEX samples_by_status ON samples(project_id, status, seq);
      CREATE INDEX samples_by_kind ON samples(project_id, kind, seq);
      CREATE INDEX samples_by_split ON samples(project_id, split, seq);
      CREATE INDEX samples_by_checks ON samples(project_id, checks_ok, seq);
      CREATE INDEX samples_by_update ON samples(project_id, updated_at);
      CREATE INDEX samples_by_dedupe_key ON samples(project_id, dedupe_key);

      CREATE TABLE sample_facets (
        project_id  TEXT NOT NULL,
        facet       TEXT NOT NULL CHECK (facet IN ('tool', 'failed_check')),
        value       TEXT NOT NULL,
        sample_id   INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
        PRIMARY KEY (project_id, facet, value, sample_id)
      ) WITHOUT ROWID;
      CREATE INDEX sample_facets_by_sample ON sample_facets(sample_id);

      CREATE TABLE dataset_versions (
        id            TEXT PRIMARY KEY,
        project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name          TEXT NOT NULL COLLATE NOCASE,
        created_at    TEXT NOT NULL,
        content_hash  TEXT NOT NULL,
        sample_count  INTEGER NOT NULL,
        train_count   INTEGER NOT NULL,
        eval_count    INTEGER NOT NULL,
        UNIQUE (project_id, name)
      );

      -- A copy of each frozen sample: editing or deleting the live sample never changes a version.
      CREATE TABLE dataset_version_samples (
        version_id   TEXT NOT NULL REFERENCES dataset_versions(id) ON DELETE CASCADE,
        position     INTEGER NOT NULL,
        sample_id    INTEGER NOT NULL,
        split        TEXT NOT NULL CHECK (split IN ('train', 'eval')),
        sample_json  TEXT NOT NULL,
        tool_set_id  INTEGER NOT NULL REFERENCES tool_sets(id),
        PRIMARY KEY (version_id, position)
      );
      CREATE INDEX dataset_version_samples_by_sample ON dataset_version_samples(sample_id);

      CREATE TABLE jobs (
        id           TEXT PRIMARY KEY,
        project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        kind         TEXT NOT NULL CHECK (kind IN ('generate', 'import')),
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
      CREATE INDEX jobs_by_project ON jobs(project_id, created_at);
    `);
  },
};
