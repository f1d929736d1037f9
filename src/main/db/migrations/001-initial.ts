import type { Migration } from './index';

export const migration001Initial: Migration = {
  version: 1,
  name: 'projects, tools and settings',
  up(db) {
    db.exec(`
      CREATE TABLE projects (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        opened_at   TEXT
      );

      CREATE TABLE tools (
        id              TEXT PRIMARY KEY,
        project_id      TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        position        INTEGER NOT NULL,
        name            TEXT NOT NULL,
        description     TEXT NOT NULL,
        parameters_json TEXT NOT NULL,
        binding_json    TEXT,
        origin          TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        UNIQUE (project_id, name)
      );
      CREATE INDEX tools_by_project ON tools(project_id, position);

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
};
