/**
 * Spawns the native trainer (`tooltune-train`, built by `npm run build:native`) and parses its JSON-lines protocol.
 *
 * Protocol (one JSON object per stdout line; human logs on stderr): see native/README.md.
 *   {"type":"start", ...}  {"type":"progress","step","total_steps","epoch","loss","val_loss"?,"lr","tokens_per_s","eta_s","mem_bytes"}
 *   {"type":"checkpoint","path","step"}  {"type":"done","adapter"|"model","steps","train_tokens",...}
 *   {"type":"stopped","step","checkpoint"}  {"type":"error","code","exit_code","message"}
 * Stop gracefully with `run.stop()` (writes "stop" on stdin): the trainer checkpoints and exits 0.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrainBackend } from '../../shared/contract/train';
import { trainerBackendDirs } from './trainerBackends';

export interface TrainerOptions {
  model: string;
  data: string;
  out: string;
  val?: string;
  full?: boolean;
  rank?: number;
  alpha?: number;
  targets?: readonly string[];
  initScale?: number;
  lr?: number;
  warmup?: number;
  schedule?: 'cosine' | 'linear' | 'constant';
  minLrRatio?: number;
  weightDecay?: number;
  epochs?: number;
  maxSteps?: number;
  ctx?: number;
  batch?: number;
  ubatch?: number;
  overlong?: 'truncate' | 'drop';
  shuffle?: boolean;
  seed?: number;
  threads?: number;
  gpuLayers?: number;
  /** Where to compute (trainer default `auto`). */
  backend?: TrainBackend;
  /** Where backend libraries are looked for, in order (trainer default: its own folder; see `trainerBackendDirs`). */
  backendDirs?: readonly string[];
  valEvery?: number;
  checkpointDir?: string;
  checkpointEvery?: number;
  /** How many of the newest checkpoints to keep (trainer default 1). */
  keepCheckpoints?: number;
  /** LoRA adapter to start a new run from (same rank, alpha and targets; the optimizer starts fresh). */
  initAdapter?: string;
  resume?: boolean;
  verbose?: boolean;
}

export interface TrainerStartEvent {
  type: 'start';
  mode: 'lora' | 'full';
  n_samples: number;
  n_windows: number;
  train_tokens_per_epoch: number;
  steps_per_epoch: number;
  total_steps: number;
  start_step: number;
  resumed: boolean;
  dropped_samples: number;
  truncated_samples: number;
  /** The device that trains (see `deviceOf`). */
  backend: string;
  device: string;
  device_description: string;
  device_memory: number;
  /** Why a GPU backend was passed over ('' when none was). */
  device_fallback: string;
  [key: string]: unknown;
}

export interface TrainerProgressEvent {
  type: 'progress';
  step: number;
  total_steps: number;
  epoch: number;
  /** Mean cross-entropy over the step's target tokens only (masked positions excluded). */
  loss: number | null;
  val_loss?: number | null;
  lr: number;
  tokens_per_s: number;
  eta_s: number;
  mem_bytes: number;
}

export interface TrainerCheckpointEvent {
  type: 'checkpoint';
  path: string;
  step: number;
}

export interface TrainerDoneEvent {
  type: 'done';
  adapter?: string;
  model?: string;
  output: string;
  steps: number;
  train_tokens: number;
  dropped_samples: number;
  truncated_samples: number;
  loss: number | null;
  val_loss: number | null;
  elapsed_s: number;
  tokens_per_s: number;
  [key: string]: unknown;
}

export interface TrainerStoppedEvent {
  type: 'stopped';
  step: number;
  checkpoint: string;
  loss: number | null;
}

export type TrainerErrorCode =
  | 'usage'
  | 'model'
  | 'dataset'
  | 'vocab_mismatch'
  | 'out_of_memory'
  | 'io'
  | 'no_trainable_tokens'
  | 'checkpoint'
  | 'diverged'
  | 'internal';

export interface TrainerErrorEvent {
  type: 'error';
  code: TrainerErrorCode;
  exit_code: number;
  message: string;
}

export type TrainerEvent =
  | TrainerStartEvent
  | TrainerProgressEvent
  | TrainerCheckpointEvent
  | TrainerDoneEvent
  | TrainerStoppedEvent
  | TrainerErrorEvent;

/** Exit codes of tooltune-train (native/README.md). */
export const TRAINER_EXIT_CODES: Readonly<Record<TrainerErrorCode | 'ok', number>> = {
  ok: 0,
  internal: 1,
  usage: 2,
  model: 3,
  dataset: 4,
  vocab_mismatch: 5,
  out_of_memory: 6,
  io: 7,
  no_trainable_tokens: 8,
  checkpoint: 9,
  diverged: 10,
};

export interface TrainerResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  events: TrainerEvent[];
  done?: TrainerDoneEvent;
  stopped?: TrainerStoppedEvent;
  error?: TrainerErrorEvent;
  /** Last ~64 KiB of stderr. */
  stderrTail: string;
}

export interface TrainerRun {
  readonly pid: number | undefined;
  /** Graceful stop: the trainer writes a checkpoint and exits 0 with a `stopped` event. */
  stop(): void;
  /** Hard kill (no checkpoint). */
  kill(signal?: NodeJS.Signals): void;
  readonly result: Promise<TrainerResult>;
}

export interface StartTrainerOptions {
  /** Directory holding tooltune-train; default: findNativeBinDir(). */
  binDir?: string;
  onEvent?: (event: TrainerEvent) => void;
  onStderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const exe = process.platform === 'win32' ? '.exe' : '';

/**
 * The folder holding `resources/bin`: the nearest one above this module, which is the repository root both
 * from the sources (src/main/train) and from the bundled build (out/main). A packaged app passes binDir explicitly.
 */
function defaultRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'resources', 'bin'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '..', '..', '..');
  }
}

/** resources/bin/<platform>-<arch>[-cuda] that contains tooltune-train: TOOLTUNE_NATIVE_BIN_DIR, CUDA build, CPU build. */
export function findNativeBinDir(options: { root?: string; preferCuda?: boolean } = {}): string | null {
  const root = options.root ?? defaultRoot();
  const base = path.join(root, 'resources', 'bin', `${process.platform}-${process.arch}`);
  const candidates = [
    ...(process.env.TOOLTUNE_NATIVE_BIN_DIR ? [process.env.TOOLTUNE_NATIVE_BIN_DIR] : []),
    ...(options.preferCuda !== false ? [`${base}-cuda`] : []),
    base,
  ];
  return candidates.find((dir) => existsSync(path.join(dir, `tooltune-train${exe}`))) ?? null;
}

/** Full path of a native tool (tooltune-train, llama-quantize, llama-export-lora, llama-finetune). */
export function nativeToolPath(binDir: string, tool: string): string {
  return path.join(binDir, tool + exe);
}

/** Command-line arguments for TrainerOptions. */
export function trainerArgs(o: TrainerOptions): string[] {
  const args = ['--model', o.model, '--data', o.data, '--out', o.out];
  const num = (flag: string, v: number | undefined): void => {
    if (v !== undefined) args.push(flag, String(v));
  };
  if (o.val !== undefined) args.push('--val', o.val);
  if (o.full) args.push('--full');
  num('--rank', o.rank);
  num('--alpha', o.alpha);
  if (o.targets !== undefined) args.push('--targets', o.targets.join(','));
  num('--init-scale', o.initScale);
  num('--lr', o.lr);
  num('--warmup', o.warmup);
  if (o.schedule !== undefined) args.push('--schedule', o.schedule);
  num('--min-lr-ratio', o.minLrRatio);
  num('--weight-decay', o.weightDecay);
  num('--epochs', o.epochs);
  num('--max-steps', o.maxSteps);
  num('--ctx', o.ctx);
  num('--batch', o.batch);
  num('--ubatch', o.ubatch);
  if (o.overlong !== undefined) args.push('--overlong', o.overlong);
  if (o.shuffle === false) args.push('--no-shuffle');
  num('--seed', o.seed);
  num('--threads', o.threads);
  num('--gpu-layers', o.gpuLayers);
  if (o.backend !== undefined) args.push('--backend', o.backend);
  for (const dir of o.backendDirs ?? []) args.push('--backend-dir', dir);
  num('--val-every', o.valEvery);
  if (o.checkpointDir !== undefined) args.push('--checkpoint-dir', o.checkpointDir);
  num('--checkpoint-every', o.checkpointEvery);
  num('--keep-checkpoints', o.keepCheckpoints);
  if (o.initAdapter !== undefined) args.push('--init-adapter', o.initAdapter);
  if (o.resume) args.push('--resume');
  if (o.verbose) args.push('--verbose');
  return args;
}

/** The options with the backend folders of this installation, unless they name their own. */
export function withBackendDirs(options: TrainerOptions, binDir: string): TrainerOptions {
  return options.backendDirs ? options : { ...options, backendDirs: trainerBackendDirs(binDir) };
}

const EVENT_TYPES = new Set(['start', 'progress', 'checkpoint', 'done', 'stopped', 'error']);

/** One stdout line -> event, or null for anything that is not a protocol line. */
export function parseTrainerLine(line: string): TrainerEvent | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && EVENT_TYPES.has((value as { type?: unknown }).type as string)) {
      return value as TrainerEvent;
    }
  } catch {
    // not JSON
  }
  return null;
}

const OOM_PATTERNS = [/out of memory/i, /failed to allocate/i, /cudaMalloc/i, /ErrorOutOf(Device|Host)Memory/, /std::bad_alloc/];

/**
 * The failure as a user-facing sentence: the trainer's own error line when there is one, otherwise what stderr
 * or the signal says (a SIGKILL without an error line is usually the OS out-of-memory killer).
 */
export function explainTrainerFailure(result: TrainerResult): { code: TrainerErrorCode; message: string } | null {
  if (result.exitCode === 0) return null;
  if (result.error) return { code: result.error.code, message: result.error.message };
  if (OOM_PATTERNS.some((re) => re.test(result.stderrTail)) || result.signal === 'SIGKILL') {
    return {
      code: 'out_of_memory',
      message: 'The trainer ran out of memory: lower the context length, LoRA rank or micro-batch, or offload fewer GPU layers.',
    };
  }
  const last = result.stderrTail.trim().split('\n').slice(-3).join('\n');
  return {
    code: 'internal',
    message: `The trainer exited with ${result.signal ?? `code ${result.exitCode}`}${last ? `: ${last}` : ''}`,
  };
}

/** Start tooltune-train. Never rejects: failures are in the result (exit code, error event, stderr tail). */
export function startTrainer(options: TrainerOptions, start: StartTrainerOptions = {}): TrainerRun {
  const binDir = start.binDir ?? findNativeBinDir();
  const events: TrainerEvent[] = [];
  let stderrTail = '';
  if (!binDir) {
    const error: TrainerErrorEvent = {
      type: 'error',
      code: 'internal',
      exit_code: 1,
      message: 'tooltune-train is not built: run `npm run build:native`',
    };
    return {
      pid: undefined,
      stop: () => undefined,
      kill: () => undefined,
      result: Promise.resolve({ exitCode: 1, signal: null, events: [error], error, stderrTail: '' }),
    };
  }
  const child = spawn(nativeToolPath(binDir, 'tooltune-train'), trainerArgs(withBackendDirs(options, binDir)), {
    cwd: start.cwd,
    env: start.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  let stdoutBuf = '';
  const onLine = (line: string): void => {
    const event = parseTrainerLine(line);
    if (!event) return;
    events.push(event);
    start.onEvent?.(event);
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdoutBuf += chunk;
    let nl: number;
    while ((nl = stdoutBuf.indexOf('\n')) >= 0) {
      onLine(stdoutBuf.slice(0, nl));
      stdoutBuf = stdoutBuf.slice(nl + 1);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-65536);
    start.onStderr?.(chunk);
  });
  child.stdin.on('error', () => undefined); // EPIPE when the trainer already exited

  const result = new Promise<TrainerResult>((resolve) => {
    let spawnError: Error | null = null;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (exitCode, signal) => {
      if (stdoutBuf) onLine(stdoutBuf);
      if (spawnError) stderrTail += `\n${spawnError.message}`;
      const find = <T extends TrainerEvent['type']>(type: T) =>
        [...events].reverse().find((e) => e.type === type) as Extract<TrainerEvent, { type: T }> | undefined;
      const r: TrainerResult = { exitCode, signal, events, stderrTail };
      const done = find('done');
      const stopped = find('stopped');
      const error = find('error');
      if (done) r.done = done;
      if (stopped) r.stopped = stopped;
      if (error) r.error = error;
      resolve(r);
    });
  });

  return {
    pid: child.pid,
    stop: () => {
      if (child.exitCode === null && child.stdin.writable) child.stdin.write('stop\n');
    },
    kill: (signal: NodeJS.Signals = 'SIGKILL') => {
      if (child.exitCode === null) child.kill(signal);
    },
    result,
  };
}
