import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Contract, StoredTool, ToolExportFormat, ToolOrigin } from '../../shared/contract';
import type { ServiceImpl } from '../../shared/contract/spec';
import { ToolTuneError } from '../../shared/errors';
import { toMcpTools, toOpenAiTools } from '../../shared/tools/exportTools';
import type { ToolDefinition, ToolImportResult, ToolProblem } from '../../shared/tools/types';
import { importToolsOffThread, validateToolsOffThread } from '../tools/importInWorker';
import { safeFileName } from '../safeFileName';
import type { EventHub } from '../transport/eventHub';
import type { ProjectService } from './projects';

interface ToolRow {
  id: string;
  project_id: string;
  position: number;
  name: string;
  description: string;
  parameters_json: string;
  binding_json: string | null;
  origin: ToolOrigin;
  updated_at: string;
}

function toStoredTool(row: ToolRow): StoredTool {
  const tool: StoredTool = {
    id: row.id,
    projectId: row.project_id,
    position: row.position,
    name: row.name,
    description: row.description,
    parameters: JSON.parse(row.parameters_json) as StoredTool['parameters'],
    origin: row.origin,
    updatedAt: row.updated_at,
  };
  if (row.binding_json) tool.binding = JSON.parse(row.binding_json) as StoredTool['binding'];
  return tool;
}

/** Two saves racing past validation still meet the UNIQUE(project_id, name) constraint: say so plainly. */
function asNameConflict(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE'
    ? new ToolTuneError('conflict', 'Another tool of this project already has that name.')
    : error;
}

function errorsOf(problems: ToolProblem[]): ToolProblem[] {
  return problems.filter((problem) => problem.severity === 'error');
}

function rejectProblems(what: string, problems: ToolProblem[]): never {
  const first = problems[0];
  const where = first ? `${first.toolName ? `${first.toolName}: ` : ''}${first.pointer || '/'} ${first.message}` : '';
  throw new ToolTuneError(
    'invalid-input',
    `${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}${where ? ` (first: ${where})` : ''}.`,
    { problems },
  );
}

export class ToolService implements ServiceImpl<Contract['tools']> {
  constructor(
    private readonly db: Database,
    private readonly projects: ProjectService,
    private readonly events: EventHub,
  ) {}

  list({ projectId }: { projectId: string }): StoredTool[] {
    this.projects.get({ id: projectId });
    const rows = this.db.prepare('SELECT * FROM tools WHERE project_id = ? ORDER BY position').all(projectId) as ToolRow[];
    return rows.map(toStoredTool);
  }

  async previewImport(params: { projectId: string; text: string; fileName?: string }): Promise<ToolImportResult> {
    return importToolsOffThread(params.text, {
      fileName: params.fileName,
      existingNames: this.names(params.projectId),
    });
  }

  async commitImport(params: {
    projectId: string;
    text: string;
    fileName?: string;
    excludeIndices?: number[];
  }): Promise<{ imported: StoredTool[] }> {
    const result = await this.previewImport(params);
    const excluded = new Set(params.excludeIndices ?? []);
    const blocking = errorsOf(result.problems).filter(
      (problem) => problem.toolIndex === undefined || !excluded.has(problem.toolIndex),
    );
    if (blocking.length > 0) rejectProblems('Nothing was imported', blocking);
    const chosen = result.tools.filter((_, index) => !excluded.has(index));
    if (chosen.length === 0) throw new ToolTuneError('invalid-input', 'Nothing was imported: no tools selected.');
    const origin: ToolOrigin = result.format ?? 'manual';
    const ids = this.write(() => chosen.map((tool) => this.insert(params.projectId, tool, origin)));
    this.changed(params.projectId);
    return { imported: ids.map((id) => this.getTool(params.projectId, id)) };
  }

  async validate(params: { projectId: string; toolId?: string; tool: ToolDefinition }): Promise<ToolProblem[]> {
    return validateToolsOffThread([params.tool], this.names(params.projectId, params.toolId));
  }

  async create(params: { projectId: string; tool: ToolDefinition }): Promise<StoredTool> {
    return this.createWithOrigin(params.projectId, params.tool, 'manual');
  }

  async createWithOrigin(projectId: string, tool: ToolDefinition, origin: ToolOrigin): Promise<StoredTool> {
    const problems = errorsOf(await this.validate({ projectId, tool }));
    if (problems.length > 0) rejectProblems(`Tool "${tool.name}" was not saved`, problems);
    const id = this.write(() => this.insert(projectId, tool, origin));
    this.changed(projectId);
    return this.getTool(projectId, id);
  }

  async update(params: { projectId: string; toolId: string; tool: ToolDefinition }): Promise<StoredTool> {
    this.getTool(params.projectId, params.toolId);
    const problems = errorsOf(await this.validate(params));
    if (problems.length > 0) rejectProblems(`Tool "${params.tool.name}" was not saved`, problems);
    const { name, description, parameters, binding } = params.tool;
    const update = this.db.prepare(
      `UPDATE tools SET name = ?, description = ?, parameters_json = ?, binding_json = ?, updated_at = ?
       WHERE id = ? AND project_id = ?`,
    );
    this.write(() =>
      update.run(
        name,
        description,
        JSON.stringify(parameters),
        binding ? JSON.stringify(binding) : null,
        new Date().toISOString(),
        params.toolId,
        params.projectId,
      ),
    );
    this.changed(params.projectId);
    return this.getTool(params.projectId, params.toolId);
  }

  delete({ projectId, toolId }: { projectId: string; toolId: string }): { deleted: true } {
    this.getTool(projectId, toolId);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM tools WHERE id = ?').run(toolId);
      this.renumber(projectId, this.list({ projectId }).map((tool) => tool.id));
    })();
    this.changed(projectId);
    return { deleted: true };
  }

  reorder({ projectId, toolIds }: { projectId: string; toolIds: string[] }): StoredTool[] {
    const current = this.list({ projectId }).map((tool) => tool.id);
    const same = toolIds.length === current.length && new Set(toolIds).size === toolIds.length && toolIds.every((id) => current.includes(id));
    if (!same) throw new ToolTuneError('invalid-input', 'A new order must list every tool of the project exactly once.');
    this.db.transaction(() => this.renumber(projectId, toolIds))();
    this.changed(projectId);
    return this.list({ projectId });
  }

  export({ projectId, format }: { projectId: string; format: ToolExportFormat }): { fileName: string; text: string } {
    const project = this.projects.get({ id: projectId });
    const tools: ToolDefinition[] = this.list({ projectId }).map(({ name, description, parameters, binding }) =>
      binding ? { name, description, parameters, binding } : { name, description, parameters },
    );
    const document = format === 'openai' ? toOpenAiTools(tools) : toMcpTools(tools);
    return { fileName: `${safeFileName(project.name, 'project')}-tools.${format}.json`, text: `${JSON.stringify(document, null, 2)}\n` };
  }

  private write<T>(work: () => T): T {
    try {
      return this.db.transaction(work)();
    } catch (error) {
      throw asNameConflict(error);
    }
  }

  /** Names only: live validation asks for them on every edit, so no schema is parsed here. */
  private names(projectId: string, exceptToolId?: string): string[] {
    this.projects.get({ id: projectId });
    return this.db
      .prepare('SELECT name FROM tools WHERE project_id = ? AND id IS NOT ? ORDER BY position')
      .pluck()
      .all(projectId, exceptToolId ?? null) as string[];
  }

  private getTool(projectId: string, toolId: string): StoredTool {
    const row = this.db.prepare('SELECT * FROM tools WHERE id = ? AND project_id = ?').get(toolId, projectId) as
      | ToolRow
      | undefined;
    if (!row) throw new ToolTuneError('not-found', `No tool with id ${toolId} in this project.`);
    return toStoredTool(row);
  }

  private insert(projectId: string, tool: ToolDefinition, origin: ToolOrigin): string {
    const id = randomUUID();
    const now = new Date().toISOString();
    const position = (this.db.prepare('SELECT COALESCE(MAX(position) + 1, 0) FROM tools WHERE project_id = ?').pluck().get(projectId) as number);
    this.db
      .prepare(
        `INSERT INTO tools (id, project_id, position, name, description, parameters_json, binding_json, origin, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        projectId,
        position,
        tool.name,
        tool.description,
        JSON.stringify(tool.parameters),
        tool.binding ? JSON.stringify(tool.binding) : null,
        origin,
        now,
        now,
      );
    return id;
  }

  private renumber(projectId: string, orderedIds: string[]): void {
    const update = this.db.prepare('UPDATE tools SET position = ? WHERE id = ? AND project_id = ?');
    orderedIds.forEach((id, position) => update.run(position, id, projectId));
  }

  private changed(projectId: string): void {
    this.events.emit('tools', 'didChange', { projectId });
    this.events.emit('projects', 'didChange', { projectId });
  }
}
