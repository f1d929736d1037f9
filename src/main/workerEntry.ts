import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * How to start the worker entry `name` (e.g. `dataWorker`) that sits next to the calling module.
 * Built app: electron-vite emits `<name>.js` flat in out/main, next to whichever chunk calls this.
 * From TypeScript sources (vitest, tsx) the entry is `<name>.ts`, loaded through tsx's CommonJS
 * API in a one-line eval bootstrap, because `execArgv: ['--import', 'tsx']` does not reach a
 * worker's entry on Node 20.
 */
export function resolveWorkerEntry(name: string, moduleUrl: string): { script: URL | string; evalScript: boolean } {
  if (!moduleUrl.endsWith('.ts')) return { script: new URL(`./${name}.js`, moduleUrl), evalScript: false };
  const entry = JSON.stringify(fileURLToPath(new URL(`./${name}.ts`, moduleUrl)));
  const tsxApi = JSON.stringify(createRequire(moduleUrl).resolve('tsx/cjs/api'));
  return { script: `require(${tsxApi}).require(${entry}, ${entry});`, evalScript: true };
}

/**
 * A worker's one answer, or why there is none, as a reason that completes a sentence such as "the import …"
 * ("took longer than 10 s and was stopped", "failed: it ran out of memory"). The answer itself is untrusted.
 */
export type WorkerAnswer = { ok: true; message: unknown } | { ok: false; reason: string };

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** A request to a pooled worker and its answer, tagged: a late answer can never be taken for another request's. */
export interface PooledMessage {
  pooled: number;
  message: unknown;
}

export function isPooledMessage(value: unknown): value is PooledMessage {
  return typeof value === 'object' && value !== null && typeof (value as { pooled?: unknown }).pooled === 'number' && 'message' in value;
}

/**
 * One warm worker for one-answer requests (starting a worker costs 50–100 ms a call), with the isolation of a
 * fresh one: requests keep no state there, and a worker that runs past its time limit, runs out of memory or
 * exits is terminated and replaced by a new one at the next request. A request that comes while the warm worker
 * is busy gets a worker of its own, which is kept warm if none is. Idle, the worker does not keep the process alive.
 */
export class WorkerPool {
  private idle: Worker | null = null;
  private nextId = 1;
  private disposed = false;
  /** Workers started so far (tests read it). */
  spawned = 0;

  constructor(
    private readonly name: string,
    private readonly moduleUrl: string,
    private readonly resourceLimits: ResourceLimits,
  ) {}

  ask(request: unknown, options: { timeoutMs: number }): Promise<WorkerAnswer> {
    return new Promise((resolve) => {
      let worker: Worker;
      try {
        worker = this.idle ?? this.spawn();
      } catch (error) {
        resolve({ ok: false, reason: `could not start: ${error instanceof Error ? error.message : String(error)}` });
        return;
      }
      this.idle = null;
      worker.ref();
      const id = this.nextId++;
      let settled = false;
      const done = (answer: WorkerAnswer, reusable: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (reusable) this.release(worker);
        else void worker.terminate();
        resolve(answer);
      };
      const onMessage = (message: unknown) => {
        if (isPooledMessage(message) && message.pooled === id) done({ ok: true, message: message.message }, true);
      };
      const onError = (error: Error & { code?: string }) => {
        const reason = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'it ran out of memory' : error.message;
        done({ ok: false, reason: `failed: ${reason}` }, false);
      };
      const onExit = (code: number) => done({ ok: false, reason: `failed: the worker exited (code ${code}) without an answer` }, false);
      const timer = setTimeout(() => done({ ok: false, reason: `took longer than ${formatSeconds(options.timeoutMs)} and was stopped` }, false), options.timeoutMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ pooled: id, message: request } satisfies PooledMessage);
    });
  }

  /** Stops the warm worker; a later request starts a new one. */
  dispose(): void {
    this.disposed = true;
    void this.idle?.terminate();
    this.idle = null;
  }

  private spawn(): Worker {
    const { script, evalScript } = resolveWorkerEntry(this.name, this.moduleUrl);
    const worker = new Worker(script, { eval: evalScript, resourceLimits: this.resourceLimits });
    this.spawned++;
    return worker;
  }

  private release(worker: Worker): void {
    if (this.idle !== null || this.disposed) {
      void worker.terminate();
      return;
    }
    worker.unref();
    this.idle = worker;
  }
}
