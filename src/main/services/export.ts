/**
 * The Export step's service: export jobs that merge a run's adapter into its base, quantize, package and then run
 * the quality gate (the project's evaluation on every output, next to base and tuned). Everything is written into
 * `<dir>.partial` and renamed into place at the end, so a failed, cancelled or interrupted export leaves nothing.
 */
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Contract, JobInfo, JobState } from '../../shared/contract';
import { DEFAULT_EXPORT_PACKAGES, MODEL_PACKAGES, type ExportEstimate, type ExportFile, type ExportPackage, type ExportParams, type ExportRecord, type QuantFallback, type QuantType } from '../../shared/contract/export';
import type { BaseModel } from '../../shared/contract/models';
import type { ServiceImpl } from '../../shared/contract/spec';
import type { RunArtifact, TrainingRun } from '../../shared/contract/train';
import { errorMessage, ToolTuneError } from '../../shared/errors';
import { DatasetVersions } from '../data/datasetVersions';
import { exportRecord, exportRecords } from '../export/exportRecords';
import { checkCompleteGguf, quantizedSize, runLlamaTool, ToolCancelledError } from '../export/llamaTools';
import { modelfileText, ollamaFormatOf, type OllamaFormat } from '../export/ollamaModelfile';
import { axolotlFiles, llamaFactoryFiles, llamaFactoryTemplate } from '../export/trainingConfigs';
import { MODEL_CATALOG } from '../../shared/models/catalog';
import type { Sample } from '../../shared/data/conversation';
import { llamaServerScript, lmStudioPath, readmeCard, scoresSection, sha256Sums, type PackageFacts } from '../export/packageTexts';
import { isJobInterrupted, jobRow, markOrphanedJobsInterrupted, toJobInfo } from '../jobs/jobRecords';
import { RunningJobs } from '../jobs/runningJobs';
import { GGML_TYPES, getOptionalString, readGgufFile } from '../models/gguf/index.js';
import { hashFile } from '../models/modelInspection';
import { projectDir } from '../paths';
import { safeFileName } from '../safeFileName';
import type { EventHub } from '../transport/eventHub';
import type { EvaluateService } from './evaluate';
import type { ProjectService } from './projects';
import type { TrainService } from './train';

const DEFAULT_QUANTS: QuantType[] = ['Q4_K_M', 'Q8_0'];
const K_QUANTS: ReadonlySet<QuantType> = new Set(['Q4_K_M', 'Q5_K_M', 'Q6_K']);
const UNQUANTIZED: ReadonlySet<string> = new Set(['F32', 'F16', 'BF16']);
/** llama.cpp keeps string overrides in 128 bytes. */
const OVERRIDE_MAX = 120;
const PROGRESS_INTERVAL_MS = 200;
/** Bytes per parameter of each output, for the free-space check before writing (estimate() measures exactly). */
const BYTES_PER_PARAMETER: Record<QuantType, number> = { F16: 2, Q8_0: 1.07, Q6_K: 0.83, Q5_K_M: 0.71, Q4_K_M: 0.61 };

export interface ExportServiceOptions {
  dataDir: string;
  /** Folder of llama-export-lora and llama-quantize; null when not built. */
  binDir: string | null;
  appVersion: string;
  /** Free bytes where `dir` lies (tests give a small figure to prove the full-disk refusal). */
  freeBytes?: (dir: string) => number;
}

interface ExportPlan {
  projectId: string;
  projectName: string;
  run: TrainingRun;
  adapter: RunArtifact;
  base: BaseModel;
  versionName: string | null;
  name: string;
  outDir: string;
  quants: QuantType[];
  packages: ExportPackage[];
  ollama: OllamaFormat | null;
  /** The base's Hugging Face repository, when training configs are packaged. */
  hfRepo: string | null;
  requantize: boolean;
  gate: boolean;
  threads: number;
  warnings: string[];
  /** Tensors whose rows a K-quant cannot hold (they fall back to another type). */
  narrowTensors: string[];
  tensorCount: number;
  /** Bytes of the base's header (metadata and tensor infos). */
  headerBytes: number;
  /** The base's `general.license`, for the README card. */
  baseLicense: string | null;
}

function freeBytesOf(dir: string): number {
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const stats = statfsSync(existing);
  return stats.bavail * stats.bsize;
}

/** sha256 (hex) of bytes in memory: an adapter (megabytes), the texts an export writes. */
function sha256Of(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes a text file of the export and lists it with its hash. */
type AddText = (name: string, role: ExportFile['role'], text: string) => void;

function linkOrCopy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** `--override-kv` values: one line, within llama.cpp's limit. */
function overrideValue(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, OVERRIDE_MAX);
}

export class ExportService implements ServiceImpl<Contract['export']> {
  private readonly versions: DatasetVersions;
  private readonly running: RunningJobs;

  constructor(
    private readonly db: Database,
    private readonly projects: ProjectService,
    private readonly train: TrainService,
    private readonly evaluate: EvaluateService,
    private readonly events: EventHub,
    private readonly options: ExportServiceOptions,
  ) {
    this.versions = new DatasetVersions(db);
    this.running = new RunningJobs(db);
    this.removePartials(markOrphanedJobsInterrupted(db, ['export'], 'ToolTune stopped while this export ran; start it again.'));
  }

  async estimate(params: ExportParams): Promise<ExportEstimate> {
    const plan = this.plan(params);
    const binDir = this.binDir();
    const files: ExportEstimate['files'] = [];
    // the dry run counts tensor data; every file also carries the base's metadata (the vocabulary: megabytes)
    const size = async (quant: QuantType) => plan.headerBytes + (await quantizedSize(binDir, plan.base.path, quant, plan.requantize ? ['--allow-requantize'] : []));
    for (const quant of plan.quants) files.push({ quant, bytes: await size(quant) });
    const adapterBytes = plan.packages.includes('adapter') ? statSync(plan.adapter.path).size + plan.base.sizeBytes : 0;
    // the merged F16 file exists while the quantized ones are written
    const mergedBytes = plan.quants.length > 0 ? await size('F16') : 0;
    const totalBytes = files.reduce((sum, f) => sum + f.bytes, 0) + adapterBytes + mergedBytes;
    return { files, adapterBytes, totalBytes, freeBytes: (this.options.freeBytes ?? freeBytesOf)(plan.outDir), warnings: plan.warnings };
  }

  start(params: ExportParams): { jobId: string; exportId: string } {
    const plan = this.plan(params);
    this.binDir();
    const jobId = randomUUID();
    const exportId = randomUUID();
    const now = new Date().toISOString();
    const dir = this.freeDirName(plan.outDir, plan.name);
    const total = (plan.quants.length > 0 ? plan.tensorCount * (plan.quants.length + 1) : 0) + 1;
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO jobs (id, project_id, kind, state, done, total, params_json, owner_pid, created_at, updated_at) VALUES (?, ?, 'export', 'running', 0, ?, ?, ?, ?, ?)`)
        .run(jobId, plan.projectId, total, JSON.stringify(params), process.pid, now, now);
      this.db
        .prepare(`INSERT INTO exports (id, project_id, job_id, run_id, checkpoint_step, name, dir, quants_json, packages_json, warnings_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(exportId, plan.projectId, jobId, plan.run.id, plan.adapter.kind === 'checkpoint' ? plan.adapter.step : null, plan.name, dir, JSON.stringify(plan.quants), JSON.stringify(plan.packages), JSON.stringify(plan.warnings), now);
    })();
    this.running.start(jobId, (signal) => this.run(jobId, exportId, dir, plan, total, signal));
    this.events.emit('export', 'didChange', { projectId: plan.projectId });
    return { jobId, exportId };
  }

  cancel(jobId: string): Promise<JobInfo> {
    return this.running.cancel(jobId);
  }

  whenSettled(jobId: string): Promise<JobInfo> {
    return this.running.whenSettled(jobId);
  }

  list({ projectId }: { projectId: string }): ExportRecord[] {
    this.projects.get({ id: projectId });
    return exportRecords(this.db, projectId);
  }

  get({ exportId }: { exportId: string }): ExportRecord {
    return exportRecord(this.db, exportId);
  }

  /** The app is closing: running exports stop, their partial folders go, and they are marked interrupted. */
  dispose(): void {
    this.removePartials(this.running.interruptAll('ToolTune closed while this export ran; start it again.'));
  }

  /** The partial folders of these export jobs (what an interrupted export leaves). */
  private removePartials(jobIds: readonly string[]): void {
    const dirOf = this.db.prepare('SELECT dir FROM exports WHERE job_id = ?').pluck();
    for (const jobId of jobIds) {
      const dir = dirOf.get(jobId) as string | undefined;
      if (dir !== undefined) rmSync(`${dir}.partial`, { recursive: true, force: true });
    }
  }

  private binDir(): string {
    if (!this.options.binDir) throw new ToolTuneError('unavailable', 'llama-export-lora and llama-quantize are not built: run `npm run build:native`.');
    return this.options.binDir;
  }

  /** What to export, checked before anything is written so that a bad request fails at once with the reason. */
  private plan(params: ExportParams): ExportPlan {
    const project = this.projects.get({ id: params.projectId });
    const run = this.train.finishedRun(params.projectId, params.runId, 'export');
    const adapter = this.train.adapterOf(run, params.checkpointStep);
    if (!existsSync(adapter.path)) throw new ToolTuneError('conflict', `The adapter of run ${run.seq} is missing: ${adapter.path}`);
    // llama-export-lora reads tensor data without checking it is there: a changed adapter would merge garbage
    if (sha256Of(readFileSync(adapter.path)) !== adapter.sha256) throw new ToolTuneError('conflict', `The adapter of run ${run.seq} changed since training (its sha256 differs): ${adapter.path}`);
    const base = this.train.baseOf(run);
    const packages = params.packages ?? [...DEFAULT_EXPORT_PACKAGES];
    const needsModels = packages.some((p) => MODEL_PACKAGES.includes(p));
    const quants = needsModels ? (params.quants ?? DEFAULT_QUANTS) : [];
    if (needsModels && quants.length === 0) throw new ToolTuneError('invalid-input', `The packages ${packages.join(', ')} need at least one quantization type.`);
    const warnings: string[] = [];
    const quantizedTypes = base.info.tensorTypes.map((t) => t.type).filter((type) => !UNQUANTIZED.has(type));
    const requantize = quantizedTypes.length > 0 && quants.length > 0;
    if (requantize) {
      warnings.push(
        `The base is quantized (${quantizedTypes.join(', ')}): the merge dequantizes the adapted tensors and each output quantizes them again, which adds error. For the file you ship, merge into an F16 or BF16 base; the quality gate shows what this costs.`,
      );
    }
    const header = readGgufFile(base.path);
    const narrowTensors = header.tensors.filter((t) => t.dims.length >= 2 && (t.dims[0] ?? 0) % 256 !== 0).map((t) => t.name);
    const kQuants = quants.filter((q) => K_QUANTS.has(q));
    if (kQuants.length > 0 && narrowTensors.length > 0) {
      warnings.push(`${narrowTensors.length} of ${header.tensors.length} tensors have rows that are not a multiple of 256 values: in ${kQuants.join(', ')} they get another type (the report lists them).`);
    }
    let ollama: OllamaFormat | null = null;
    if (packages.includes('ollama')) {
      const format = ollamaFormatOf(base.info.chatTemplate);
      if ('unsupported' in format) warnings.push(`No Ollama Modelfile: ${format.unsupported}.`);
      else ollama = format;
    }
    const version = run.versionId !== null ? this.versions.list(params.projectId).find((v) => v.id === run.versionId) : undefined;
    let hfRepo: string | null = null;
    const configs = packages.filter((p) => p === 'llamafactory' || p === 'axolotl');
    if (configs.length > 0) {
      hfRepo = params.hfRepo ?? MODEL_CATALOG.find((entry) => basename(entry.uri) === basename(base.path))?.repo ?? null;
      if (hfRepo === null) {
        throw new ToolTuneError('invalid-input', `The ${configs.join(' and ')} configs need the base's Hugging Face repository (e.g. Qwen/Qwen2.5-0.5B-Instruct): ${base.displayName} is not from the catalogue, so give it (CLI: --hf-repo).`);
      }
      if (configs.includes('llamafactory') && llamaFactoryTemplate(base.info.architecture) === null) {
        throw new ToolTuneError('invalid-input', `LLaMA-Factory has no template ToolTune knows for ${base.info.architecture} bases.`);
      }
      if (!version) throw new ToolTuneError('conflict', `The dataset version of run ${run.seq} was deleted: the training configs need its samples.`);
    }
    const name = `${safeFileName(project.name, 'model').toLowerCase()}-run${run.seq}${adapter.kind === 'checkpoint' ? `-step${adapter.step}` : ''}`;
    return {
      projectId: params.projectId,
      projectName: project.name,
      run,
      adapter,
      base,
      versionName: version?.name ?? null,
      name,
      outDir: params.outDir ?? join(projectDir(this.options.dataDir, params.projectId), 'exports'),
      quants,
      packages,
      ollama,
      hfRepo,
      requantize,
      gate: params.gate ?? true,
      threads: params.threads ?? Math.max(1, availableParallelism() - 1),
      warnings,
      narrowTensors,
      tensorCount: header.tensors.length,
      headerBytes: header.dataOffset,
      baseLicense: getOptionalString(header.metadata, 'general.license') ?? null,
    };
  }

  private freeDirName(outDir: string, name: string): string {
    for (let n = 1; ; n++) {
      const dir = join(outDir, n === 1 ? name : `${name}-${n}`);
      if (!existsSync(dir) && !existsSync(`${dir}.partial`)) return dir;
    }
  }

  private async run(jobId: string, exportId: string, dir: string, plan: ExportPlan, total: number, signal: AbortSignal): Promise<JobInfo> {
    const started = performance.now();
    const partial = `${dir}.partial`;
    let done = 0;
    let lastProgress = 0;
    const progress = (message: string, force = false) => {
      const now = Date.now();
      if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      this.db.prepare('UPDATE jobs SET done = ?, message = ?, updated_at = ? WHERE id = ?').run(done, message, new Date().toISOString(), jobId);
      this.events.emit('jobs', 'progress', { jobId, projectId: plan.projectId, kind: 'export', done, total, state: 'running', message });
    };
    let state: Exclude<JobState, 'running'> = 'done';
    let message: string | null = null;
    try {
      const free = (this.options.freeBytes ?? freeBytesOf)(plan.outDir);
      const parameters = plan.base.info.parameterCount;
      const merged = plan.quants.length > 0 ? parameters * BYTES_PER_PARAMETER.F16 : 0;
      const needed = merged + plan.quants.reduce((sum, q) => sum + parameters * BYTES_PER_PARAMETER[q], 0) + (plan.packages.includes('adapter') ? plan.base.sizeBytes : 0);
      if (free < needed) {
        throw new ToolTuneError('too-large', `Not enough free space in ${plan.outDir}: ${(free / 1024 ** 2).toFixed(0)} MiB free, about ${(needed / 1024 ** 2).toFixed(0)} MiB needed. Free some space or choose another folder.`);
      }
      mkdirSync(partial, { recursive: true });
      const { files, fallbacks } = await this.writeFiles(partial, plan, signal, (message) => {
        done++;
        progress(message);
      });
      const facts = this.facts(plan, files, fallbacks);
      const finished = this.writeTexts(partial, facts, '');
      renameSync(partial, dir);
      this.db.prepare('UPDATE exports SET files_json = ?, fallbacks_json = ? WHERE id = ?').run(JSON.stringify(finished), JSON.stringify(fallbacks), exportId);
      done = total;
      progress('Written', true);
      if (plan.gate) message = await this.runGate(exportId, dir, plan, facts, finished, signal, () => progress('Quality gate: evaluating every output', true));
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      if (error instanceof ToolCancelledError || signal.aborted) {
        state = 'cancelled';
        message = 'Cancelled; nothing was kept.';
      } else {
        state = 'failed';
        message = `${errorMessage(error)} Nothing was kept.`;
      }
    }
    if (!isJobInterrupted(this.db, jobId)) {
      this.db.prepare('UPDATE jobs SET state = ?, message = ?, updated_at = ? WHERE id = ?').run(state, message, new Date().toISOString(), jobId);
      this.db.prepare('UPDATE exports SET seconds = ? WHERE id = ?').run((performance.now() - started) / 1000, exportId);
    }
    const info = toJobInfo(jobRow(this.db, jobId));
    this.events.emit('jobs', 'progress', { jobId, projectId: plan.projectId, kind: 'export', done: info.done, total: info.total, state: info.state, ...(info.message !== null ? { message: info.message } : {}) });
    this.events.emit('export', 'didChange', { projectId: plan.projectId });
    return info;
  }

  /**
   * The quality gate: the project's evaluation on every output next to base and tuned (one evaluate job), its
   * scores added to the README card. The files stay whatever the gate finds; what went wrong is the job's message.
   */
  private async runGate(exportId: string, dir: string, plan: ExportPlan, facts: PackageFacts, files: ExportFile[], signal: AbortSignal, onStart: () => void): Promise<string | null> {
    onStart();
    let gate: { jobId: string };
    try {
      gate = this.evaluate.start({ projectId: plan.projectId, exportId, threads: plan.threads });
    } catch (error) {
      return `The files are written; the quality gate could not run: ${errorMessage(error)}`;
    }
    this.db.prepare('UPDATE exports SET eval_job_id = ? WHERE id = ?').run(gate.jobId, exportId);
    this.events.emit('export', 'didChange', { projectId: plan.projectId });
    const onAbort = () => void this.evaluate.cancel(gate.jobId);
    signal.addEventListener('abort', onAbort, { once: true });
    const evaluated = await this.evaluate.whenSettled(gate.jobId);
    signal.removeEventListener('abort', onAbort);
    const rows = this.evaluate.results({ projectId: plan.projectId }).filter((r) => r.jobId === gate.jobId).reverse();
    const withScores = this.writeTexts(dir, { ...facts, files }, scoresSection(rows.map((r) => ({ label: r.model.label, scores: r.scores }))));
    this.db.prepare('UPDATE exports SET files_json = ? WHERE id = ?').run(JSON.stringify(withScores), exportId);
    if (evaluated.state === 'done') return null;
    return `The files are written; the quality gate ${evaluated.state === 'cancelled' ? 'was cancelled' : `failed: ${evaluated.message ?? evaluated.state}`}.`;
  }

  /** The merged and quantized models and the adapter package, with hashes; `onTensor` for every tensor written. */
  private async writeFiles(dir: string, plan: ExportPlan, signal: AbortSignal, onTensor: (message: string) => void): Promise<{ files: ExportFile[]; fallbacks: QuantFallback[] }> {
    const binDir = this.binDir();
    const files: ExportFile[] = [];
    const fallbacks: QuantFallback[] = [];
    // files the tools wrote are hashed from disk; copies of files whose hash is known keep it
    const record = (name: string, role: ExportFile['role'], quant: QuantType | null, sha256: string) => files.push({ name, role, quant, bytes: statSync(join(dir, name)).size, sha256 });
    const add = async (name: string, role: ExportFile['role'], quant: QuantType | null) => record(name, role, quant, await hashFile(join(dir, name)));
    const addText: AddText = (name, role, text) => {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
      files.push({ name, role, quant: null, bytes: Buffer.byteLength(text), sha256: sha256Of(text) });
    };
    if (plan.quants.length > 0) {
      const merged = join(dir, `${plan.name}.merged-f16.tmp.gguf`);
      await runLlamaTool(binDir, 'llama-export-lora', ['-m', plan.base.path, '--lora', plan.adapter.path, '-o', merged, '-t', String(plan.threads)], {
        signal,
        onTensor: () => onTensor('Merging the adapter into the base'),
      });
      checkCompleteGguf(merged);
      const overrides = this.metadataOverrides(plan).flatMap((kv) => ['--override-kv', kv]);
      for (const quant of plan.quants) {
        const name = `${plan.name}-${quant}.gguf`;
        const out = join(dir, name);
        await runLlamaTool(binDir, 'llama-quantize', [...(plan.requantize ? ['--allow-requantize'] : []), ...overrides, merged, out, quant, String(plan.threads)], {
          signal,
          onTensor: () => onTensor(`Writing ${quant}`),
        });
        const written = checkCompleteGguf(out);
        if (K_QUANTS.has(quant)) {
          const narrow = new Set(plan.narrowTensors);
          for (const tensor of written.tensors) if (narrow.has(tensor.name)) fallbacks.push({ quant, tensor: tensor.name, type: GGML_TYPES[tensor.type]?.name ?? `type ${tensor.type}` });
        }
        await add(name, 'model', quant);
        if (plan.packages.includes('lmstudio')) {
          // the same bytes (a hard link where the file system allows): the same hash
          linkOrCopy(out, join(dir, lmStudioPath(plan.name, quant)));
          files.push({ ...files.at(-1)!, name: lmStudioPath(plan.name, quant) });
        }
      }
      rmSync(merged, { force: true });
    }
    if (plan.packages.includes('adapter')) {
      const adapterName = `adapter/${plan.name}-lora.gguf`;
      // the adapter's hash was checked against the run's record in plan(), the base's stands in the library
      linkOrCopy(plan.adapter.path, join(dir, adapterName));
      record(adapterName, 'adapter', null, plan.adapter.sha256);
      const baseName = `adapter/${basename(plan.base.path)}`;
      linkOrCopy(plan.base.path, join(dir, baseName));
      record(baseName, 'base', null, plan.base.sha256);
    }
    if (plan.ollama) this.writeModelfiles(plan.ollama, files, addText);
    if (plan.hfRepo !== null) this.writeTrainingConfigs(plan, plan.hfRepo, addText);
    if (plan.packages.includes('llama-server')) addText('llama-server.sh', 'commands', llamaServerScript(files.filter((f) => !f.name.startsWith('lmstudio/'))));
    return { files, fallbacks };
  }

  /** The run's dataset and settings as LLaMA-Factory and Axolotl configs, each in its own folder. */
  private writeTrainingConfigs(plan: ExportPlan, hfRepo: string, addText: AddText): void {
    const train: Sample[] = [];
    const evaluation: Sample[] = [];
    for (const { sample, split } of this.versions.samples(plan.projectId, plan.run.versionId!)) (split === 'eval' ? evaluation : train).push(sample as Sample);
    const input = { name: plan.name, hfRepo, architecture: plan.base.info.architecture, settings: plan.run.settings, train, evaluation };
    const folders = [
      ...(plan.packages.includes('llamafactory') ? [{ folder: 'llamafactory', files: llamaFactoryFiles(input) }] : []),
      ...(plan.packages.includes('axolotl') ? [{ folder: 'axolotl', files: axolotlFiles(input) }] : []),
    ];
    for (const { folder, files } of folders) {
      for (const file of files) addText(`${folder}/${file.name}`, file.name.startsWith('data/') ? 'training-data' : 'training-config', file.text);
    }
  }

  private writeModelfiles(format: OllamaFormat, files: readonly ExportFile[], addText: AddText): void {
    for (const file of files.filter((f) => f.role === 'model' && !f.name.startsWith('lmstudio/'))) {
      addText(`ollama/Modelfile.${file.quant}`, 'modelfile', modelfileText(format, { from: `../${file.name}` }));
    }
    const adapter = files.find((f) => f.role === 'adapter');
    const base = files.find((f) => f.role === 'base');
    if (adapter && base) addText('ollama/Modelfile.adapter', 'modelfile', modelfileText(format, { from: `../${base.name}`, adapter: `../${adapter.name}` }));
  }

  /** `ollama create` commands for the Modelfiles written, run from the `ollama` folder. */
  private ollamaCommands(name: string, files: readonly ExportFile[]): string[] {
    return files.filter((f) => f.role === 'modelfile').map((f) => `cd ollama && ollama create ${name}:${f.name.slice('ollama/Modelfile.'.length).toLowerCase()} -f ${basename(f.name)}`);
  }

  private facts(plan: ExportPlan, files: ExportFile[], fallbacks: QuantFallback[]): PackageFacts {
    return {
      name: plan.name,
      projectName: plan.projectName,
      base: { name: plan.base.displayName, fileName: basename(plan.base.path), sha256: plan.base.sha256, license: plan.baseLicense },
      datasetVersion: plan.versionName,
      run: { seq: plan.run.seq, checkpointStep: plan.adapter.kind === 'checkpoint' ? plan.adapter.step : null, settings: { ...plan.run.settings } },
      adapterSha256: plan.adapter.sha256,
      files,
      fallbacks,
      warnings: plan.warnings,
      ollamaCommands: this.ollamaCommands(plan.name, files),
      appVersion: this.options.appVersion,
    };
  }

  /** README.md and SHA256SUMS (last: it lists every other file); returns the files with both added. */
  private writeTexts(dir: string, facts: PackageFacts, scores: string): ExportFile[] {
    const files = facts.files.filter((f) => f.role !== 'readme' && f.role !== 'checksums');
    const readme = readmeCard({ ...facts, files }, scores);
    writeFileSync(join(dir, 'README.md'), readme);
    const withReadme = [...files, { name: 'README.md', role: 'readme' as const, quant: null, bytes: Buffer.byteLength(readme), sha256: sha256Of(readme) }];
    const sums = sha256Sums(withReadme);
    writeFileSync(join(dir, 'SHA256SUMS'), sums);
    return [...withReadme, { name: 'SHA256SUMS', role: 'checksums', quant: null, bytes: Buffer.byteLength(sums), sha256: null }];
  }

  /** ToolTune's metadata in every model file; the base's own keys (its chat template above all) are kept as they are. */
  private metadataOverrides(plan: ExportPlan): string[] {
    return [
      `general.name=str:${overrideValue(plan.name)}`,
      `tooltune.project=str:${overrideValue(plan.projectName)}`,
      `tooltune.base=str:${overrideValue(plan.base.displayName)}`,
      `tooltune.base_sha256=str:${plan.base.sha256}`,
      ...(plan.versionName !== null ? [`tooltune.dataset_version=str:${overrideValue(plan.versionName)}`] : []),
      `tooltune.run=int:${plan.run.seq}`,
      ...(plan.adapter.kind === 'checkpoint' ? [`tooltune.checkpoint_step=int:${plan.adapter.step}`] : []),
    ];
  }
}
