import { event, method, schema } from './spec';

export interface ProjectSummary {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  /** Last time the project was opened; null for never. Drives "open recent". */
  openedAt: string | null;
  toolCount: number;
  /** Folder on disk where the project's tools may read and write files. */
  workspacePath: string;
}

export const PROJECT_NAME_MAX = 80;
const projectName = { type: 'string', minLength: 1, maxLength: PROJECT_NAME_MAX };
const id = schema.id();

export const projectsContract = {
  list: method<Record<string, never>, ProjectSummary[]>(schema.empty()),
  get: method<{ id: string }, ProjectSummary>(schema.object({ id })),
  create: method<{ name: string }, ProjectSummary>(schema.object({ name: projectName })),
  rename: method<{ id: string; name: string }, ProjectSummary>(schema.object({ id, name: projectName })),
  duplicate: method<{ id: string; name?: string }, ProjectSummary>(schema.object({ id, name: projectName }, ['id'])),
  delete: method<{ id: string }, { deleted: true }>(schema.object({ id })),
  /** Marks the project as opened now (for the recent list) and returns it. */
  open: method<{ id: string }, ProjectSummary>(schema.object({ id })),
  didChange: event<{ projectId: string | null }>(),
};
