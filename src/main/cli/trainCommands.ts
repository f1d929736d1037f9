/**
 * `tooltune models …` and `tooltune train …`: the models library and the Train step from the command line,
 * through the typed Api only, exactly like the UI. A run's trainer is detached from this process: `train start`
 * returns once the trainer runs, and `--wait` follows a run to its end, with progress on stderr and an exit code
 * for how it ended (exitCodes.ts).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Api, DownloadInfo, BaseModel, ProjectSummary, RunArtifact, RunLive, RunPhase, TrainBackend, TrainSettings, TrainingRun } from '../../shared/contract';
import { TRAIN_BACKENDS } from '../../shared/contract';
import { ToolTuneError } from '../../shared/errors';
import { formatBytes, formatDuration } from '../../shared/units';
import { OutcomeError, projectByName, requireFlag, requirePositional, UsageError, versionByName, wholeNumberFlag, type Output, type ParsedArgs } from './commandSupport';
import { exitCodeForRun } from './exitCodes';

/** How often a followed run is read, besides its progress events. */
const POLL_MS = 1000;
/** Ids are long: a unique prefix of at least this many characters names a model too. */
const ID_PREFIX_MIN = 4;
/** Trainer log lines shown under a run that failed. */
const LOG_LINES_ON_FAILURE = 8;

// ---- models -------------------------------------------------------------------------------------------------

/** A model of the library by its id, or a unique prefix of it (`models list` shows them). */
export async function modelById(api: Api, ref: string): Promise<BaseModel> {
  const models = await api.models.list({});
  const exact = models.find((model) => model.id === ref);
  if (exact) return exact;
  const matches = ref.length >= ID_PREFIX_MIN ? models.filter((model) => model.id.startsWith(ref)) : [];
  if (matches.length > 1) throw new ToolTuneError('invalid-input', `"${ref}" is the start of ${matches.length} model ids: give more of it.`);
  const [match] = matches;
  if (!match) throw new ToolTuneError('not-found', `No model with id "${ref}" in the library. See \`tooltune models list\`.`);
  return match;
}

function modelLine(model: BaseModel): string {
  const size = model.info.sizeLabel ?? `${(model.info.parameterCount / 1e6).toFixed(1)}M params`;
  const state = model.fileState === 'ok' ? '' : `\t(file ${model.fileState})`;
  return `${model.id}\t${model.displayName}\t${model.info.architecture}, ${size}, ${formatBytes(model.sizeBytes)}\t${model.source}\t${model.path}${state}`;
}

export async function runModelsCommand(api: Api, action: string | undefined, args: ParsedArgs, output: Output): Promise<void> {
  const json = args.flags.json === true;
  const print = (value: unknown) => output.out(JSON.stringify(value, null, 2));

  switch (action) {
    case 'list': {
      const models = await api.models.list({});
      if (json) return print(models);
      for (const model of models) output.out(modelLine(model));
      return;
    }
    case 'add': {
      // The service takes only full paths: it keeps the file where it lies, so the path must not depend on a cwd.
      const path = resolve(requirePositional(args, 0, 'A GGUF file to add'));
      const info = await stat(path).catch(() => {
        throw new ToolTuneError('not-found', `Cannot read ${path}: no such file.`);
      });
      if (!info.isFile()) throw new ToolTuneError('invalid-input', `${path} is not a file.`);
      output.err(`Reading and hashing ${path} (${formatBytes(info.size)})…`);
      const model = await api.models.add({ path });
      if (!model.info.toolCalling.supported) output.err(`warning: ${model.displayName} cannot be trained for tool calling: ${model.info.toolCalling.reason}.`);
      if (json) return print(model);
      return output.out(`Added "${model.displayName}" (${model.id}), ${formatBytes(model.sizeBytes)}, sha256 ${model.sha256}.`);
    }
    case 'catalog': {
      const catalog = await api.models.catalog({});
      if (json) return print(catalog);
      for (const entry of catalog) output.out(`${entry.uri}\t${entry.name}\t≈${formatBytes(entry.sizeBytes)}\t${entry.license}`);
      return;
    }
    case 'download':
      return downloadModel(api, requirePositional(args, 0, 'A model URI (hf:<user>/<repo>/<file>, hf:<user>/<repo>:<quant> or a URL)'), args, output);
    case 'remove': {
      const model = await modelById(api, requirePositional(args, 0, 'A model id'));
      await api.models.remove({ id: model.id });
      return output.out(`Removed "${model.displayName}" from the library; the file stays at ${model.path}.`);
    }
    case 'use': {
      const project = await projectByName(api, requireFlag(args, 'project'));
      const ref = requirePositional(args, 0, 'A model id (or demo)');
      const model = ref === 'demo' ? await api.models.ensureDemo({}) : await modelById(api, ref);
      await api.models.setProjectBase({ projectId: project.id, modelId: model.id });
      if (json) return print(model);
      return output.out(`"${project.name}" now trains on "${model.displayName}" (${model.id}).`);
    }
  }
  throw new UsageError(`Unknown command: models ${action ?? ''}`.trim());
}

/** Downloads into the library and waits for the end (progress on stderr); an interrupted download resumes when run again. */
async function downloadModel(api: Api, uri: string, args: ParsedArgs, output: Output): Promise<void> {
  const endpoint = typeof args.flags.endpoint === 'string' ? args.flags.endpoint : undefined;
  const started = await api.models.download({ uri, ...(endpoint ? { endpoint } : {}) });
  let lastLine = '';
  const info = await new Promise<DownloadInfo>((resolve) => {
    const check = async () => {
      const current = (await api.models.downloads({})).find((d) => d.id === started.id) ?? started;
      const line = `${formatBytes(current.downloadedBytes)} of ${formatBytes(current.totalBytes)}`;
      if (current.state === 'running' && current.totalBytes > 0 && line !== lastLine) output.err((lastLine = line));
      if (current.state !== 'running') resolve(current);
      else setTimeout(() => void check(), POLL_MS);
    };
    void check();
  });
  if (info.state !== 'done') throw new ToolTuneError('unavailable', `The download of ${uri} ${info.state === 'cancelled' ? 'was cancelled' : 'failed'}: ${info.message ?? 'no reason given'}. Run the command again to resume it.`);
  const model = info.modelId ? (await api.models.list({})).find((m) => m.id === info.modelId) : undefined;
  if (args.flags.json === true) return output.out(JSON.stringify(model ?? info, null, 2));
  output.out(`Downloaded ${info.path} and added it to the library${model ? ` as "${model.displayName}" (${model.id})` : ''}.`);
}

// ---- train --------------------------------------------------------------------------------------------------

/** The settings given on the command line; the base's defaults fill in the rest (ranges are checked by the service). */
function settingsFromFlags(args: ParsedArgs): Partial<TrainSettings> {
  const settings: Partial<TrainSettings> = {};
  const maxSteps = wholeNumberFlag(args, 'max-steps', 1);
  const epochs = wholeNumberFlag(args, 'epochs', 1);
  const rank = wholeNumberFlag(args, 'rank', 1);
  const contextLength = wholeNumberFlag(args, 'ctx', 1);
  if (maxSteps !== undefined) settings.maxSteps = maxSteps;
  if (epochs !== undefined) settings.epochs = epochs;
  if (rank !== undefined) settings.rank = rank;
  if (contextLength !== undefined) settings.contextLength = contextLength;
  const backend = args.flags.backend;
  if (backend !== undefined) {
    if (!TRAIN_BACKENDS.some((name) => name === backend)) throw new UsageError(`--backend must be one of ${TRAIN_BACKENDS.join(', ')}.`);
    settings.backend = backend as TrainBackend;
  }
  const lr = args.flags.lr;
  if (lr !== undefined) {
    const value = typeof lr === 'string' && lr.trim() !== '' ? Number(lr) : NaN;
    if (!(Number.isFinite(value) && value > 0)) throw new UsageError('--lr must be a number above 0, e.g. 2e-4.');
    settings.learningRate = value;
  }
  return settings;
}

/** The run `--run <seq>` names, else the project's newest. */
async function chosenRun(api: Api, project: ProjectSummary, args: ParsedArgs): Promise<TrainingRun> {
  const seq = wholeNumberFlag(args, 'run', 1);
  const runs = await api.train.runs({ projectId: project.id }); // newest first
  const run = seq === undefined ? runs[0] : runs.find((candidate) => candidate.seq === seq);
  if (run) return run;
  if (seq === undefined) throw new ToolTuneError('not-found', `"${project.name}" has no training runs yet. Start one with \`tooltune train start\`.`);
  throw new ToolTuneError('not-found', `"${project.name}" has no run ${seq}. See \`tooltune train list --project "${project.name}"\`.`);
}

/** `step 3/24, loss 2.3451, 812 tok/s, ETA 1 min 5 s`: what is known of a running run. */
function progressText(live: RunLive & { phase: RunPhase | null }): string {
  if (live.phase === 'preparing') return 'preparing the data';
  if (live.totalSteps === 0) return 'starting the trainer';
  const parts = [`step ${live.step}/${live.totalSteps || '?'}`];
  if (live.loss !== null) parts.push(`loss ${live.loss.toFixed(4)}`);
  if (live.valLoss !== null) parts.push(`val ${live.valLoss.toFixed(4)}`);
  if (live.tokensPerSecond !== null) parts.push(`${Math.round(live.tokensPerSecond)} tok/s`);
  if (live.etaSeconds !== null) parts.push(`ETA ${formatDuration(live.etaSeconds)}`);
  return parts.join(', ');
}

function adapterOf(run: TrainingRun): RunArtifact | null {
  return run.artifacts.find((artifact) => artifact.kind === 'adapter') ?? null;
}

/** What `--json` prints for one run: the run, with its adapter (path, sha256) at the top for scripts. */
function runJson(run: TrainingRun): TrainingRun & { adapter: RunArtifact | null } {
  return { ...run, adapter: adapterOf(run) };
}

function stateText(run: TrainingRun): string {
  const state = run.state === 'cancelled' ? 'stopped' : run.state;
  if (run.state === 'running') return `running, ${progressText(run)}`;
  if (run.state === 'failed' && run.errorCode !== null) return `${state} (${run.errorCode})`;
  return state;
}

/** The run in lines on stdout; `withMessage: false` where the message goes to stderr as the error instead. */
function printRun(run: TrainingRun, output: Output, withMessage = true): void {
  output.out(`Run ${run.seq} (${run.id}): ${stateText(run)}`);
  if (run.state !== 'running' && run.totalSteps > 0) {
    output.out(`steps ${run.step}/${run.totalSteps}${run.loss !== null ? `, loss ${run.loss.toFixed(4)}` : ''}${run.valLoss !== null ? `, val ${run.valLoss.toFixed(4)}` : ''}`);
  }
  if (withMessage && run.message !== null) output.out(run.message);
  const adapter = adapterOf(run);
  if (adapter) output.out(`adapter ${adapter.path}\nsha256 ${adapter.sha256}`);
}

/**
 * Follows a run until `until` holds for it (by default: it no longer runs), reporting its progress on stderr,
 * each distinct line once. Listens to the run's progress events and reads it every second as well, so an end
 * that happens between two events, or in a run this process only re-attached to, is seen all the same.
 */
async function followRun(
  api: Api,
  run: TrainingRun,
  output: Output,
  until: (run: TrainingRun) => boolean = (current) => current.state !== 'running',
): Promise<TrainingRun> {
  let last = '';
  const report = (live: RunLive & { phase: RunPhase | null; state: TrainingRun['state'] }) => {
    if (live.state !== 'running') return;
    const line = `run ${run.seq}: ${progressText(live)}`;
    if (line !== last) output.err(line);
    last = line;
  };
  let wake: () => void = () => undefined;
  const stop = api.train.on('runProgress', (progress) => {
    if (progress.runId !== run.id) return;
    report(progress);
    wake();
  });
  try {
    for (;;) {
      const current = (await api.train.runs({ projectId: run.projectId })).find((candidate) => candidate.id === run.id);
      if (!current) throw new ToolTuneError('not-found', `Run ${run.seq} is gone.`);
      if (until(current)) return current;
      report(current);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    stop();
  }
}

/** Prints how a run ended and turns anything but `done` into its exit code (see `exitCodeForRun`). */
async function finish(api: Api, run: TrainingRun, output: Output, json: boolean, expected: TrainingRun['state'] = 'done'): Promise<void> {
  const ok = run.state === expected || run.state === 'done';
  if (json) output.out(JSON.stringify(runJson(run), null, 2));
  else printRun(run, output, ok);
  if (ok) return;
  if (run.state === 'failed') {
    const log = (await api.train.run({ runId: run.id })).logTail.slice(-LOG_LINES_ON_FAILURE);
    if (log.length > 0) output.err(`trainer log (last ${log.length} lines):\n${log.join('\n')}`);
  }
  throw new OutcomeError(exitCodeForRun(run), `run ${run.seq} ${stateText(run)}${run.message !== null ? `: ${run.message}` : '.'}`);
}

export async function runTrainCommand(api: Api, action: string | undefined, args: ParsedArgs, output: Output): Promise<void> {
  const project = await projectByName(api, requireFlag(args, 'project'));
  const json = args.flags.json === true;
  const wait = args.flags.wait === true;
  const print = (value: unknown) => output.out(JSON.stringify(value, null, 2));

  switch (action) {
    case 'start': {
      const settings = settingsFromFlags(args);
      const datasetName = args.flags.dataset;
      const versionId = typeof datasetName === 'string' ? (await versionByName(api, project, datasetName)).id : undefined;
      const modelRef = args.flags.model;
      const modelId = typeof modelRef === 'string' ? (await modelById(api, modelRef)).id : undefined;
      const started = await api.train.start({
        projectId: project.id,
        settings,
        ...(versionId !== undefined ? { versionId } : {}),
        ...(modelId !== undefined ? { modelId } : {}),
      });
      // Preparing the data happens in this process; only the trainer it then starts outlives it. Returning
      // earlier would leave the run to be found interrupted.
      const launched = await followRun(api, started, output, wait ? undefined : (run) => run.state !== 'running' || run.phase !== 'preparing');
      if (wait || launched.state !== 'running') return finish(api, launched, output, json);
      if (json) return print(runJson(launched));
      return output.out(`Started run ${launched.seq} (${launched.id}) in "${project.name}": ${stateText(launched)}.`);
    }
    case 'status': {
      const run = await chosenRun(api, project, args);
      if (wait) return finish(api, await followRun(api, run, output), output, json);
      return json ? print(runJson(run)) : printRun(run, output);
    }
    case 'stop': {
      const run = await api.train.stop({ runId: (await chosenRun(api, project, args)).id });
      if (!wait) return json ? print(runJson(run)) : output.out(`Asked run ${run.seq} to stop: it finishes the current window, writes a checkpoint and ends.`);
      // What was asked for is a stop: it (or a run that finished meanwhile) exits 0.
      return finish(api, await followRun(api, run, output), output, json, 'cancelled');
    }
    case 'resume': {
      const run = await api.train.resume({ runId: (await chosenRun(api, project, args)).id });
      if (wait) return finish(api, await followRun(api, run, output), output, json);
      return json ? print(runJson(run)) : output.out(`Resumed run ${run.seq} (${run.id}) from its checkpoint: ${stateText(run)}.`);
    }
    case 'list': {
      const runs = await api.train.runs({ projectId: project.id });
      if (json) return print(runs.map(runJson));
      for (const run of runs) {
        output.out(`${run.seq}\t${stateText(run)}\t${run.step}/${run.totalSteps}\t${run.loss === null ? '-' : run.loss.toFixed(4)}\t${run.createdAt}`);
      }
      return;
    }
  }
  throw new UsageError(`Unknown command: train ${action ?? ''}`.trim());
}

