import type { Database } from 'better-sqlite3';
import type { Contract, JobInfo, JobKind } from '../../shared/contract';
import type { ServiceImpl } from '../../shared/contract/spec';
import { ToolTuneError } from '../../shared/errors';
import { jobRow, toJobInfo, type JobDbRow } from '../jobs/jobRecords';
import type { ProjectService } from './projects';

/** How a step's service stops one of its jobs. */
export interface JobCanceller {
  cancel(jobId: string): Promise<JobInfo> | JobInfo;
}

/** The jobs of every kind, read from one table; cancelling goes to the service that runs the job's kind. */
export class JobService implements ServiceImpl<Contract['jobs']> {
  private readonly cancellers = new Map<JobKind, JobCanceller>();

  constructor(
    private readonly db: Database,
    private readonly projects: ProjectService,
  ) {}

  /** Called once per kind by the service that runs it. */
  register(kinds: readonly JobKind[], canceller: JobCanceller): void {
    for (const kind of kinds) this.cancellers.set(kind, canceller);
  }

  list({ projectId }: { projectId: string }): JobInfo[] {
    this.projects.get({ id: projectId });
    const rows = this.db.prepare('SELECT * FROM jobs WHERE project_id = ? ORDER BY created_at DESC, rowid DESC').all(projectId) as JobDbRow[];
    return rows.map(toJobInfo);
  }

  get({ jobId }: { jobId: string }): JobInfo {
    return toJobInfo(jobRow(this.db, jobId));
  }

  async cancel({ jobId }: { jobId: string }): Promise<JobInfo> {
    const { kind } = this.get({ jobId });
    const canceller = this.cancellers.get(kind);
    if (!canceller) throw new ToolTuneError('unavailable', `Jobs of kind ${kind} cannot be stopped.`);
    return canceller.cancel(jobId);
  }
}
