/**
 * The Evaluate step's service: runs evaluate jobs (one variant after the other, each loaded with node-llama-cpp
 * on the CPU), stores the scores and every case per variant, and answers the failure browser.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Contract, JobInfo, JobState } from '../../shared/contract';
import type { EvalDecoding, EvalEndpoint, EvalModelInfo, EvalParams, EvalResultDetail, EvalResultSummary, EvalVariant, RunVariant, SimilarSample } from '../../shared/contract/evaluate';
import type { TrainingRun } from '../../shared/contract/train';
import type { ServiceImpl } from '../../shared/contract/spec';
import type { Sample } from '../../shared/data/conversation';
import { evalCaseOf, toolParameters, type EvalCase } from '../../shared/eval/evalCases';
import { computeScores, type CaseResult, type Scores } from '../../shared/eval/metrics';
import { errorMessage, ToolTuneError } from '../../shared/errors';
import { DatasetVersions } from '../data/datasetVersions';
import { EndpointAnswerer } from '../eval/endpointAnswerer';
import { exportRecord } from '../export/exportRecords';
import { LocalAnswerer } from '../eval/localAnswerer';
import { EvalCancelledError, evaluateCases, type Answerer } from '../eval/evaluateCases';
import { chatCompletionsUrl } from '../net/chatCompletions';
import { mostSimilarSamples } from '../eval/similarSamples';
import { LocalModel } from '../inference/localModel';
import { isJobInterrupted, jobRow, markOrphanedJobsInterrupted, toJobInfo } from '../jobs/jobRecords';
import { RunningJobs } from '../jobs/runningJobs';
import { cpuLlamaRuntime } from '../models/llamaRuntime';
import type { EventHub } from '../transport/eventHub';
import type { ModelService } from './models';
import type { ProjectService } from './projects';
import type { TrainService } from './train';

const PROGRESS_INTERVAL_MS = 100;
const DEFAULT_PARALLEL = 2;
const DEFAULT_MAX_TOKENS = 512;
/** The window each parallel answer gets, at most: prompts of tool-calling samples are a few thousand tokens. */
const MAX_WINDOW = 8192;

interface VariantPlan {
  variant: EvalVariant;
  model: EvalModelInfo;
  /** An `export` variant's export and file. */
  exportId?: string;
  output?: string;
  /** The served model of an `endpoint` variant (its key lives here only). */
  endpoint?: EvalEndpoint;
}

interface EvalPlan {
  projectId: string;
  runId: string | null;
  versionId: string;
  setName: string;
  setHash: string;
  cases: EvalCase[];
  variants: VariantPlan[];
  decoding: EvalDecoding;
  threads: number;
  parallel: number;
  maxTokens: number;
  contextLength: number;
}

interface ResultDbRow {
  id: string;
  project_id: string;
  job_id: string;
  run_id: string | null;
  version_id: string | null;
  variant: EvalVariant;
  export_id: string | null;
  output: string;
  model_json: string;
  set_name: string;
  set_hash: string;
  decoding: EvalDecoding;
  scores_json: string;
  cases_json: string;
  seconds: number;
  created_at: string;
  run_seq: number | null;
}

const RESULT_COLUMNS = 'r.id, r.project_id, r.job_id, r.run_id, r.version_id, r.variant, r.export_id, r.output, r.model_json, r.set_name, r.set_hash, r.decoding, r.scores_json, r.seconds, r.created_at, t.seq AS run_seq';

function toSummary(row: Omit<ResultDbRow, 'cases_json'>): EvalResultSummary {
  return {
    id: row.id,
    projectId: row.project_id,
    jobId: row.job_id,
    runId: row.run_id,
    runSeq: row.run_seq,
    variant: row.variant,
    exportId: row.export_id,
    output: row.output === '' ? null : row.output,
    model: JSON.parse(row.model_json) as EvalModelInfo,
    setName: row.set_name,
    setHash: row.set_hash,
    decoding: row.decoding,
    scores: JSON.parse(row.scores_json) as Scores,
    seconds: row.seconds,
    createdAt: row.created_at,
  };
}

export class EvaluateService implements ServiceImpl<Contract['evaluate']> {
  private readonly versions: DatasetVersions;
  private readonly running: RunningJobs;

  constructor(
    private readonly db: Database,
    private readonly projects: ProjectService,
    private readonly models: ModelService,
    private readonly train: TrainService,
    private readonly events: EventHub,
  ) {
    this.versions = new DatasetVersions(db);
    this.running = new RunningJobs(db);
    markOrphanedJobsInterrupted(db, ['evaluate'], 'ToolTune stopped while this evaluation ran; run it again.');
  }

  start(params: EvalParams): { jobId: string } {
    const plan = this.plan(params);
    const jobId = randomUUID();
    const now = new Date().toISOString();
    const total = plan.cases.reduce((sum, c) => sum + c.steps.length, 0) * plan.variants.length;
    this.db
      .prepare(
        `INSERT INTO jobs (id, project_id, kind, state, done, total, params_json, owner_pid, created_at, updated_at)
         VALUES (?, ?, 'evaluate', 'running', 0, ?, ?, ?, ?, ?)`,
      )
      .run(jobId, plan.projectId, total, JSON.stringify(withoutKey(params)), process.pid, now, now);
    this.running.start(jobId, (signal) => this.run(jobId, plan, signal));
    return { jobId };
  }

  /** Stops a running evaluation; the variants already finished stay stored. */
  cancel(jobId: string): Promise<JobInfo> {
    return this.running.cancel(jobId);
  }

  /** The job's final state once it ends (for the CLI's wait and tests). */
  whenSettled(jobId: string): Promise<JobInfo> {
    return this.running.whenSettled(jobId);
  }

  results({ projectId }: { projectId: string }): EvalResultSummary[] {
    this.projects.get({ id: projectId });
    const rows = this.db
      .prepare(`SELECT ${RESULT_COLUMNS} FROM eval_results r LEFT JOIN training_runs t ON t.id = r.run_id WHERE r.project_id = ? ORDER BY r.created_at DESC, r.rowid DESC`)
      .all(projectId) as ResultDbRow[];
    return rows.map(toSummary);
  }

  result({ resultId }: { resultId: string }): EvalResultDetail {
    const row = this.resultRow(resultId);
    return { ...toSummary(row), cases: JSON.parse(row.cases_json) as CaseResult[] };
  }

  similar({ resultId, caseId }: { resultId: string; caseId: string }): SimilarSample[] {
    const row = this.resultRow(resultId);
    if (row.version_id === null) return [];
    const samples = [...this.versions.samples(row.project_id, row.version_id)];
    const target = samples.find((s) => String(s.sampleId) === caseId);
    if (!target) throw new ToolTuneError('not-found', `Case ${caseId} is not in the evaluated dataset version.`);
    return mostSimilarSamples(target.sample, samples.filter((s) => s.split === 'train'), 3);
  }

  /** The app is closing: running evaluations stop and are marked interrupted (run them again to resume). */
  dispose(): void {
    this.running.interruptAll('ToolTune closed while this evaluation ran.');
  }

  private resultRow(resultId: string): ResultDbRow {
    const row = this.db.prepare(`SELECT ${RESULT_COLUMNS}, r.cases_json FROM eval_results r LEFT JOIN training_runs t ON t.id = r.run_id WHERE r.id = ?`).get(resultId) as
      | ResultDbRow
      | undefined;
    if (!row) throw new ToolTuneError('not-found', `No evaluation result with id ${resultId}.`);
    return row;
  }

  /** What to evaluate, checked before the job starts so that a bad request fails at once with the reason. */
  private plan(params: EvalParams): EvalPlan {
    const { projectId } = params;
    this.projects.get({ id: projectId });
    let runId: string | null = null;
    let variants: VariantPlan[];
    let versionId = params.versionId;
    if (params.endpoint !== undefined) {
      if (params.runId !== undefined || params.modelId !== undefined) throw new ToolTuneError('invalid-input', 'Evaluate a served model on its own, without a run or a model.');
      const { baseUrl, model } = params.endpoint;
      let url: URL;
      try {
        url = chatCompletionsUrl(baseUrl);
      } catch (error) {
        throw new ToolTuneError('invalid-input', errorMessage(error));
      }
      variants = [{ variant: 'endpoint', endpoint: params.endpoint, model: { modelId: null, label: `${model} at ${url.origin}`, modelPath: url.href, modelSha256: null, adapterPath: null, adapterSha256: null, checkpointStep: null } }];
      versionId ??= this.versions.list(projectId)[0]?.id;
    } else if (params.modelId !== undefined) {
      if (params.runId !== undefined) throw new ToolTuneError('invalid-input', 'Evaluate either a run or a model, not both.');
      if (params.variants?.includes('tuned')) throw new ToolTuneError('invalid-input', 'A model alone has no tuned variant: evaluate a run for that.');
      const model = this.models.get(params.modelId);
      variants = [{ variant: 'base', model: { modelId: model.id, label: model.displayName, modelPath: model.path, modelSha256: model.sha256, adapterPath: null, adapterSha256: null, checkpointStep: null } }];
      versionId ??= this.versions.list(projectId)[0]?.id;
    } else if (params.exportId !== undefined) {
      if (params.runId !== undefined || params.modelId !== undefined) throw new ToolTuneError('invalid-input', 'Evaluate an export on its own, without a run or a model.');
      const exported = exportRecord(this.db, params.exportId);
      if (exported.projectId !== projectId) throw new ToolTuneError('not-found', `No export ${params.exportId} in this project.`);
      if (exported.runId === null) throw new ToolTuneError('conflict', 'The run of this export was deleted.');
      const run = this.train.finishedRun(projectId, exported.runId, 'evaluate');
      runId = run.id;
      versionId ??= run.versionId ?? undefined;
      variants = this.runVariants(run, ['base', 'tuned'], exported.checkpointStep ?? undefined);
      const baseInfo = variants[0]!.model;
      for (const file of exported.files) {
        if (file.role !== 'model' || file.name.startsWith('lmstudio/') || file.quant === null) continue;
        const modelPath = join(exported.dir, file.name);
        variants.push({
          variant: 'export',
          exportId: exported.id,
          output: file.quant,
          model: { ...baseInfo, label: `${exported.name} ${file.quant}`, modelPath, modelSha256: file.sha256, checkpointStep: exported.checkpointStep },
        });
      }
    } else {
      const run = this.train.finishedRun(projectId, params.runId, 'evaluate');
      runId = run.id;
      versionId ??= run.versionId ?? undefined;
      variants = this.runVariants(run, params.variants ?? ['base', 'tuned'], params.checkpointStep);
    }
    if (versionId === undefined) throw new ToolTuneError('conflict', 'Freeze a dataset version first: its eval split is what gets evaluated.');
    const version = this.versions.get(projectId, versionId);
    const cases = this.casesOf(projectId, versionId);
    if (cases.length === 0) throw new ToolTuneError('conflict', `Version ${version.name} has no eval samples: split the data with an eval share before freezing.`);
    const localModel = variants[0]!.model.modelId;
    const contextLength = localModel === null ? MAX_WINDOW : Math.min(this.models.get(localModel).info.contextLength ?? MAX_WINDOW, MAX_WINDOW);
    const maxTokens = params.maxTokens ?? DEFAULT_MAX_TOKENS;
    return {
      projectId,
      runId,
      versionId,
      setName: `${version.name} (eval split)`,
      setHash: version.contentHash,
      cases,
      variants,
      decoding: 'free',
      threads: params.threads ?? Math.max(1, availableParallelism() - 1),
      parallel: params.parallel ?? DEFAULT_PARALLEL,
      maxTokens,
      contextLength,
    };
  }

  /** A run's base alone, and the base with the run's adapter (or a kept checkpoint's). */
  private runVariants(run: TrainingRun, wanted: readonly RunVariant[], checkpointStep: number | undefined): VariantPlan[] {
    const base = this.train.baseOf(run);
    const baseInfo: EvalModelInfo = { modelId: base.id, label: base.displayName, modelPath: base.path, modelSha256: base.sha256, adapterPath: null, adapterSha256: null, checkpointStep: null };
    return wanted.map((variant): VariantPlan => {
      if (variant === 'base') return { variant, model: baseInfo };
      const artifact = this.train.adapterOf(run, checkpointStep);
      const step = artifact.kind === 'checkpoint' ? artifact.step : null;
      return { variant, model: { ...baseInfo, label: `${base.displayName} + run ${run.seq}${step !== null ? ` (step ${step})` : ''}`, adapterPath: artifact.path, adapterSha256: artifact.sha256, checkpointStep: step } };
    });
  }

  private casesOf(projectId: string, versionId: string): EvalCase[] {
    const cases: EvalCase[] = [];
    for (const { sampleId, sample, split } of this.versions.samples(projectId, versionId)) {
      if (split !== 'eval') continue;
      const evalCase = evalCaseOf(String(sampleId), sample as Sample);
      if (evalCase) cases.push(evalCase);
    }
    return cases;
  }

  private async run(jobId: string, plan: EvalPlan, signal: AbortSignal): Promise<JobInfo> {
    const steps = plan.cases.reduce((sum, c) => sum + c.steps.length, 0);
    let lastProgress = 0;
    const progress = (done: number, message: string, force = false) => {
      const now = Date.now();
      if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      this.db.prepare('UPDATE jobs SET done = ?, message = ?, updated_at = ? WHERE id = ?').run(done, message, new Date().toISOString(), jobId);
      this.emitProgress(jobId, plan.projectId, done, steps * plan.variants.length, 'running', message);
    };
    let state: Exclude<JobState, 'running'> = 'done';
    let message: string | null = null;
    try {
      for (const [index, variantPlan] of plan.variants.entries()) {
        const { variant, model } = variantPlan;
        const offset = index * steps;
        const label = `Evaluating ${variant} (${model.label})`;
        progress(offset, `${label}: loading`, true);
        const started = performance.now();
        const { answerer, dispose } = await this.openAnswerer(plan, plan.variants[index]!);
        let cases: CaseResult[];
        try {
          cases = await evaluateCases(answerer, plan.cases, { signal, onStep: (done) => progress(offset + done, `${label}: ${done} of ${steps} answers`) });
        } finally {
          await dispose();
        }
        const toolsOf = new Map(plan.cases.map((c) => [c.id, toolParameters(c.tools)]));
        this.store(jobId, plan, variantPlan, computeScores(cases, (result) => toolsOf.get(result.id) ?? (() => undefined)), cases, (performance.now() - started) / 1000);
        progress(offset + steps, `${label}: done`, true);
      }
    } catch (error) {
      if (error instanceof EvalCancelledError || signal.aborted) {
        state = 'cancelled';
        message = 'Cancelled; the variants that finished are kept.';
      } else {
        state = 'failed';
        message = errorMessage(error);
      }
    }
    if (!isJobInterrupted(this.db, jobId)) {
      this.db.prepare('UPDATE jobs SET state = ?, message = ?, updated_at = ? WHERE id = ?').run(state, message, new Date().toISOString(), jobId);
    }
    const info = toJobInfo(jobRow(this.db, jobId));
    this.emitProgress(jobId, plan.projectId, info.done, info.total, info.state, info.message ?? undefined);
    this.events.emit('evaluate', 'didChange', { projectId: plan.projectId });
    return info;
  }

  /** A served model through its API, or a local file (with its adapter) loaded with node-llama-cpp on the CPU. */
  private async openAnswerer(plan: EvalPlan, { model, endpoint }: VariantPlan): Promise<{ answerer: Answerer; dispose(): Promise<void> }> {
    if (endpoint) {
      const answerer = new EndpointAnswerer({ ...endpoint, parallelism: plan.parallel, maxTokens: plan.maxTokens });
      return { answerer, dispose: () => Promise.resolve() };
    }
    const local = await LocalModel.load(await cpuLlamaRuntime(), {
      modelPath: model.modelPath,
      ...(model.adapterPath !== null ? { adapterPath: model.adapterPath } : {}),
      threads: plan.threads,
      sequences: plan.parallel,
      contextSize: plan.contextLength,
    });
    return { answerer: new LocalAnswerer(local, plan.parallel, plan.maxTokens), dispose: () => local.dispose() };
  }

  private store(jobId: string, plan: EvalPlan, { variant, model, exportId, output }: VariantPlan, scores: Scores, cases: CaseResult[], seconds: number): void {
    this.db
      .prepare(
        `INSERT INTO eval_results (id, project_id, job_id, run_id, version_id, variant, export_id, output, model_json, set_name, set_hash, decoding, scores_json, cases_json, seconds, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(randomUUID(), plan.projectId, jobId, plan.runId, plan.versionId, variant, exportId ?? null, output ?? '', JSON.stringify(model), plan.setName, plan.setHash, plan.decoding, JSON.stringify(scores), JSON.stringify(cases), seconds, new Date().toISOString());
    this.events.emit('evaluate', 'didChange', { projectId: plan.projectId });
  }

  private emitProgress(jobId: string, projectId: string, done: number, total: number, state: JobState, message?: string): void {
    this.events.emit('jobs', 'progress', { jobId, projectId, kind: 'evaluate', done, total, state, ...(message !== undefined ? { message } : {}) });
  }
}

/** A request as the job row keeps it: an endpoint's API key is never written to the database. */
function withoutKey(params: EvalParams): EvalParams {
  if (params.endpoint?.apiKey === undefined) return params;
  const { apiKey: _omitted, ...endpoint } = params.endpoint;
  return { ...params, endpoint };
}
