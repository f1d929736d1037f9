/** Reading the `exports` table (migration 005), with each export's job state and run number. */
import type { Database } from 'better-sqlite3';
import type { ExportFile, ExportPackage, ExportRecord, QuantFallback, QuantType } from '../../shared/contract/export';
import type { JobState } from '../../shared/contract/jobs';
import { ToolTuneError } from '../../shared/errors';

interface ExportDbRow {
  id: string;
  project_id: string;
  job_id: string;
  run_id: string | null;
  checkpoint_step: number | null;
  name: string;
  dir: string;
  quants_json: string;
  packages_json: string;
  files_json: string;
  fallbacks_json: string;
  warnings_json: string;
  eval_job_id: string | null;
  seconds: number | null;
  created_at: string;
  state: JobState;
  message: string | null;
  run_seq: number | null;
}

const SELECT = `SELECT x.*, j.state, j.message, t.seq AS run_seq FROM exports x JOIN jobs j ON j.id = x.job_id LEFT JOIN training_runs t ON t.id = x.run_id`;

function toRecord(row: ExportDbRow): ExportRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    jobId: row.job_id,
    state: row.state,
    message: row.message,
    runId: row.run_id,
    runSeq: row.run_seq,
    checkpointStep: row.checkpoint_step,
    name: row.name,
    dir: row.dir,
    quants: JSON.parse(row.quants_json) as QuantType[],
    packages: JSON.parse(row.packages_json) as ExportPackage[],
    files: JSON.parse(row.files_json) as ExportFile[],
    fallbacks: JSON.parse(row.fallbacks_json) as QuantFallback[],
    warnings: JSON.parse(row.warnings_json) as string[],
    evalJobId: row.eval_job_id,
    seconds: row.seconds,
    createdAt: row.created_at,
  };
}

export function exportRecord(db: Database, exportId: string): ExportRecord {
  const row = db.prepare(`${SELECT} WHERE x.id = ?`).get(exportId) as ExportDbRow | undefined;
  if (!row) throw new ToolTuneError('not-found', `No export with id ${exportId}.`);
  return toRecord(row);
}

export function exportRecords(db: Database, projectId: string): ExportRecord[] {
  return (db.prepare(`${SELECT} WHERE x.project_id = ? ORDER BY x.created_at DESC, x.rowid DESC`).all(projectId) as ExportDbRow[]).map(toRecord);
}
