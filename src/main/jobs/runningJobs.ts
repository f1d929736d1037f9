/**
 * The jobs this process runs itself (evaluations, exports): each one's abort and its end, for cancel, for waiting on
 * it, and for marking it interrupted when the app closes.
 */
import type { Database } from 'better-sqlite3';
import type { JobInfo } from '../../shared/contract';
import { jobRow, toJobInfo } from './jobRecords';

export class RunningJobs {
  private readonly running = new Map<string, { abort: AbortController; settled: Promise<JobInfo> }>();

  constructor(private readonly db: Database) {}

  /** Runs job `jobId`; `run` ends with the job's final state and stops early once its signal aborts. */
  start(jobId: string, run: (signal: AbortSignal) => Promise<JobInfo>): void {
    const abort = new AbortController();
    const settled = run(abort.signal).finally(() => this.running.delete(jobId));
    this.running.set(jobId, { abort, settled });
  }

  /** Stops a running job; its final state once it stopped (a job that already ended: as stored). */
  cancel(jobId: string): Promise<JobInfo> {
    const running = this.running.get(jobId);
    if (!running) return Promise.resolve(toJobInfo(jobRow(this.db, jobId)));
    running.abort.abort();
    return running.settled;
  }

  /** The job's final state once it ends (for the CLI's wait and tests). */
  whenSettled(jobId: string): Promise<JobInfo> {
    return this.running.get(jobId)?.settled ?? Promise.resolve(toJobInfo(jobRow(this.db, jobId)));
  }

  /** The app is closing: every running job is aborted and marked interrupted with `message`; returns their ids. */
  interruptAll(message: string): string[] {
    const mark = this.db.prepare("UPDATE jobs SET state = 'interrupted', message = ?, updated_at = ? WHERE id = ?");
    const ids = [...this.running.keys()];
    for (const [jobId, running] of this.running) {
      running.abort.abort();
      mark.run(message, new Date().toISOString(), jobId);
    }
    return ids;
  }
}
