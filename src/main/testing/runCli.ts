import { spawn, spawnSync } from 'node:child_process';
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

/**
 * Runs the CLI without blocking this process (so a server in the test can answer it). With `closedStdout` its
 * stdout is closed at once, like `tooltune … | head -c 0`.
 */
export function runCliAsync(dataDir: string, args: readonly string[], options: { closedStdout?: boolean } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { env: { ...process.env, TOOLTUNE_DATA_DIR: dataDir } });
    let stdout = '';
    let stderr = '';
    if (options.closedStdout) child.stdout.destroy();
    else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    });
  });
}

/** Runs the CLI with its stdout closed at once, like `tooltune … | head -c 0`: exit status and stderr. */
export async function runCliWithClosedStdout(dataDir: string, ...args: string[]): Promise<Omit<CliResult, 'stdout'>> {
  const { status, stderr } = await runCliAsync(dataDir, args, { closedStdout: true });
  return { status, stderr };
}
