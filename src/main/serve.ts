/**
 * Serve mode entry: the same services and the same renderer, reachable from any
 * browser on this machine at a loopback URL carrying a random token.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import packageJson from '../../package.json';
import { resolveDataDir } from './paths';
import { createServices } from './services/createServices';
import { startServe } from './transport/webSocketServer';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' } },
    strict: true,
  });
  const port = values.port === undefined ? Number(process.env.TOOLTUNE_PORT ?? 0) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  const host = values.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new Error('serve mode listens on loopback only (127.0.0.1, localhost or ::1).');

  const dataDir = resolveDataDir();
  const services = await createServices({ dataDir, mode: 'serve', version: packageJson.version });
  const running = await startServe(services.server, services.events, {
    rendererDir: join(import.meta.dirname, '../renderer'),
    host: host === 'localhost' ? '127.0.0.1' : host,
    port,
    token: process.env.TOOLTUNE_TOKEN || undefined,
  });
  console.log(`ToolTune ${packageJson.version} is serving its UI at ${running.url}`);
  console.log(`Data folder: ${dataDir}. Press Ctrl+C to stop.`);

  const stop = () => {
    void running.close().then(() => {
      services.dispose();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`tooltune serve: error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
