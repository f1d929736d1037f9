import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import type { Contract, ProjectSummary } from '../../shared/contract';
import { PROJECT_NAME_MAX } from '../../shared/contract';
import type { ServiceImpl } from '../../shared/contract/spec';
import { ToolTuneError } from '../../shared/errors';
import type { EventHub } from '../transport/eventHub';
import { projectDir, workspaceDir } from '../paths';

interface ProjectRow {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
  opened_at: string | null;
  tool_count: number;
}

const SELECT_PROJECTS = `
  SELECT p.*, (SELECT COUNT(*) FROM tools t WHERE t.project_id = p.id) AS tool_count
  FROM projects p`;

/** Trims and checks a user-chosen project name; the contract already capped its length. */
export function cleanProjectName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new ToolTuneError('invalid-input', 'A project name cannot be empty.');
  if (trimmed.length > PROJECT_NAME_MAX) {
    throw new ToolTuneError('invalid-input', `A project name can have at most ${PROJECT_NAME_MAX} characters.`);
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new ToolTuneError('invalid-input', 'A project name cannot contain control characters.');
  }
  return trimmed;
}

export class ProjectService implements ServiceImpl<Contract['projects']> {
  constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly events: EventHub,
  ) {}

  list(): ProjectSummary[] {
    const rows = this.db
      .prepare(`${SELECT_PROJECTS} ORDER BY p.opened_at IS NULL, p.opened_at DESC, p.name COLLATE NOCASE`)
      .all() as ProjectRow[];
    return rows.map((row) => this.toSummary(row));
  }

  get({ id }: { id: string }): ProjectSummary {
    const row = this.db.prepare(`${SELECT_PROJECTS} WHERE p.id = ?`).get(id) as ProjectRow | undefined;
    if (!row) throw new ToolTuneError('not-found', `No project with id ${id}.`);
    return this.toSummary(row);
  }

  findByName(name: string): ProjectSummary | undefined {
    const row = this.db.prepare(`${SELECT_PROJECTS} WHERE p.name = ? COLLATE NOCASE`).get(name.trim()) as
      | ProjectRow
      | undefined;
    return row && this.toSummary(row);
  }

  create({ name }: { name: string }): ProjectSummary {
    const clean = cleanProjectName(name);
    const id = randomUUID();
    const now = new Date().toISOString();
    this.assertNameFree(clean);
    mkdirSync(workspaceDir(this.dataDir, id), { recursive: true });
    this.db.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, clean, now, now);
    this.changed(id);
    return this.get({ id });
  }

  rename({ id, name }: { id: string; name: string }): ProjectSummary {
    const clean = cleanProjectName(name);
    const current = this.get({ id });
    if (current.name.toLowerCase() !== clean.toLowerCase()) this.assertNameFree(clean);
    this.db.prepare('UPDATE projects SET name = ?, updated_at = ? WHERE id = ?').run(clean, new Date().toISOString(), id);
    this.changed(id);
    return this.get({ id });
  }

  duplicate({ id, name }: { id: string; name?: string }): ProjectSummary {
    const source = this.get({ id });
    const clean = name === undefined ? this.freeCopyName(source.name) : cleanProjectName(name);
    this.assertNameFree(clean);
    const copyId = randomUUID();
    const now = new Date().toISOString();
    cpSync(workspaceDir(this.dataDir, id), workspaceDir(this.dataDir, copyId), { recursive: true, errorOnExist: true });
    try {
      this.db.transaction(() => {
        this.db
          .prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)')
          .run(copyId, clean, now, now);
        const tools = this.db.prepare('SELECT * FROM tools WHERE project_id = ? ORDER BY position').all(id) as Record<
          string,
          unknown
        >[];
        const insert = this.db.prepare(
          `INSERT INTO tools (id, project_id, position, name, description, parameters_json, binding_json, origin, created_at, updated_at)
           VALUES (@id, @project_id, @position, @name, @description, @parameters_json, @binding_json, @origin, @created_at, @updated_at)`,
        );
        for (const tool of tools) insert.run({ ...tool, id: randomUUID(), project_id: copyId, created_at: now, updated_at: now });
      })();
    } catch (error) {
      rmSync(projectDir(this.dataDir, copyId), { recursive: true, force: true });
      throw error;
    }
    this.changed(copyId);
    return this.get({ id: copyId });
  }

  delete({ id }: { id: string }): { deleted: true } {
    this.get({ id });
    this.db.prepare('DELETE FROM projects WHERE id = ?').run(id);
    // The row is gone first: a crash here leaves an orphan folder, never a project without its files.
    rmSync(projectDir(this.dataDir, id), { recursive: true, force: true });
    this.changed(null);
    return { deleted: true };
  }

  open({ id }: { id: string }): ProjectSummary {
    this.get({ id });
    mkdirSync(workspaceDir(this.dataDir, id), { recursive: true });
    this.db.prepare('UPDATE projects SET opened_at = ? WHERE id = ?').run(new Date().toISOString(), id);
    this.changed(id);
    return this.get({ id });
  }

  private assertNameFree(name: string): void {
    if (this.findByName(name)) throw new ToolTuneError('conflict', `A project named "${name}" already exists.`);
  }

  private freeCopyName(base: string): string {
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? ' (copy)' : ` (copy ${n})`;
      const candidate = `${base.slice(0, PROJECT_NAME_MAX - suffix.length)}${suffix}`;
      if (!this.findByName(candidate)) return candidate;
    }
  }

  private changed(projectId: string | null): void {
    this.events.emit('projects', 'didChange', { projectId });
  }

  private toSummary(row: ProjectRow): ProjectSummary {
    return {
      id: row.id,
      name: row.name,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      openedAt: row.opened_at,
      toolCount: row.tool_count,
      workspacePath: workspaceDir(this.dataDir, row.id),
    };
  }
}
