/**
 * Runs tooltune-train detached from the process that starts it: its own process group, stdout (the JSON-lines
 * protocol) appended to `events.jsonl` and stderr to `trainer.log` in the run's folder. Closing the app, a
 * crashed UI or a CLI that returns never kills training; whoever comes next reads the files and re-attaches.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { nativeToolPath, parseTrainerLine, trainerArgs, withBackendDirs, type TrainerEvent, type TrainerOptions } from './trainerProcess';

export const EVENTS_FILE = 'events.jsonl';
export const LOG_FILE = 'trainer.log';

export interface DetachedTrainer {
  pid: number;
  /** Settles when the trainer exits, for as long as this process lives (a re-attached run has no exit status). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnDetachedTrainer(binDir: string, options: TrainerOptions, runDir: string): Promise<DetachedTrainer> {
  const out = openSync(join(runDir, EVENTS_FILE), 'a');
  const err = openSync(join(runDir, LOG_FILE), 'a');
  try {
    const child = spawn(nativeToolPath(binDir, 'tooltune-train'), trainerArgs(withBackendDirs(options, binDir)), {
      cwd: runDir,
      detached: true,
      stdio: ['ignore', out, err],
      windowsHide: true,
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('exit', (code, signal) => resolve({ code, signal }));
      child.on('error', () => resolve({ code: null, signal: null }));
    });
    child.unref();
    return new Promise((resolve, reject) => {
      child.once('spawn', () => resolve({ pid: child.pid ?? -1, exited }));
      child.once('error', reject);
    });
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

/** Graceful stop: the trainer finishes its window, checkpoints and exits 0 (SIGTERM to its process group). */
export function signalStop(pid: number): void {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** Reads the complete lines appended to an events file since the last call. */
export class EventFileTail {
  private offset = 0;
  private partial = '';
  // Lines may hold non-ASCII paths: a character split across two reads must not be garbled.
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly path: string) {}

  read(): TrainerEvent[] {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return [];
    }
    const events: TrainerEvent[] = [];
    try {
      const size = fstatSync(fd).size;
      const buffer = Buffer.alloc(64 * 1024);
      while (this.offset < size) {
        const n = readSync(fd, buffer, 0, buffer.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        this.partial += this.decoder.write(buffer.subarray(0, n));
        let nl: number;
        while ((nl = this.partial.indexOf('\n')) >= 0) {
          const event = parseTrainerLine(this.partial.slice(0, nl));
          this.partial = this.partial.slice(nl + 1);
          if (event) events.push(event);
        }
      }
    } finally {
      closeSync(fd);
    }
    return events;
  }
}

/** The last `lines` lines of a text file (reads at most its last 64 KiB). */
export function tailLines(path: string, lines: number): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').split('\n').filter((line) => line.trim() !== '').slice(-lines);
  } finally {
    closeSync(fd);
  }
}
