import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type {
  Contract,
  DataExport,
  DataExportFormat,
  DataStats,
  DatasetVersion,
  DuplicateGroup,
  GenerateParams,
  ImportSummary,
  JobInfo,
  SampleCheck,
  SampleFilter,
  SampleRow,
  SampleSort,
  SampleStatus,
  StoredSample,
  TeacherSettings,
} from '../../shared/contract';
import { DATA_TEXT_CHUNK_MAX } from '../../shared/contract';
import type { ServiceImpl } from '../../shared/contract/spec';
import { parseSample, type Sample } from '../../shared/data/conversation';
import type { DatasetFormat } from '../../shared/data/formats';
import { DEMO_PHRASINGS_EN, DEMO_PHRASINGS_ZH } from '../../shared/data/synthesis';
import type { SynthesisOptions } from '../../shared/data/synthesis';
import { MAX_EXAMPLES } from '../../shared/data/teacher/prompt';
import { ToolTuneError } from '../../shared/errors';
import type { ToolDefinition } from '../../shared/tools/types';
import { DataJobs, type JobLaunch } from '../data/dataJobs';
import { exportDataset } from '../data/datasetExport';
import { DatasetVersions, TRAINABLE } from '../data/datasetVersions';
import type { ImportFindings } from '../data/dataWorkerProtocol';
import { duplicatesOffThread, startDataWorker, statsOffThread, verifyOffThread } from '../data/dataWorkerRun';
import type { BatchJobRequest } from '../data/dataWorkerProtocol';
import { joinedSamples, SampleStore, type DeletedSample, type StoredSampleJson } from '../data/sampleStore';
import { stratifiedSplit } from '../data/stratifiedSplit';
import { startTeacherGeneration } from '../data/teacher/teacherGeneration';
import { UndoLog } from '../data/undoLog';
import { UploadStaging } from '../data/uploadStaging';
import { safeFileName } from '../safeFileName';
import type { EventHub } from '../transport/eventHub';
import type { ProjectService } from './projects';
import type { ToolService } from './tools';

/** Samples per worker batch, and so per write transaction. */
export const BATCH_SIZE = 1000;
/** Estimated similarity from which two samples count as near duplicates. */
const NEAR_DUPLICATE_THRESHOLD = 0.8;

type UndoableChange = { kind: 'status'; previous: [number, SampleStatus][] } | { kind: 'delete'; deleted: DeletedSample[] };

/** A data-worker job as a job launch's producer. */
function inWorker(request: BatchJobRequest): JobLaunch['start'] {
  return (handlers) => startDataWorker(request, handlers);
}

/** The generate params as stored in the job row: a teacher's API key never reaches the database. */
function storable(params: GenerateParams): GenerateParams {
  const generator = params.generator;
  if (generator?.kind !== 'teacher' || generator.teacher.kind !== 'endpoint' || generator.teacher.apiKey === undefined) return params;
  const { apiKey: _omitted, ...teacher } = generator.teacher;
  return { ...params, generator: { ...generator, teacher } };
}

function synthesisOptions(params: GenerateParams): SynthesisOptions {
  return {
    seed: params.seed,
    mix: params.mix,
    languages: params.locale === 'zh-CN' ? { zh: 1 } : { en: 1 },
    augment: params.augmentations,
  };
}

export class DataService implements ServiceImpl<Contract['data']> {
  private readonly store: SampleStore;
  private readonly versionStore: DatasetVersions;
  private readonly jobStore: DataJobs;
  private readonly uploads: UploadStaging;
  private readonly undoLog = new UndoLog<UndoableChange>();
  /** Teacher API keys by job, for resume within this run of the app; deliberately never persisted. */
  private readonly teacherKeys = new Map<string, string>();

  constructor(
    private readonly db: Database,
    dataDir: string,
    private readonly projects: ProjectService,
    private readonly tools: ToolService,
    private readonly events: EventHub,
  ) {
    this.uploads = new UploadStaging(join(dataDir, 'uploads'));
    this.store = new SampleStore(db);
    this.versionStore = new DatasetVersions(db);
    this.jobStore = new DataJobs(db, this.store, events);
  }

  generate(params: GenerateParams): { jobId: string } {
    const jobId = this.jobStore.start(this.generateLaunch(params, 0, params.count));
    const teacher = params.generator?.kind === 'teacher' ? params.generator.teacher : null;
    if (teacher?.kind === 'endpoint' && teacher.apiKey) this.teacherKeys.set(jobId, teacher.apiKey);
    return { jobId };
  }

  uploadChunk({ uploadId, text }: { uploadId?: string; text: string }): { uploadId: string; bytes: number } {
    checkChunk(text);
    return this.uploads.append(uploadId, text);
  }

  import(params: { projectId: string; text?: string; uploadId?: string; fileName?: string; format?: DatasetFormat }): { jobId: string } {
    this.projects.get({ id: params.projectId });
    if (params.text !== undefined) checkChunk(params.text);
    if ((params.text === undefined) === (params.uploadId === undefined)) {
      throw new ToolTuneError('invalid-input', 'Send either `text` or the `uploadId` of a staged upload.');
    }
    const file = params.uploadId === undefined ? null : this.uploads.take(params.uploadId);
    const projectTools = new Set(this.projectTools(params.projectId).map((tool) => tool.name));
    const summarize = (findings: ImportFindings, written: { imported: number; failingChecks: number; writeMs: number }): ImportSummary => ({
      format: findings.format,
      imported: written.imported,
      failingChecks: written.failingChecks,
      problems: findings.problems,
      missingTools: findings.tools.filter((tool) => !projectTools.has(tool.name)),
      timings: { ...findings.timings, writeMs: written.writeMs },
    });
    const jobId = this.jobStore.start({
      projectId: params.projectId,
      params: { kind: 'import', fileName: params.fileName ?? null },
      start: inWorker({ kind: 'import', input: file === null ? { text: params.text as string } : { file }, format: params.format ?? null, batchSize: BATCH_SIZE }),
      source: 'imported',
      summarize,
      cleanup: () => file !== null && this.uploads.discard(file),
    });
    return { jobId };
  }

  /** Stops a generate or import job between batches (the jobs service's `cancel` for those kinds). */
  cancelJob(jobId: string): Promise<JobInfo> {
    return this.jobStore.cancel(jobId);
  }

  resumeJob({ jobId, teacherApiKey }: { jobId: string; teacherApiKey?: string }): JobInfo {
    const params = this.jobStore.params(jobId);
    if (params.kind !== 'generate') throw new ToolTuneError('conflict', 'An import cannot be resumed; import the file again.');
    if (teacherApiKey) this.teacherKeys.set(jobId, teacherApiKey);
    const { done } = this.jobStore.get(jobId);
    return this.jobStore.resume(jobId, this.generateLaunch(params.generate, done, params.generate.count - done, this.teacherKeys.get(jobId)));
  }

  /** The job's final state once it ends; for tests and callers inside main. */
  whenJobSettled(jobId: string): Promise<JobInfo> {
    return this.jobStore.whenSettled(jobId);
  }

  list(params: { projectId: string; offset: number; limit: number; filter?: SampleFilter; sort?: SampleSort }): { total: number; rows: SampleRow[] } {
    this.projects.get({ id: params.projectId });
    return this.store.list(params.projectId, params.filter ?? {}, params.sort ?? 'seq', params.offset, params.limit);
  }

  get({ projectId, sampleId }: { projectId: string; sampleId: number }): StoredSample {
    return this.store.get(projectId, sampleId);
  }

  async verify({ projectId, sample }: { projectId: string; sample: unknown }): Promise<{ checks: SampleCheck[] }> {
    this.projects.get({ id: projectId });
    return { checks: (await verifyOffThread(sample)).checks };
  }

  async update({ projectId, sampleId, sample }: { projectId: string; sampleId: number; sample: unknown }): Promise<StoredSample> {
    this.store.get(projectId, sampleId);
    const { checks, prepared } = await verifyOffThread(sample);
    if (!prepared) throw new ToolTuneError('invalid-input', `The sample was not saved: ${checks[0]?.message ?? 'it is not a valid sample'}.`, { checks });
    this.store.replace(projectId, sampleId, prepared);
    this.changed(projectId);
    return this.store.get(projectId, sampleId);
  }

  setStatus({ projectId, sampleIds, status }: { projectId: string; sampleIds: number[]; status: SampleStatus }): { changed: number; undoToken: string | null } {
    this.projects.get({ id: projectId });
    const previous = this.store.setStatus(projectId, sampleIds, status);
    if (previous.length === 0) return { changed: 0, undoToken: null };
    this.changed(projectId);
    return { changed: previous.length, undoToken: this.undoLog.record(projectId, { kind: 'status', previous }, previous.length * 16) };
  }

  deleteSamples({ projectId, sampleIds }: { projectId: string; sampleIds: number[] }): { deleted: number; undoToken: string | null } {
    this.projects.get({ id: projectId });
    const deleted = this.store.delete(projectId, sampleIds);
    if (deleted.length === 0) return { deleted: 0, undoToken: null };
    this.changed(projectId);
    const weight = deleted.reduce((sum, { row }) => sum + row.sample_json.length + row.checks_json.length + row.search_text.length, 0);
    return { deleted: deleted.length, undoToken: this.undoLog.record(projectId, { kind: 'delete', deleted }, weight) };
  }

  undo({ projectId, undoToken }: { projectId: string; undoToken: string }): { restored: number } {
    const change = this.undoLog.take(projectId, undoToken);
    if (!change) throw new ToolTuneError('not-found', 'Nothing to undo: the change is too old or was already undone.');
    const restored = change.kind === 'status' ? this.store.restoreStatuses(projectId, change.previous) : this.store.restore(projectId, change.deleted);
    this.changed(projectId);
    return { restored };
  }

  duplicates({ projectId, threshold }: { projectId: string; threshold?: number }): Promise<{ groups: DuplicateGroup[] }> {
    this.projects.get({ id: projectId });
    return duplicatesOffThread({ databaseFile: this.db.name, projectId, threshold: threshold ?? NEAR_DUPLICATE_THRESHOLD }).then((groups) => ({ groups }));
  }

  /** Off main: the balance pass reads every sample, seconds at 100,000. */
  stats({ projectId, versionId }: { projectId: string; versionId?: string }): Promise<DataStats> {
    const projectTools = this.projectTools(projectId).map((tool) => tool.name);
    if (versionId !== undefined) this.versionStore.get(projectId, versionId);
    return statsOffThread({ databaseFile: this.db.name, projectId, versionId: versionId ?? null, projectTools });
  }

  split({ projectId, evalFraction, seed }: { projectId: string; evalFraction: number; seed: number }): { train: number; eval: number; locked: number } {
    this.projects.get({ id: projectId });
    const locked = this.versionStore.lockedSplits(projectId);
    const rows = this.db
      .prepare("SELECT id, kind, tools_called FROM samples WHERE project_id = ? AND status <> 'rejected'")
      .all(projectId) as { id: number; kind: string | null; tools_called: string }[];
    const items = rows.map((row) => {
      const stratum = `${row.kind ?? 'unknown'}/${(JSON.parse(row.tools_called) as string[])[0] ?? ''}`;
      const frozen = locked.get(row.id);
      return frozen === undefined ? { id: row.id, stratum } : { id: row.id, stratum, locked: frozen };
    });
    const assigned = stratifiedSplit(items, evalFraction, seed);
    const update = this.db.prepare('UPDATE samples SET split = ? WHERE id = ? AND (split IS NULL OR split <> ?)');
    this.db.transaction(() => assigned.forEach((split, id) => update.run(split, id, split)))();
    const evalCount = items.filter((item) => (item.locked ?? assigned.get(item.id)) === 'eval').length;
    this.changed(projectId);
    return { train: items.length - evalCount, eval: evalCount, locked: items.length - assigned.size };
  }

  freeze({ projectId, name }: { projectId: string; name: string }): DatasetVersion {
    this.projects.get({ id: projectId });
    const version = this.versionStore.freeze(projectId, name);
    this.changed(projectId);
    return version;
  }

  versions({ projectId }: { projectId: string }): DatasetVersion[] {
    this.projects.get({ id: projectId });
    return this.versionStore.list(projectId);
  }

  export({ projectId, format, versionId }: { projectId: string; format: DataExportFormat; versionId?: string }): DataExport {
    const project = this.projects.get({ id: projectId });
    if (versionId === undefined) return exportDataset(this.trainableSamples(projectId), format, safeFileName(project.name, 'dataset'));
    const version = this.versionStore.get(projectId, versionId);
    const samples = [...this.versionStore.samples(projectId, versionId)].map(({ sample }) => sample);
    return exportDataset(samples, format, safeFileName(`${project.name}-${version.name}`, 'dataset'));
  }

  dispose(): void {
    this.jobStore.dispose();
  }

  /** `apiKey`: a teacher endpoint's key when the stored params (which never hold it) are resumed. */
  private generateLaunch(params: GenerateParams, start: number, count: number, apiKey?: string): JobLaunch {
    const tools = this.projectTools(params.projectId);
    if (tools.length === 0) throw new ToolTuneError('invalid-input', 'The project has no tools yet: add tools before generating data.');
    const launch = { projectId: params.projectId, params: { kind: 'generate', generate: storable(params) }, source: 'generated' } as const;
    const generator = params.generator ?? { kind: 'schema' };
    if (generator.kind === 'teacher') {
      const teacher: TeacherSettings = generator.teacher.kind === 'endpoint' && apiKey !== undefined ? { ...generator.teacher, apiKey } : generator.teacher;
      const plan = { seed: params.seed, mix: params.mix, language: params.locale === 'zh-CN' ? 'zh' : 'en' } as const;
      const request = { tools, examples: this.exampleSamples(params.projectId), plan, teacher, judge: generator.semanticCheck === true, start, count };
      return { ...launch, start: (handlers) => startTeacherGeneration(request, handlers) };
    }
    // Phrasing sets match tools by name: the Demo project's tools get its hand-written templates,
    // every other tool the starter templates made from its name and description.
    const request: BatchJobRequest = { kind: 'generate', tools, phrasings: [DEMO_PHRASINGS_EN, DEMO_PHRASINGS_ZH], options: synthesisOptions(params), start, count, batchSize: BATCH_SIZE };
    return { ...launch, start: inWorker(request) };
  }

  /** The project's first approved samples that call a tool: the teacher's style examples. */
  private exampleSamples(projectId: string): Sample[] {
    const rows = this.db
      .prepare(`SELECT sample_json, tool_set_id FROM samples WHERE project_id = ? AND status = 'approved' AND tools_called <> '[]' ORDER BY seq LIMIT ${MAX_EXAMPLES}`)
      .all(projectId) as StoredSampleJson[];
    return [...joinedSamples(this.db, projectId, rows)].flatMap(({ sample }) => {
      const parsed = parseSample(sample);
      return 'sample' in parsed ? [parsed.sample] : [];
    });
  }

  private projectTools(projectId: string): ToolDefinition[] {
    return this.tools.list({ projectId }).map(({ name, description, parameters }) => ({ name, description, parameters }));
  }

  private trainableSamples(projectId: string): Sample[] {
    const rows = this.db.prepare(`SELECT sample_json, tool_set_id FROM samples WHERE project_id = ? AND ${TRAINABLE} ORDER BY seq`).iterate(projectId) as Iterable<StoredSampleJson>;
    return [...joinedSamples(this.db, projectId, rows)].map(({ sample }) => sample);
  }

  private changed(projectId: string): void {
    this.events.emit('data', 'didChange', { projectId });
  }
}

/** The contract leaves a part's length to this check (see `chunk` in the data contract). */
function checkChunk(text: string): void {
  if (text.length > DATA_TEXT_CHUNK_MAX) throw new ToolTuneError('too-large', `A part of ${text.length} characters is over the limit of ${DATA_TEXT_CHUNK_MAX}: send large files in parts.`);
}
