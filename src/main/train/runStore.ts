/** SQL of training runs: a `training_runs` row with its `jobs` row (kind `train`) holding state and step count. */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { JobState } from '../../shared/contract/jobs';
import type { RunArtifact, RunDataSummary, RunLive, RunRepro, TrainSettings, TrainingRun } from '../../shared/contract/train';
import { ToolTuneError } from '../../shared/errors';

interface RunDbRow {
  id: string;
  project_id: string;
  job_id: string;
  seq: number;
  model_id: string | null;
  version_id: string | null;
  settings_json: string;
  repro_json: string;
  artifacts_json: string;
  dir: string;
  trainer_pid: number | null;
  error_code: string | null;
  created_at: string;
  state: JobState;
  owner_pid: number;
  done: number;
  total: number;
  result_json: string | null;
  message: string | null;
  updated_at: string;
}

/** What the job row's `result_json` holds for a run: its data summary and the latest live numbers. */
interface RunResult {
  data: RunDataSummary | null;
  live: Omit<RunLive, 'step' | 'totalSteps'>;
}

const NO_LIVE: RunResult['live'] = { loss: null, valLoss: null, tokensPerSecond: null, etaSeconds: null, memoryBytes: null };

const SELECT = `SELECT r.*, j.state, j.owner_pid, j.done, j.total, j.result_json, j.message, j.updated_at FROM training_runs r JOIN jobs j ON j.id = r.job_id`;

export interface StoredRun extends TrainingRun {
  dir: string;
  jobId: string;
  trainerPid: number | null;
  /** The process that owns the job: the one preparing the data, then the trainer. */
  ownerPid: number;
}

function toRun(row: RunDbRow): StoredRun {
  const result: RunResult = row.result_json ? (JSON.parse(row.result_json) as RunResult) : { data: null, live: NO_LIVE };
  const repro = JSON.parse(row.repro_json) as Partial<RunRepro>;
  return {
    id: row.id,
    projectId: row.project_id,
    seq: row.seq,
    state: row.state,
    phase: row.state !== 'running' ? null : row.trainer_pid === null ? 'preparing' : 'training',
    modelId: row.model_id,
    versionId: row.version_id,
    settings: JSON.parse(row.settings_json) as TrainSettings,
    data: result.data,
    repro: repro.baseSha256 !== undefined ? (repro as RunRepro) : null,
    artifacts: JSON.parse(row.artifacts_json) as RunArtifact[],
    message: row.message,
    errorCode: row.error_code,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    step: row.done,
    totalSteps: row.total,
    ...result.live,
    dir: row.dir,
    jobId: row.job_id,
    trainerPid: row.trainer_pid,
    ownerPid: row.owner_pid,
  };
}

export class RunStore {
  constructor(private readonly db: Database) {}

  get(runId: string): StoredRun {
    const row = this.db.prepare(`${SELECT} WHERE r.id = ?`).get(runId) as RunDbRow | undefined;
    if (!row) throw new ToolTuneError('not-found', `No training run with id ${runId}.`);
    return toRun(row);
  }

  list(projectId: string): StoredRun[] {
    return (this.db.prepare(`${SELECT} WHERE r.project_id = ? ORDER BY r.seq DESC`).all(projectId) as RunDbRow[]).map(toRun);
  }

  runIdOfJob(jobId: string): string {
    const id = this.db.prepare('SELECT id FROM training_runs WHERE job_id = ?').pluck().get(jobId) as string | undefined;
    if (!id) throw new ToolTuneError('not-found', `No training run for job ${jobId}.`);
    return id;
  }

  /** Runs whose job says `running`: to re-attach or mark interrupted at start. */
  running(): StoredRun[] {
    return (this.db.prepare(`${SELECT} WHERE j.state = 'running'`).all() as RunDbRow[]).map(toRun);
  }

  create(run: { projectId: string; modelId: string; versionId: string | null; settings: TrainSettings; dir: (seq: number, id: string) => string }): StoredRun {
    const id = randomUUID();
    const jobId = randomUUID();
    const now = new Date().toISOString();
    this.db.transaction(() => {
      const seq = ((this.db.prepare('SELECT MAX(seq) FROM training_runs WHERE project_id = ?').pluck().get(run.projectId) as number | null) ?? 0) + 1;
      this.db
        .prepare(
          `INSERT INTO jobs (id, project_id, kind, state, done, total, params_json, owner_pid, created_at, updated_at)
           VALUES (?, ?, 'train', 'running', 0, 0, ?, ?, ?, ?)`,
        )
        .run(jobId, run.projectId, JSON.stringify({ kind: 'train', runId: id }), process.pid, now, now);
      this.db
        .prepare(
          `INSERT INTO training_runs (id, project_id, job_id, seq, model_id, version_id, settings_json, repro_json, dir, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?, ?)`,
        )
        .run(id, run.projectId, jobId, seq, run.modelId, run.versionId, JSON.stringify(run.settings), run.dir(seq, id), now);
    })();
    return this.get(id);
  }

  /** The trainer started (or restarted on resume): its pid owns the job now. */
  attachTrainer(runId: string, pid: number, repro: RunRepro): void {
    const run = this.get(runId);
    this.db.transaction(() => {
      this.db.prepare('UPDATE training_runs SET trainer_pid = ?, repro_json = ?, error_code = NULL WHERE id = ?').run(pid, JSON.stringify(repro), runId);
      this.db.prepare("UPDATE jobs SET state = 'running', owner_pid = ?, message = NULL, updated_at = ? WHERE id = ?").run(pid, new Date().toISOString(), run.jobId);
    })();
  }

  /** Back to `running` for a resume (the trainer is spawned next). */
  restart(runId: string): void {
    const run = this.get(runId);
    this.db.prepare("UPDATE jobs SET state = 'running', owner_pid = ?, message = NULL, updated_at = ? WHERE id = ?").run(process.pid, new Date().toISOString(), run.jobId);
    this.db.prepare('UPDATE training_runs SET trainer_pid = NULL, error_code = NULL WHERE id = ?').run(runId);
  }

  setData(runId: string, data: RunDataSummary): void {
    const run = this.get(runId);
    this.writeResult(run, { data, live: NO_LIVE });
  }

  progress(runId: string, step: number, totalSteps: number, live: RunResult['live']): void {
    const run = this.get(runId);
    this.db.prepare('UPDATE jobs SET done = ?, total = ? WHERE id = ?').run(step, totalSteps, run.jobId);
    this.writeResult(run, { data: run.data, live });
  }

  finish(runId: string, outcome: { state: Exclude<JobState, 'running'>; message: string | null; errorCode?: string | null; artifacts?: RunArtifact[] }): void {
    const run = this.get(runId);
    this.db.transaction(() => {
      this.db.prepare('UPDATE jobs SET state = ?, message = ?, updated_at = ? WHERE id = ?').run(outcome.state, outcome.message, new Date().toISOString(), run.jobId);
      this.db
        .prepare('UPDATE training_runs SET error_code = ?, artifacts_json = ? WHERE id = ?')
        .run(outcome.errorCode ?? null, JSON.stringify(outcome.artifacts ?? run.artifacts), runId);
    })();
  }

  private writeResult(run: StoredRun, result: RunResult): void {
    this.db.prepare('UPDATE jobs SET result_json = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(result), new Date().toISOString(), run.jobId);
  }
}
