/**
 * `tooltune` command line: the same services as the app, in process, through the
 * same validated RPC path. Parses arguments and maps results to exit codes.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import packageJson from '../../../package.json';
import { ToolTuneError } from '../../shared/errors';
import { createRpcClient } from '../../shared/rpc/client';
import { resolveDataDir } from '../paths';
import { createServices } from '../services/createServices';
import { inProcessTransport } from '../transport/inProcessTransport';
import { formatProblem, runCommand, USAGE } from './commands';
import { OutcomeError, UsageError, type ParsedArgs } from './commandSupport';
import { EXIT, exitCodeFor } from './exitCodes';
import type { ToolProblem } from '../../shared/tools/types';

function parse(argv: string[]): ParsedArgs {
  // Under `data`, --version names a dataset version; elsewhere it asks for ToolTune's own.
  const version = argv[0] === 'data' ? ({ type: 'string' } as const) : ({ type: 'boolean', short: 'v' } as const);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      project: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      yes: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'skip-invalid': { type: 'boolean' },
      tag: { type: 'string', multiple: true },
      'path-prefix': { type: 'string', multiple: true },
      method: { type: 'string', multiple: true },
      count: { type: 'string' },
      seed: { type: 'string' },
      name: { type: 'string' },
      eval: { type: 'string' },
      'add-tools': { type: 'boolean' },
      dataset: { type: 'string' },
      model: { type: 'string' },
      'max-steps': { type: 'string' },
      epochs: { type: 'string' },
      rank: { type: 'string' },
      lr: { type: 'string' },
      ctx: { type: 'string' },
      backend: { type: 'string' },
      run: { type: 'string' },
      wait: { type: 'boolean' },
      endpoint: { type: 'string' },
      variants: { type: 'string' },
      set: { type: 'string' },
      checkpoint: { type: 'string' },
      threads: { type: 'string' },
      parallel: { type: 'string' },
      'max-tokens': { type: 'string' },
      questions: { type: 'string' },
      answers: { type: 'string' },
      predictions: { type: 'string' },
      'served-model': { type: 'string' },
      quant: { type: 'string' },
      export: { type: 'string' },
      package: { type: 'string' },
      'skip-gate': { type: 'boolean' },
      'hf-repo': { type: 'string' },
      'auto-approve': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version,
    },
  });
  return { positionals, flags: values };
}

function problemsOf(error: ToolTuneError): ToolProblem[] {
  const details = error.details as { problems?: ToolProblem[] } | undefined;
  return Array.isArray(details?.problems) ? details.problems : [];
}

/** A yes/no question on the terminal; none when stdin is not one (a script, a pipe): "ask" then means deny. */
function terminalConfirm(): ((question: string) => Promise<boolean>) | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return async (question) => {
    const terminal = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await terminal.question(`${question} [y/N] `)).trim());
    } finally {
      terminal.close();
    }
  };
}

export async function main(argv: string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parse(argv);
  } catch (error) {
    console.error(`tooltune: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (args.flags.version === true) {
    console.log(packageJson.version);
    return EXIT.ok;
  }
  if (args.flags.help || args.positionals.length === 0) {
    console.log(USAGE);
    return args.flags.help ? EXIT.ok : EXIT.usage;
  }
  const services = await createServices({ dataDir: resolveDataDir(), mode: 'cli', version: packageJson.version });
  const client = createRpcClient(inProcessTransport(services.server, services.events));
  try {
    await runCommand(client.api, args, { out: (line) => console.log(line), err: (line) => console.error(line) }, terminalConfirm());
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`tooltune: ${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof OutcomeError) {
      console.error(`tooltune: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof ToolTuneError) {
      for (const problem of problemsOf(error)) console.error(formatProblem(problem));
      console.error(`tooltune: error: ${error.message}`);
      return exitCodeFor(error.code);
    }
    console.error(`tooltune: error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failure;
  } finally {
    client.dispose();
    services.dispose();
  }
}

