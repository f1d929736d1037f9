import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { GenerateParams, ImportSummary, JobInfo, JobKind, JobState, SampleSource } from '../../shared/contract';
import { findJobRow, jobRow, markOrphanedJobsInterrupted, toJobInfo, type JobDbRow } from '../jobs/jobRecords';
import { ToolTuneError } from '../../shared/errors';
import type { EventHub } from '../transport/eventHub';
import type { ImportFindings } from './dataWorkerProtocol';
import type { DataWorkerHandlers, DataWorkerOutcome, DataWorkerRun } from './dataWorkerRun';
import type { PreparedBatch } from './preparedSample';
import type { SampleStore } from './sampleStore';

/** The jobs this class runs; train jobs share the table but belong to the train service. */
const DATA_KINDS: readonly JobKind[] = ['generate', 'import'];

/** Progress events per job: at most one per interval (the last one always goes out). */
const PROGRESS_INTERVAL_MS = 100;
/** `didChange` while a job writes: often enough for a live table, rare enough not to flood it. */
const CHANGE_INTERVAL_MS = 1000;

/** What a job row keeps of its request: enough to resume a generate job exactly (a teacher's API key aside). */
export type JobParams = { kind: 'generate'; generate: GenerateParams } | { kind: 'import'; fileName: string | null };

export interface JobLaunch {
  projectId: string;
  params: JobParams;
  /** Starts what produces the job's batches: the data worker, or a teacher run in main. */
  start(handlers: DataWorkerHandlers): DataWorkerRun;
  source: SampleSource;
  /** Turns what an import found into its summary once the samples are written. */
  summarize?: (findings: ImportFindings, written: { imported: number; failingChecks: number; writeMs: number }) => ImportSummary;
  /** Runs once the job has ended, however it ended (e.g. deletes a staged upload). */
  cleanup?: () => void;
}

/**
 * Runs generate and import jobs: one producer each (a worker, or a teacher), every batch written in one transaction
 * together with the job's `done` count, so after a crash the row says exactly how far it got.
 */
export class DataJobs {
  private readonly running = new Map<string, DataWorkerRun>();
  private readonly settled = new Map<string, Promise<JobInfo>>();
  private disposed = false;

  constructor(
    private readonly db: Database,
    private readonly store: SampleStore,
    private readonly events: EventHub,
  ) {
    markOrphanedJobsInterrupted(db, DATA_KINDS, 'ToolTune stopped while this job ran.');
  }

  get(jobId: string): JobInfo {
    return toJobInfo(this.row(jobId));
  }

  params(jobId: string): JobParams {
    return JSON.parse(this.row(jobId).params_json) as JobParams;
  }

  start(launch: JobLaunch): string {
    const id = randomUUID();
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO jobs (id, project_id, kind, state, done, total, params_json, owner_pid, created_at, updated_at)
         VALUES (?, ?, ?, 'running', 0, 0, ?, ?, ?, ?)`,
      )
      .run(id, launch.projectId, launch.params.kind, JSON.stringify(launch.params), process.pid, now, now);
    this.run(id, launch);
    return id;
  }

  /** Runs an interrupted or cancelled job again from its `done` count, under the same id. */
  resume(jobId: string, launch: JobLaunch): JobInfo {
    const row = this.row(jobId);
    if (row.state !== 'interrupted' && row.state !== 'cancelled') {
      throw new ToolTuneError('conflict', `Only an interrupted or cancelled job can be resumed; this one is ${row.state}.`);
    }
    this.db.prepare("UPDATE jobs SET state = 'running', message = NULL, owner_pid = ?, updated_at = ? WHERE id = ?").run(process.pid, new Date().toISOString(), jobId);
    this.run(jobId, launch);
    return this.get(jobId);
  }

  cancel(jobId: string): Promise<JobInfo> {
    const run = this.running.get(jobId);
    if (!run) return Promise.resolve(this.get(jobId));
    run.cancel();
    return this.whenSettled(jobId);
  }

  /** The job's final state once it ends (at once for a job that is not running). */
  whenSettled(jobId: string): Promise<JobInfo> {
    return this.settled.get(jobId) ?? Promise.resolve(this.get(jobId));
  }

  /** The app is closing: stops every worker and marks its job interrupted, so it can be resumed. */
  dispose(): void {
    this.disposed = true;
    const mark = this.db.prepare("UPDATE jobs SET state = 'interrupted', message = 'ToolTune closed while this job ran.', updated_at = ? WHERE id = ?");
    for (const [jobId, run] of this.running) {
      run.cancel();
      mark.run(new Date().toISOString(), jobId);
    }
    this.running.clear();
  }

  private run(jobId: string, launch: JobLaunch): void {
    const { projectId } = launch;
    const kind = launch.params.kind;
    let done = this.row(jobId).done;
    let total = 0;
    let failingChecks = 0;
    let lastProgress = 0;
    let lastChange = 0;
    const addDone = this.db.prepare('UPDATE jobs SET done = done + ?, updated_at = ? WHERE id = ?');
    const insert = this.db.transaction((batch: PreparedBatch) => {
      this.store.insertBatch(projectId, launch.source, batch);
      addDone.run(batch.samples.length, new Date().toISOString(), jobId);
    });
    let writeMs = 0;
    const writeBatch = (batch: PreparedBatch) => {
      const started = performance.now();
      insert(batch);
      writeMs += performance.now() - started;
    };

    const run = launch.start({
      onTotal: (remaining) => {
        total = done + remaining;
        this.db.prepare('UPDATE jobs SET total = ? WHERE id = ?').run(total, jobId);
        this.emitProgress(jobId, projectId, kind, done, total, 'running');
      },
      onBatch: (batch) => {
        writeBatch(batch);
        done += batch.samples.length;
        failingChecks += batch.samples.filter((sample) => sample.checks.some((check) => !check.ok)).length;
        const now = Date.now();
        if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
          lastProgress = now;
          this.emitProgress(jobId, projectId, kind, done, total, 'running');
        }
        if (now - lastChange >= CHANGE_INTERVAL_MS) {
          lastChange = now;
          this.events.emit('data', 'didChange', { projectId });
        }
      },
    });
    this.running.set(jobId, run);
    const started = this.get(jobId);
    this.settled.set(
      jobId,
      run.outcome.then((outcome) => {
        this.settled.delete(jobId);
        launch.cleanup?.();
        if (this.disposed) return { ...started, state: 'interrupted', done, total };
        this.running.delete(jobId);
        // Imports never resume, so `done` counts exactly what this import wrote.
        this.finish(jobId, launch, outcome, { imported: done, failingChecks, writeMs });
        // A deleted project takes its jobs along; then report what is known.
        const info = this.find(jobId) ?? { ...started, state: outcome.state, done, total };
        this.emitProgress(jobId, projectId, kind, info.done, info.total, outcome.state, info.message ?? undefined);
        this.events.emit('data', 'didChange', { projectId });
        return info;
      }),
    );
  }

  private finish(jobId: string, launch: JobLaunch, outcome: DataWorkerOutcome, written: { imported: number; failingChecks: number; writeMs: number }): void {
    let message: string | null = null;
    let result: ImportSummary | null = null;
    if (outcome.state === 'failed') message = outcome.message;
    if (outcome.state === 'done' && outcome.findings && launch.summarize) {
      try {
        result = launch.summarize(outcome.findings, written);
      } catch (error) {
        message = `the import summary failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    this.db
      .prepare('UPDATE jobs SET state = ?, message = ?, result_json = ?, updated_at = ? WHERE id = ?')
      .run(outcome.state, message, result ? JSON.stringify(result) : null, new Date().toISOString(), jobId);
  }

  private emitProgress(jobId: string, projectId: string, kind: JobKind, done: number, total: number, state: Exclude<JobState, 'interrupted'>, message?: string): void {
    this.events.emit('jobs', 'progress', message === undefined ? { jobId, projectId, kind, done, total, state } : { jobId, projectId, kind, done, total, state, message });
  }

  private find(jobId: string): JobInfo | undefined {
    const row = findJobRow(this.db, jobId);
    return row && toJobInfo(row);
  }

  private row(jobId: string): JobDbRow {
    return jobRow(this.db, jobId);
  }
}
