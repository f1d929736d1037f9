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

export type WorkerAnswer = { ok: true; message: unknown } | { ok: false; reason: string };

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * Starts the worker entry `name` (next to `moduleUrl`) with `workerData`, waits for its one answer
 * and always stops it; one that runs past `timeoutMs` is terminated. Never rejects: a failure comes
 * back as a reason that completes a sentence such as "the import …" ("took longer than 10 s and was
 * stopped", "failed: it ran out of memory"). The answer itself is untrusted: callers validate it.
 */
export function askWorker(
  name: string,
  moduleUrl: string,
  workerData: unknown,
  options: { timeoutMs: number; resourceLimits: ResourceLimits },
): Promise<WorkerAnswer> {
  return new Promise((resolve) => {
    const { script, evalScript } = resolveWorkerEntry(name, moduleUrl);
    let worker: Worker;
    try {
      worker = new Worker(script, { eval: evalScript, workerData, resourceLimits: options.resourceLimits });
    } catch (error) {
      resolve({ ok: false, reason: `could not start: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    let settled = false;
    const done = (answer: WorkerAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(answer);
    };
    const timer = setTimeout(
      () => done({ ok: false, reason: `took longer than ${formatSeconds(options.timeoutMs)} and was stopped` }),
      options.timeoutMs,
    );
    worker.once('message', (message: unknown) => done({ ok: true, message }));
    worker.once('error', (error: Error & { code?: string }) => {
      const reason = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'it ran out of memory' : error.message;
      done({ ok: false, reason: `failed: ${reason}` });
    });
    worker.once('exit', (code) => done({ ok: false, reason: `failed: the worker exited (code ${code}) without an answer` }));
  });
}
