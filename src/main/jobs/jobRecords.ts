/** Reading the `jobs` table: one row per long job of any kind (migration 003). */
import type { Database } from 'better-sqlite3';
import type { ImportSummary, JobInfo, JobKind, JobState } from '../../shared/contract';
import { ToolTuneError } from '../../shared/errors';
import { isProcessAlive } from '../processes';

export interface JobDbRow {
  id: string;
  project_id: string;
  kind: JobKind;
  state: JobState;
  done: number;
  total: number;
  params_json: string;
  result_json: string | null;
  message: string | null;
  owner_pid: number;
  created_at: string;
  updated_at: string;
}

export function toJobInfo(row: JobDbRow): JobInfo {
  const info: JobInfo = {
    id: row.id,
    projectId: row.project_id,
    kind: row.kind,
    state: row.state,
    done: row.done,
    total: row.total,
    message: row.message,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.kind === 'import' && row.result_json) info.importSummary = JSON.parse(row.result_json) as ImportSummary;
  if (row.kind === 'train') info.runId = (JSON.parse(row.params_json) as { runId: string }).runId;
  return info;
}

export function findJobRow(db: Database, jobId: string): JobDbRow | undefined {
  return db.prepare('SELECT * FROM jobs WHERE id = ?').get(jobId) as JobDbRow | undefined;
}

export function jobRow(db: Database, jobId: string): JobDbRow {
  const row = findJobRow(db, jobId);
  if (!row) throw new ToolTuneError('not-found', `No job with id ${jobId}.`);
  return row;
}

/** Whether the job was marked interrupted meanwhile (the app closed while it ran): its end is then not written. */
export function isJobInterrupted(db: Database, jobId: string): boolean {
  return (db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(jobId) as JobState | undefined) === 'interrupted';
}

/**
 * Jobs of `kinds` left `running` by a process that is gone (a crash, a kill) or by this one (a restart in process)
 * are marked interrupted with `message`; returns their ids.
 */
export function markOrphanedJobsInterrupted(db: Database, kinds: readonly JobKind[], message: string): string[] {
  const rows = db.prepare(`SELECT id, owner_pid FROM jobs WHERE state = 'running' AND kind IN (${kinds.map(() => '?').join(', ')})`).all(...kinds) as Pick<JobDbRow, 'id' | 'owner_pid'>[];
  const mark = db.prepare("UPDATE jobs SET state = 'interrupted', message = ?, updated_at = ? WHERE id = ?");
  const orphaned = rows.filter((row) => row.owner_pid === process.pid || !isProcessAlive(row.owner_pid));
  for (const row of orphaned) mark.run(message, new Date().toISOString(), row.id);
  return orphaned.map((row) => row.id);
}
