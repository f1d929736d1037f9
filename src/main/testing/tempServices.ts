import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Api, ProjectSummary } from '../../shared/contract';
import { createRpcClient } from '../../shared/rpc/client';
import { createServices, type Services } from '../services/createServices';
import { DEMO_PROJECT_NAME } from '../services/demoProject';
import { inProcessTransport } from '../transport/inProcessTransport';

export interface TempServices {
  dataDir: string;
  services: Services;
  api: Api;
  dispose(): void;
}

/**
 * Real services on a throwaway data folder, reached through the validated RPC path. With `dataDir` they open
 * an existing folder (a restart) and `dispose` leaves it in place.
 */
export async function createTempServices(options: { dataDir?: string; diskFreeBytes?: (dir: string) => number; nativeBinDir?: string } = {}): Promise<TempServices> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tooltune-test-'));
  const services = await createServices({
    dataDir,
    mode: 'cli',
    version: '0.0.0-test',
    ...(options.diskFreeBytes ? { diskFreeBytes: options.diskFreeBytes } : {}),
    ...(options.nativeBinDir !== undefined ? { nativeBinDir: options.nativeBinDir } : {}),
  });
  const client = createRpcClient(inProcessTransport(services.server, services.events));
  return {
    dataDir,
    services,
    api: client.api,
    dispose() {
      client.dispose();
      services.dispose();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The seeded Demo project with `count` generated samples, split (split seed 1) and frozen as version `name`. */
export async function frozenDemoProject(t: TempServices, options: { count: number; seed: number; evalFraction: number; name: string }): Promise<ProjectSummary> {
  const demo = (await t.api.projects.list({})).find((p) => p.name === DEMO_PROJECT_NAME);
  if (!demo) throw new Error('no Demo project');
  const { jobId } = await t.api.data.generate({ projectId: demo.id, count: options.count, seed: options.seed });
  await t.services.data.whenJobSettled(jobId);
  await t.api.data.split({ projectId: demo.id, evalFraction: options.evalFraction, seed: 1 });
  await t.api.data.freeze({ projectId: demo.id, name: options.name });
  return demo;
}
