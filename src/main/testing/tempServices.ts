import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Api } from '../../shared/contract';
import { createRpcClient } from '../../shared/rpc/client';
import { createServices, type Services } from '../services/createServices';
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
export async function createTempServices(options: { dataDir?: string } = {}): Promise<TempServices> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tooltune-test-'));
  const services = await createServices({ dataDir, mode: 'cli', version: '0.0.0-test' });
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
