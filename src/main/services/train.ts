import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, freemem, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import type { Contract, JobInfo } from '../../shared/contract';
import { jobRow, toJobInfo } from '../jobs/jobRecords';
import type { BaseModel } from '../../shared/contract/models';
import type { HardwareInfo, TrainEstimate, RunArtifact, RunDataSummary, RunDetail, RunRepro, TrainSettings, TrainingDevice, TrainingRun } from '../../shared/contract/train';
import type { ServiceImpl } from '../../shared/contract/spec';
import { ToolTuneError, errorMessage } from '../../shared/errors';
import { DatasetVersions } from '../data/datasetVersions';
import { checkGgufAdapter, convertPeftAdapter, type ImportedAdapter } from '../export/adapterImport';
import { hashFile } from '../models/modelInspection';
import { cpuLlamaRuntime } from '../models/llamaRuntime';
import { projectDir } from '../paths';
import { writeTtdsFile, vocabOfModel } from '../train/datasetFile';
import { EVENTS_FILE, EventFileTail, LOG_FILE, signalStop, spawnDetachedTrainer, tailLines } from '../train/detachedTrainer';
import { isProcessAlive } from '../processes';
import { renderDataset, type ExcludedSample, type RenderedDataset, type RenderedPreview } from '../train/renderDataset';
import { RunStore, type StoredRun } from '../train/runStore';
import { checkSettings, defaultTrainSettings, trainerThreads } from '../train/trainDefaults';
import { measureWarmup, WARMUP_STEPS } from '../train/warmup';
import { explainTrainerFailure, nativeToolPath, type TrainerEvent, type TrainerOptions } from '../train/trainerProcess';
import { deviceOf, probeTrainingDevice, trainerBackendDirs } from '../train/trainerBackends';
import type { EventHub } from '../transport/eventHub';
import { DEMO_PROJECT_NAME } from './demoProject';
import type { ModelService } from './models';
import type { ProjectService } from './projects';

/** How often a running run's events file is read. */
const POLL_MS = 500;
const TRAIN_FILE = 'train.ttds';
const EVAL_FILE = 'eval.ttds';
const OPTIONS_FILE = 'trainer-options.json';
const EXCLUDED_FILE = 'excluded.json';
const PREVIEW_FILE = 'preview.json';
const CHECKPOINTS_DIR = 'checkpoints';
const ADAPTER_FILE = 'adapter.gguf';
/** The estimate's reserve over the warm-up's peak (docs/trainer.md, Estimate). */
const PEAK_MARGIN = 1.2;
const PREPARATION_INTERRUPTED = 'ToolTune stopped while the data was being prepared; start the run again.';

export interface TrainServiceOptions {
  dataDir: string;
  appVersion: string;
  /** Folder holding tooltune-train, or null when it is not built. */
  binDir: string | null;
}

type StartParams = { projectId: string; versionId?: string; modelId?: string; settings?: Partial<TrainSettings>; fromRunId?: string };

/** What the system can still give (MemAvailable on Linux). */
function availableMemory(): number {
  return freemem();
}

/** The cheapest changes that lower a run's memory, in the order they usually matter. */
function memorySuggestion(settings: TrainSettings): string {
  const steps = [`lower the window from ${settings.contextLength} to ${Math.max(64, settings.contextLength / 2)} tokens`];
  if (settings.rank > 8) steps.push(`lower the rank from ${settings.rank} to ${settings.rank / 2}`);
  if (settings.targets.some((t) => t.startsWith('ffn_'))) steps.push('leave out the ffn_* targets');
  steps.push('or choose a smaller or quantized base');
  return `It will not fit in the memory available: ${steps.join(', ')}.`;
}

let gpuInfo: Promise<Pick<HardwareInfo, 'gpuBackend' | 'gpus' | 'vramTotalBytes' | 'vramFreeBytes'>> | null = null;

/** GPU facts from node-llama-cpp's own detection (its prebuilt backends), once per process. */
function gpuFacts(): Promise<Pick<HardwareInfo, 'gpuBackend' | 'gpus' | 'vramTotalBytes' | 'vramFreeBytes'>> {
  gpuInfo ??= (async () => {
    try {
      const llama = await getLlama({ gpu: 'auto', build: 'never', logLevel: LlamaLogLevel.error });
      if (llama.gpu === false) return { gpuBackend: null, gpus: [], vramTotalBytes: 0, vramFreeBytes: 0 };
      const vram = await llama.getVramState();
      return { gpuBackend: llama.gpu, gpus: await llama.getGpuDeviceNames(), vramTotalBytes: vram.total, vramFreeBytes: vram.free };
    } catch {
      return { gpuBackend: null, gpus: [], vramTotalBytes: 0, vramFreeBytes: 0 };
    }
  })();
  return gpuInfo;
}

interface PreparedData {
  rendered: RenderedDataset;
  trainPath: string;
  evalPath: string | null;
}

function summaryOf(rendered: RenderedDataset): RunDataSummary {
  return {
    trainSamples: rendered.train.length,
    evalSamples: rendered.eval.length,
    excludedSamples: rendered.excluded.length,
    trainTokens: rendered.trainTokens,
    targetTokens: rendered.targetTokens,
    longestSample: rendered.longest,
  };
}

function publicRun(run: StoredRun): TrainingRun {
  const { dir: _dir, jobId: _jobId, trainerPid: _pid, ownerPid: _owner, ...rest } = run;
  return rest;
}

function readJson<T>(path: string, fallback: T): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

/** Only a live tooltune-train counts: after a reboot the pid may belong to anything. */
function isTrainerAlive(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  if (process.platform !== 'linux') return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('tooltune-train');
  } catch {
    return false;
  }
}

function buildStamp(binDir: string | null): { key: string | null; flags: string[] } {
  const stamp = binDir ? readJson<{ key?: string; cmakeArgs?: string[] } | null>(join(binDir, '.build-stamp.json'), null) : null;
  return { key: stamp?.key ?? null, flags: stamp?.cmakeArgs ?? [] };
}

/** The newest checkpoint of a run's folder (`checkpoints/latest` names it), or null. */
function latestCheckpoint(dir: string): string | null {
  const latest = join(dir, CHECKPOINTS_DIR, 'latest');
  if (!existsSync(latest)) return null;
  const name = readFileSync(latest, 'utf8').trim();
  return name === '' ? null : join(dir, CHECKPOINTS_DIR, name);
}

/** A watcher per run this process follows: it reads the events file until the trainer is gone. */
interface Watcher {
  timer: NodeJS.Timeout;
  tail: EventFileTail;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** True when this process spawned the trainer, so `exit` will be known. */
  ownChild: boolean;
  final: TrainerEvent | null;
}

export class TrainService implements ServiceImpl<Contract['train']> {
  private readonly store: RunStore;
  private readonly versions: DatasetVersions;
  private readonly watchers = new Map<string, Watcher>();
  /** Runs whose preparation was asked to stop before the trainer started. */
  private readonly stopRequested = new Set<string>();
  private deviceProbe: Promise<Pick<HardwareInfo, 'trainingDevice' | 'trainingDeviceError'>> | null = null;
  private readonly pendingTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly db: Database,
    private readonly projects: ProjectService,
    private readonly models: ModelService,
    private readonly events: EventHub,
    private readonly options: TrainServiceOptions,
  ) {
    this.store = new RunStore(db);
    this.versions = new DatasetVersions(db);
    this.reattach();
  }

  defaults({ projectId, modelId }: { projectId: string; modelId?: string }): TrainSettings {
    const model = modelId !== undefined ? this.models.get(modelId) : this.models.projectBase({ projectId });
    if (!model) throw new ToolTuneError('conflict', 'Choose a base model for this project first.');
    return defaultTrainSettings(model.info);
  }

  async start(params: StartParams): Promise<TrainingRun> {
    const { project, version, model, settings } = await this.resolve(params);
    const initAdapter = params.fromRunId !== undefined ? this.checkpointAdapterOf(params.fromRunId, settings) : undefined;

    const run = this.store.create({
      projectId: project.id,
      modelId: model.id,
      versionId: version.id,
      settings,
      dir: (seq, id) => join(projectDir(this.options.dataDir, project.id), 'runs', `run-${seq}-${id.slice(0, 8)}`),
    });
    mkdirSync(run.dir, { recursive: true });
    this.changed(project.id);
    void this.prepareAndLaunch(run, model, version.id, version.contentHash, initAdapter)
      .catch((error: unknown) => {
        this.store.finish(run.id, { state: 'failed', message: `Preparing the run failed: ${errorMessage(error)}` });
        this.announce(run.id);
      })
      // Closed meanwhile (the database is gone): the next start finds the run interrupted.
      .catch(() => undefined);
    return publicRun(this.store.get(run.id));
  }

  /**
   * A LoRA trained elsewhere, for a library base: a PEFT adapter folder (converted to GGUF) or a GGUF adapter
   * (checked and copied). It becomes a finished run of its own (no curve), so that Evaluate, Export and Test take it
   * like any other; its dataset version is the project's newest, for the evaluation.
   */
  async importAdapter({ projectId, modelId, path }: { projectId: string; modelId: string; path: string }): Promise<TrainingRun> {
    const project = this.projects.get({ id: projectId });
    const model = this.models.get(modelId);
    if (model.fileState !== 'ok') throw new ToolTuneError('conflict', `The base file is ${model.fileState}: ${model.path}`);
    if (!existsSync(path)) throw new ToolTuneError('not-found', `No adapter at ${path}.`);
    const peft = statSync(path).isDirectory();
    if (!peft && !path.endsWith('.gguf')) throw new ToolTuneError('invalid-input', `${path}: give a PEFT adapter folder (adapter_config.json + adapter_model.safetensors) or a GGUF adapter.`);
    const version = this.versions.list(projectId)[0];
    const scratch = join(projectDir(this.options.dataDir, project.id), 'runs', `.import-${randomUUID().slice(0, 8)}.gguf`);
    mkdirSync(dirname(scratch), { recursive: true });
    let imported: ImportedAdapter;
    try {
      imported = peft ? convertPeftAdapter(path, model.path, scratch) : checkGgufAdapter(path, model.path);
    } catch (error) {
      rmSync(scratch, { force: true });
      throw error;
    }
    const settings: TrainSettings = { ...defaultTrainSettings(model.info), rank: imported.rank, alpha: imported.alpha, targets: imported.targets };
    const run = this.store.create({
      projectId: project.id,
      modelId: model.id,
      versionId: version?.id ?? null,
      settings,
      dir: (seq, id) => join(projectDir(this.options.dataDir, project.id), 'runs', `run-${seq}-${id.slice(0, 8)}`),
    });
    mkdirSync(run.dir, { recursive: true });
    const adapter = join(run.dir, ADAPTER_FILE);
    if (peft) renameSync(scratch, adapter);
    else copyFileSync(path, adapter);
    this.store.finish(run.id, { state: 'done', message: `Imported: ${imported.source}.`, artifacts: [{ kind: 'adapter', path: adapter, step: 0, sha256: await hashFile(adapter) }] });
    this.changed(project.id);
    return publicRun(this.store.get(run.id));
  }

  async estimate(params: StartParams): Promise<TrainEstimate> {
    const { project, version, model, settings } = await this.resolve(params);
    const binDir = this.trainerDir();
    const scratch = join(projectDir(this.options.dataDir, project.id), 'runs', `.estimate-${randomUUID().slice(0, 8)}`);
    mkdirSync(scratch, { recursive: true });
    try {
      const data = await this.prepareData(project.id, version.id, model, scratch);
      const refusal = this.refusalOf(data.rendered, settings);
      if (refusal) throw new ToolTuneError('invalid-input', refusal);
      const measured = await measureWarmup(binDir, this.trainerOptions(settings, model, data, scratch), scratch);
      const totalSteps = settings.maxSteps ?? measured.stepsPerEpoch * settings.epochs;
      const available = availableMemory();
      // A whole run peaked up to 15% above its warm-up (npm run bench:run): keep that much in reserve.
      const fits = measured.peakMemoryBytes * PEAK_MARGIN < available;
      return {
        ...measured,
        availableMemoryBytes: available,
        fits,
        suggestion: fits ? null : memorySuggestion(settings),
        totalSteps,
        estimatedSeconds: measured.secondsPerStep * totalSteps,
        warmupSteps: WARMUP_STEPS,
        data: summaryOf(data.rendered),
        longerThanWindow: [...data.rendered.train, ...data.rendered.eval].filter((sample) => sample.tokens.length > settings.contextLength).length,
        contextLength: settings.contextLength,
      };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  async hardware(): Promise<HardwareInfo> {
    const [gpu, device] = await Promise.all([gpuFacts(), this.trainingDevice()]);
    return {
      cpuThreads: availableParallelism(),
      trainerThreads: trainerThreads(),
      totalMemoryBytes: totalmem(),
      availableMemoryBytes: availableMemory(),
      ...gpu,
      ...device,
    };
  }

  /** The device a run with the default backend trains on, asked of the trainer once per process. */
  private trainingDevice(): Promise<Pick<HardwareInfo, 'trainingDevice' | 'trainingDeviceError'>> {
    const binDir = this.options.binDir;
    if (!binDir) return Promise.resolve({ trainingDevice: null, trainingDeviceError: 'The trainer (tooltune-train) is not built: run `npm run build:native`.' });
    this.deviceProbe ??= probeTrainingDevice(nativeToolPath(binDir, 'tooltune-train'), 'auto', trainerBackendDirs(binDir)).then(
      (trainingDevice) => ({ trainingDevice, trainingDeviceError: null }),
      (error: unknown) => ({ trainingDevice: null, trainingDeviceError: errorMessage(error) }),
    );
    return this.deviceProbe;
  }

  stop({ runId }: { runId: string }): TrainingRun {
    const run = this.store.get(runId);
    if (run.state !== 'running') throw new ToolTuneError('conflict', `Only a running run can be stopped; this one is ${run.state}.`);
    if (run.trainerPid === null) this.stopRequested.add(runId);
    else signalStop(run.trainerPid);
    return publicRun(run);
  }

  /** The jobs service's `cancel` for train jobs: a graceful stop of the job's run. */
  stopJob(jobId: string): JobInfo {
    const runId = this.store.runIdOfJob(jobId);
    this.stop({ runId });
    return toJobInfo(jobRow(this.db, jobId));
  }

  async resume({ runId }: { runId: string }): Promise<TrainingRun> {
    const run = this.store.get(runId);
    if (run.state !== 'cancelled' && run.state !== 'interrupted') {
      throw new ToolTuneError('conflict', `Only a stopped or interrupted run can be resumed; this one is ${run.state}.`);
    }
    const options = readJson<TrainerOptions | null>(join(run.dir, OPTIONS_FILE), null);
    if (!options || !latestCheckpoint(run.dir)) {
      throw new ToolTuneError('conflict', 'This run has no checkpoint to resume from: start a new run (its settings can be copied).');
    }
    this.trainerDir();
    this.store.restart(runId);
    await this.launch(this.store.get(runId), { ...options, resume: true, initAdapter: undefined }, run.repro);
    return publicRun(this.store.get(runId));
  }

  runs({ projectId }: { projectId: string }): TrainingRun[] {
    return this.store.list(projectId).map(publicRun);
  }

  /** The run asked for, or the project's newest finished one: what Evaluate and Export work on by default. */
  finishedRun(projectId: string, runId: string | undefined, purpose: 'evaluate' | 'export'): TrainingRun {
    const runs = this.runs({ projectId });
    const run = runId !== undefined ? runs.find((r) => r.id === runId) : runs.filter((r) => r.state === 'done').sort((a, b) => b.seq - a.seq)[0];
    if (!run) throw new ToolTuneError(runId !== undefined ? 'not-found' : 'conflict', runId !== undefined ? `No training run ${runId} in this project.` : `This project has no finished training run to ${purpose} yet.`);
    return run;
  }

  /** A run's final adapter, or the one of the checkpoint it kept at `checkpointStep`. */
  adapterOf(run: TrainingRun, checkpointStep: number | undefined): RunArtifact {
    const artifact = checkpointStep !== undefined ? run.artifacts.find((a) => a.kind === 'checkpoint' && a.step === checkpointStep) : run.artifacts.find((a) => a.kind === 'adapter');
    if (!artifact) throw new ToolTuneError('conflict', checkpointStep !== undefined ? `Run ${run.seq} kept no checkpoint at step ${checkpointStep}.` : `Run ${run.seq} has no adapter yet: it is ${run.state}.`);
    return artifact;
  }

  /** A run's base from the library, checked to be the file it was when it was added. */
  baseOf(run: TrainingRun): BaseModel {
    if (run.modelId === null) throw new ToolTuneError('conflict', `The base of run ${run.seq} was removed from the library.`);
    const base = this.models.get(run.modelId);
    if (base.fileState !== 'ok') throw new ToolTuneError('conflict', `The base file of run ${run.seq} is ${base.fileState}: ${base.path}`);
    return base;
  }

  run({ runId }: { runId: string }): RunDetail {
    const run = this.store.get(runId);
    const curve = new Map<number, { step: number; loss: number | null; valLoss: number | null }>();
    let truncatedSamples: number | null = null;
    let device: TrainingDevice | null = null;
    for (const event of new EventFileTail(join(run.dir, EVENTS_FILE)).read()) {
      if (event.type === 'start') {
        truncatedSamples = event.truncated_samples;
        // runs trained before the start line named its device have no backend there
        device = typeof event.backend === 'string' && event.backend !== '' ? deviceOf(event) : null;
      }
      if (event.type !== 'progress') continue;
      // A resumed run repeats the steps after its checkpoint: the latest report of a step wins.
      curve.set(event.step, { step: event.step, loss: event.loss, valLoss: event.val_loss ?? null });
    }
    return {
      ...publicRun(run),
      curve: [...curve.values()].sort((a, b) => a.step - b.step),
      truncatedSamples,
      device,
      logTail: tailLines(join(run.dir, LOG_FILE), 40),
      excluded: readJson<ExcludedSample[]>(join(run.dir, EXCLUDED_FILE), []),
      preview: readJson<RenderedPreview | null>(join(run.dir, PREVIEW_FILE), null),
    };
  }

  /** Stops following runs; the trainers themselves keep running and are re-attached on the next start. */
  dispose(): void {
    for (const watcher of this.watchers.values()) clearInterval(watcher.timer);
    this.watchers.clear();
    for (const timer of this.pendingTimers) clearInterval(timer);
    this.pendingTimers.clear();
  }

  /** Settles when the run is no longer running (for `--wait` and tests). */
  whenSettled(runId: string): Promise<TrainingRun> {
    return new Promise((resolve) => {
      const check = () => {
        const run = this.store.get(runId);
        if (run.state !== 'running') resolve(publicRun(run));
        else setTimeout(check, POLL_MS);
      };
      check();
    });
  }

  /** The folder of tooltune-train; refuses, saying how to build it, when there is none. */
  private trainerDir(): string {
    if (!this.options.binDir) throw new ToolTuneError('unavailable', 'The trainer (tooltune-train) is not built: run `npm run build:native`.');
    return this.options.binDir;
  }

  /** The project, version, base and full settings a start or estimate asks for, checked. */
  private async resolve(params: StartParams) {
    const project = this.projects.get({ id: params.projectId });
    const version = params.versionId !== undefined ? this.versions.get(project.id, params.versionId) : this.versions.list(project.id)[0];
    if (!version) throw new ToolTuneError('conflict', 'Freeze a dataset version in the Data step first: a run trains on a frozen version.');
    const model = await this.baseFor(project.id, project.name, params.modelId);
    if (model.fileState !== 'ok') throw new ToolTuneError('conflict', `The base model file ${model.path} is ${model.fileState}: add it again.`);
    if (!model.info.toolCalling.supported) throw new ToolTuneError('invalid-input', `${model.displayName} cannot be trained for tool calling: ${model.info.toolCalling.reason}.`);
    this.trainerDir();
    const settings: TrainSettings = { ...defaultTrainSettings(model.info), ...params.settings };
    checkSettings(settings, model.info);
    return { project, version, model, settings };
  }

  private async baseFor(projectId: string, projectName: string, modelId: string | undefined): Promise<BaseModel> {
    if (modelId !== undefined) return this.models.get(modelId);
    const base = this.models.projectBase({ projectId });
    if (base) return base;
    if (projectName !== DEMO_PROJECT_NAME) throw new ToolTuneError('conflict', 'Choose a base model for this project first.');
    const demo = await this.models.ensureDemo();
    this.models.setProjectBase({ projectId, modelId: demo.id });
    return demo;
  }

  private checkpointAdapterOf(runId: string, settings: TrainSettings): string {
    const from = this.store.get(runId);
    const checkpoint = latestCheckpoint(from.dir);
    if (!checkpoint) throw new ToolTuneError('conflict', `Run ${from.seq} has no kept checkpoint to start from.`);
    if (from.settings.rank !== settings.rank || from.settings.alpha !== settings.alpha || from.settings.targets.join() !== settings.targets.join()) {
      throw new ToolTuneError('invalid-input', `A run started from run ${from.seq}'s checkpoint needs its rank, alpha and targets.`);
    }
    return join(checkpoint, ADAPTER_FILE);
  }

  /** Renders the version for the base into `dir` (train.ttds, eval.ttds when there are eval samples). */
  private async prepareData(projectId: string, versionId: string, base: BaseModel, dir: string): Promise<PreparedData> {
    const llama = await cpuLlamaRuntime();
    const vocabModel = await llama.loadModel({ modelPath: base.path, vocabOnly: true });
    let rendered;
    try {
      rendered = await renderDataset(vocabModel, this.versions.samples(projectId, versionId));
    } finally {
      await vocabModel.dispose();
    }
    const header = vocabOfModel(base.path);
    const trainPath = join(dir, TRAIN_FILE);
    if (rendered.train.length > 0) writeTtdsFile(trainPath, header, rendered.train);
    const evalPath = rendered.eval.length > 0 ? join(dir, EVAL_FILE) : null;
    if (evalPath) writeTtdsFile(evalPath, header, rendered.eval);
    return { rendered, trainPath, evalPath };
  }

  /** Why the rendered data cannot train, or null when it can. */
  private refusalOf(rendered: RenderedDataset, settings: TrainSettings): string | null {
    const total = rendered.train.length + rendered.eval.length + rendered.excluded.length;
    const share = total === 0 ? 0 : rendered.excluded.length / total;
    if (rendered.train.length > 0 && share <= settings.maxExcludedShare) return null;
    if (rendered.excluded.length === 0) return 'The dataset version has no train samples.';
    const first = rendered.excluded[0];
    return `${rendered.excluded.length} of ${total} samples (${(share * 100).toFixed(1)}%) cannot be rendered with this base's chat template, more than the ${(settings.maxExcludedShare * 100).toFixed(0)}% allowed${first ? `; sample ${first.sampleId}: ${first.reason}` : ''}.`;
  }

  private trainerOptions(settings: TrainSettings, base: BaseModel, data: PreparedData, dir: string, initAdapter?: string): TrainerOptions {
    const s = settings;
    return {
      model: base.path,
      data: data.trainPath,
      ...(data.evalPath ? { val: data.evalPath } : {}),
      out: join(dir, ADAPTER_FILE),
      rank: s.rank,
      alpha: s.alpha,
      targets: s.targets,
      lr: s.learningRate,
      warmup: s.warmupSteps,
      ...(s.maxSteps !== null ? { maxSteps: s.maxSteps } : { epochs: s.epochs }),
      ctx: s.contextLength,
      seed: s.seed,
      threads: s.threads,
      backend: s.backend ?? 'auto',
      checkpointDir: join(dir, CHECKPOINTS_DIR),
      checkpointEvery: s.checkpointEvery,
      keepCheckpoints: s.keepCheckpoints,
      ...(initAdapter !== undefined ? { initAdapter } : {}),
    };
  }

  private async prepareAndLaunch(run: StoredRun, base: BaseModel, versionId: string, datasetHash: string, initAdapter: string | undefined): Promise<void> {
    const data = await this.prepareData(run.projectId, versionId, base, run.dir);
    const { rendered } = data;
    writeFileSync(join(run.dir, EXCLUDED_FILE), JSON.stringify(rendered.excluded));
    writeFileSync(join(run.dir, PREVIEW_FILE), JSON.stringify(rendered.preview));
    this.store.setData(run.id, summaryOf(rendered));
    if (this.stopRequested.delete(run.id)) {
      this.store.finish(run.id, { state: 'cancelled', message: 'Stopped before training began.' });
      return this.announce(run.id);
    }
    const refusal = this.refusalOf(rendered, run.settings);
    if (refusal) {
      this.store.finish(run.id, { state: 'failed', message: refusal });
      return this.announce(run.id);
    }
    const stamp = buildStamp(this.options.binDir);
    const repro: RunRepro = {
      baseSha256: base.sha256,
      basePath: base.path,
      datasetHash,
      trainFileSha256: await hashFile(data.trainPath),
      evalFileSha256: data.evalPath ? await hashFile(data.evalPath) : null,
      trainerBuildKey: stamp.key,
      trainerBuildFlags: stamp.flags,
      appVersion: this.options.appVersion,
    };
    const options = this.trainerOptions(run.settings, base, data, run.dir, initAdapter);
    writeFileSync(join(run.dir, OPTIONS_FILE), JSON.stringify(options, null, 2));
    await this.launch(run, options, repro);
  }

  private async launch(run: StoredRun, options: TrainerOptions, repro: RunRepro | null): Promise<void> {
    if (!repro) throw new ToolTuneError('internal', 'the run cannot be launched without its record');
    const trainer = await spawnDetachedTrainer(this.trainerDir(), options, run.dir);
    this.store.attachTrainer(run.id, trainer.pid, repro);
    const watcher = this.watch(run.id, trainer.pid, true);
    void trainer.exited.then((exit) => {
      watcher.exit = exit;
    });
    this.announce(run.id);
  }

  /** Follows a run's events file until its trainer is gone, then records how it ended. */
  private watch(runId: string, pid: number, ownChild: boolean): Watcher {
    const run = this.store.get(runId);
    const tail = new EventFileTail(join(run.dir, EVENTS_FILE));
    const watcher: Watcher = { tail, exit: null, ownChild, final: null, timer: setInterval(() => this.poll(runId, pid, watcher), POLL_MS) };
    watcher.timer.unref();
    this.watchers.set(runId, watcher);
    return watcher;
  }

  private poll(runId: string, pid: number, watcher: Watcher): void {
    const gone = watcher.ownChild ? watcher.exit !== null : !isTrainerAlive(pid);
    this.consume(runId, watcher);
    if (!gone) return;
    clearInterval(watcher.timer);
    this.watchers.delete(runId);
    this.consume(runId, watcher);
    this.settle(runId, watcher.final, watcher.exit);
  }

  private consume(runId: string, watcher: { tail: EventFileTail; final: TrainerEvent | null }): void {
    let progressed = false;
    for (const event of watcher.tail.read()) {
      if (event.type === 'progress') {
        this.store.progress(runId, event.step, event.total_steps, {
          loss: event.loss,
          valLoss: event.val_loss ?? this.store.get(runId).valLoss,
          tokensPerSecond: event.tokens_per_s,
          etaSeconds: event.eta_s,
          memoryBytes: event.mem_bytes,
        });
        progressed = true;
      } else if (event.type === 'start') {
        const run = this.store.get(runId);
        this.store.progress(runId, event.start_step, event.total_steps, {
          loss: run.loss, valLoss: run.valLoss, tokensPerSecond: null, etaSeconds: null, memoryBytes: null,
        });
        watcher.final = null;
        progressed = true;
      } else if (event.type === 'done' || event.type === 'stopped' || event.type === 'error') {
        watcher.final = event;
      }
    }
    if (progressed) this.emitProgress(runId);
  }

  private settle(runId: string, final: TrainerEvent | null, exit: { code: number | null; signal: NodeJS.Signals | null } | null): void {
    const run = this.store.get(runId);
    void this.artifactsOf(run, final).then((artifacts) => {
      if (final?.type === 'done') {
        this.store.finish(runId, { state: 'done', message: null, artifacts });
      } else if (final?.type === 'stopped') {
        this.store.finish(runId, { state: 'cancelled', message: `Stopped at step ${final.step}; Resume continues from its checkpoint.`, artifacts });
      } else if (final?.type === 'error') {
        this.store.finish(runId, { state: 'failed', message: final.message, errorCode: final.code, artifacts });
      } else if (exit && exit.code !== 0) {
        const explained = explainTrainerFailure({ exitCode: exit.code, signal: exit.signal, events: [], stderrTail: tailLines(join(run.dir, LOG_FILE), 20).join('\n') });
        this.store.finish(runId, { state: 'failed', message: explained?.message ?? 'The trainer failed.', errorCode: explained?.code ?? 'internal', artifacts });
      } else {
        this.store.finish(runId, {
          state: 'interrupted',
          message: 'The trainer ended without a final report (killed, or the machine stopped); Resume continues from its last checkpoint.',
          artifacts,
        });
      }
      this.announce(runId);
    });
  }

  /** The adapter (when the run finished) and every kept checkpoint, with hashes. */
  private async artifactsOf(run: StoredRun, final: TrainerEvent | null): Promise<RunArtifact[]> {
    const artifacts: RunArtifact[] = [];
    const adapter = join(run.dir, ADAPTER_FILE);
    if (final?.type === 'done' && existsSync(adapter)) artifacts.push({ kind: 'adapter', path: adapter, step: final.steps, sha256: await hashFile(adapter) });
    const dir = join(run.dir, CHECKPOINTS_DIR);
    const steps = existsSync(dir) ? readdirSync(dir).filter((name) => /^step-\d+$/.test(name)).sort() : [];
    for (const name of steps) {
      const path = join(dir, name, ADAPTER_FILE);
      if (existsSync(path)) artifacts.push({ kind: 'checkpoint', path, step: Number(name.slice(5)), sha256: await hashFile(path) });
    }
    return artifacts;
  }

  /** At start: follow runs whose trainer still runs; settle the others from what their files say. */
  private reattach(): void {
    for (const run of this.store.running()) {
      if (run.trainerPid === null) {
        if (run.ownerPid !== process.pid && isProcessAlive(run.ownerPid)) this.awaitTrainer(run.id, run.ownerPid);
        else this.store.finish(run.id, { state: 'interrupted', message: PREPARATION_INTERRUPTED });
      } else if (isTrainerAlive(run.trainerPid)) {
        this.watch(run.id, run.trainerPid, false);
      } else {
        const watcher = { tail: new EventFileTail(join(run.dir, EVENTS_FILE)), final: null as TrainerEvent | null };
        this.consume(run.id, watcher);
        this.settle(run.id, watcher.final, null);
      }
    }
  }

  /** Another process (a CLI, a second window) is preparing this run: follow it once its trainer starts. */
  private awaitTrainer(runId: string, ownerPid: number): void {
    const timer = setInterval(() => {
      const run = this.store.get(runId);
      if (run.state !== 'running') {
        clearInterval(timer);
      } else if (run.trainerPid !== null) {
        clearInterval(timer);
        this.watch(runId, run.trainerPid, false);
      } else if (!isProcessAlive(ownerPid)) {
        clearInterval(timer);
        this.store.finish(runId, { state: 'interrupted', message: PREPARATION_INTERRUPTED });
        this.announce(runId);
      }
    }, POLL_MS);
    timer.unref();
    this.pendingTimers.add(timer);
  }

  private emitProgress(runId: string): void {
    const run = this.store.get(runId);
    this.events.emit('jobs', 'progress', {
      jobId: run.jobId,
      projectId: run.projectId,
      kind: 'train',
      done: run.step,
      total: run.totalSteps,
      state: run.state,
      ...(run.message ? { message: run.message } : {}),
    });
    this.events.emit('train', 'runProgress', {
      runId,
      projectId: run.projectId,
      state: run.state,
      phase: run.phase,
      step: run.step,
      totalSteps: run.totalSteps,
      loss: run.loss,
      valLoss: run.valLoss,
      tokensPerSecond: run.tokensPerSecond,
      etaSeconds: run.etaSeconds,
      memoryBytes: run.memoryBytes,
    });
  }

  private announce(runId: string): void {
    this.emitProgress(runId);
    this.changed(this.store.get(runId).projectId);
  }

  private changed(projectId: string): void {
    this.events.emit('train', 'didChange', { projectId });
  }
}
