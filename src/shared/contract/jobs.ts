import type { ImportSummary } from './data';
import { event, method, schema } from './spec';

/**
 * Long work of every step as jobs: generate and import (Data), train (Train), later evaluate and export. One
 * job model, one table, one progress event; each step's own service starts its jobs and holds what only it
 * knows (an import's summary, a run's curves).
 */
export type JobKind = 'generate' | 'import' | 'train' | 'evaluate' | 'export';

/** `interrupted`: the app (or, for a run, its trainer) stopped while the job ran; it can be resumed. */
export type JobState = 'running' | 'done' | 'cancelled' | 'failed' | 'interrupted';

export interface JobInfo {
  id: string;
  projectId: string;
  kind: JobKind;
  state: JobState;
  /** Samples written (generate, import) or steps trained (train). */
  done: number;
  total: number;
  message: string | null;
  createdAt: string;
  updatedAt: string;
  /** Set when an import job is done. */
  importSummary?: ImportSummary;
  /** The training run of a train job. */
  runId?: string;
}

export interface JobProgress {
  jobId: string;
  projectId: string;
  kind: JobKind;
  done: number;
  total: number;
  state: JobState;
  message?: string;
}

const id = schema.id();

export const jobsContract = {
  /** The project's jobs of every kind, newest first. */
  list: method<{ projectId: string }, JobInfo[]>(schema.object({ projectId: id })),
  get: method<{ jobId: string }, JobInfo>(schema.object({ jobId: id })),
  /**
   * Stops a job the way its kind allows: generate and import between batches (every sample written so far
   * stays, no batch is written in part); train at the end of the current window, with a checkpoint. Resolves
   * with the job once it stopped (a train job: once the stop was asked; its end follows as progress).
   */
  cancel: method<{ jobId: string }, JobInfo>(schema.object({ jobId: id })),
  /** At most ~10 per second per job; the last one always goes out. */
  progress: event<JobProgress>(),
};
