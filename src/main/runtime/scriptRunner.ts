/**
 * Runs a user's script tool with least power: the executable itself (never a shell, so arguments and input
 * are data, not commands), the arguments as JSON on stdin, a minimal environment, a time limit and an output
 * cap. On POSIX the script leads its own process group, so a timeout kills everything it started.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ToolTuneError, errorMessage } from '../../shared/errors';

const SCRIPT_OUTPUT_MAX_BYTES_DEFAULT = 1024 * 1024;
const SCRIPT_STDERR_MAX_BYTES = 16 * 1024;

export interface ScriptOptions {
  /** An absolute path to an executable regular file. */
  command: string;
  /** Passed as they are: no shell ever sees them. Default: none. */
  args?: string[];
  /** Written to stdin as JSON, then stdin is closed. */
  input: unknown;
  /** The working folder (the project's workspace); also in the environment as TOOLTUNE_WORKSPACE. */
  cwd: string;
  timeoutMs: number;
  /** stdout beyond this stops the script; what came so far is kept. Default: 1 MB. */
  maxOutputBytes?: number;
  /** Aborting kills the script; the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ScriptResult {
  stdout: string;
  /** The first 16 KB. */
  stderr: string;
  /** null when the script was killed. */
  exitCode: number | null;
  timedOut: boolean;
  /** stdout passed maxOutputBytes and the script was stopped. */
  truncated: boolean;
  ms: number;
}

const POSIX = process.platform !== 'win32';
/** How long after the exit the pipes may stay open before the output is taken as complete. */
const PIPE_DRAIN_MS = 500;

export async function runScript(options: ScriptOptions): Promise<ScriptResult> {
  checkExecutable(options.command);
  options.signal?.throwIfAborted();
  const maxOutputBytes = options.maxOutputBytes ?? SCRIPT_OUTPUT_MAX_BYTES_DEFAULT;
  const started = performance.now();
  const child = spawn(options.command, options.args ?? [], {
    cwd: options.cwd,
    env: scriptEnvironment(options.cwd),
    shell: false,
    detached: POSIX,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const killAll = () => {
    if (child.pid === undefined) return;
    try {
      // The negative pid signals the whole group: grandchildren holding the pipes open die too.
      if (POSIX) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  };

  return new Promise<ScriptResult>((resolve, reject) => {
    const stdout = new CappedBuffer(maxOutputBytes);
    const stderr = new CappedBuffer(SCRIPT_STDERR_MAX_BYTES);
    let timedOut = false;
    let exitCode: number | null = null;
    const timer = setTimeout(() => {
      timedOut = true;
      killAll();
    }, options.timeoutMs);
    const onAbort = () => killAll();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let drain: NodeJS.Timeout | undefined;
    const cleanUp = () => {
      clearTimeout(timer);
      clearTimeout(drain);
      options.signal?.removeEventListener('abort', onAbort);
    };

    child.stdout.on('data', (chunk: Buffer) => {
      if (!stdout.push(chunk)) killAll();
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A script that exits without reading its input makes the write fail with EPIPE; that is its business.
    child.stdin.on('error', () => {});
    child.stdin.end(JSON.stringify(options.input) ?? 'null');

    child.once('error', (error) => {
      cleanUp();
      killAll();
      reject(new ToolTuneError('unavailable', `Could not run ${options.command}: ${errorMessage(error)}`));
    });
    child.once('exit', (code) => {
      exitCode = code;
      // Whatever it left running in the background goes with it: a tool call leaves no processes behind.
      killAll();
      // A process that left the group (setsid) may hold the pipes open for ever; stop waiting for it.
      drain = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, PIPE_DRAIN_MS);
    });
    // 'close' comes once the pipes are drained, so no output written before the exit is lost.
    child.once('close', () => {
      cleanUp();
      if (options.signal?.aborted) return reject(options.signal.reason);
      resolve({ stdout: stdout.text(), stderr: stderr.text(), exitCode, timedOut, truncated: stdout.overflowed, ms: Math.round(performance.now() - started) });
    });
  });
}

/** Only what a script needs: no API keys or tokens from the app's environment reach it. */
function scriptEnvironment(cwd: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: process.env['LANG'] ?? 'C.UTF-8', TOOLTUNE_WORKSPACE: cwd };
  if (process.env['HOME'] !== undefined) env['HOME'] = process.env['HOME'];
  // Windows programs cannot start without it.
  if (!POSIX && process.env['SystemRoot'] !== undefined) env['SystemRoot'] = process.env['SystemRoot'];
  return env;
}

function checkExecutable(command: string): void {
  const refuse = (reason: string) => new ToolTuneError('invalid-input', `The script command ${JSON.stringify(command)} ${reason}`);
  if (!isAbsolute(command)) throw refuse('is not an absolute path');
  let stats: Stats;
  try {
    stats = statSync(command);
  } catch {
    throw refuse('does not exist');
  }
  if (!stats.isFile()) throw refuse('is not a regular file');
  try {
    accessSync(command, constants.X_OK);
  } catch {
    throw refuse('is not executable');
  }
}

/** Keeps the first `max` bytes; `push` answers false once more than that arrived. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  overflowed = false;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): boolean {
    const room = this.max - this.size;
    if (chunk.byteLength > room) this.overflowed = true;
    if (room > 0) {
      const kept = chunk.subarray(0, room);
      this.chunks.push(kept);
      this.size += kept.byteLength;
    }
    return !this.overflowed;
  }

  /** A character cut in half by the cap is left out rather than garbled. */
  text(): string {
    return new TextDecoder().decode(Buffer.concat(this.chunks), { stream: this.overflowed });
  }
}
