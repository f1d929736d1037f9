import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

const entry = join(import.meta.dirname, '../cli/index.ts');

/** Runs the real CLI entry from source in a child process, as a script would, on `dataDir`. */
export function runCli(dataDir: string, ...args: string[]): CliResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { ...process.env, TOOLTUNE_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
