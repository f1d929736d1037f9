import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

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
