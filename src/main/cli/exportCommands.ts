/**
 * `tooltune export …`: the Export step from the command line. `export create` merges, quantizes and packages a
 * run (then runs the quality gate) into a folder under `--out`; `export list` shows the project's exports.
 * `export --project P --quant … --format … --out DIR` is the shorthand for `export create` (`--format` = `--package`).
 */
import { resolve } from 'node:path';
import type { Api, ExportPackage, ExportParams, ExportRecord, QuantType } from '../../shared/contract';
import { EXPORT_PACKAGES, QUANT_TYPES } from '../../shared/contract';
import { ToolTuneError } from '../../shared/errors';
import { formatBytes } from '../../shared/units';
import { OutcomeError, projectByName, requireFlag, UsageError, wholeNumberFlag, type Output, type ParsedArgs } from './commandSupport';
import { EXIT } from './exitCodes';
import { modelById } from './trainCommands';
import { waitForJob } from './waitForJob';

function listFlag<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[]): T[] | undefined {
  const raw = args.flags[name];
  if (raw === undefined) return undefined;
  const names = typeof raw === 'string' ? raw.split(',').map((v) => v.trim()).filter(Boolean) : [];
  const unknown = names.find((n) => !(allowed as readonly string[]).includes(n));
  if (names.length === 0 || unknown !== undefined) throw new UsageError(`--${name} takes a comma-separated list of ${allowed.join(', ')}${unknown ? ` (not "${unknown}")` : ''}.`);
  return [...new Set(names)] as T[];
}

/** `--run 3` or `--run 3@120` (run 3's checkpoint at step 120). */
function runFlag(args: ParsedArgs): { seq: number; step?: number } | undefined {
  const raw = args.flags.run;
  if (raw === undefined) return undefined;
  const match = typeof raw === 'string' ? /^(\d+)(?:@(\d+))?$/.exec(raw) : null;
  if (!match) throw new UsageError('--run takes a run number, or RUN@STEP for a kept checkpoint (e.g. 3@120).');
  return { seq: Number(match[1]), ...(match[2] !== undefined ? { step: Number(match[2]) } : {}) };
}

function recordLines(record: ExportRecord): string[] {
  const lines = [`${record.name}\t${record.state}\t${record.dir}${record.message ? `\t${record.message}` : ''}`];
  for (const file of record.files) lines.push(`  ${file.name}\t${formatBytes(file.bytes)}${file.sha256 ? `\t${file.sha256}` : ''}`);
  return lines;
}

async function createExport(api: Api, args: ParsedArgs, output: Output, packageFlag: 'package' | 'format'): Promise<void> {
  const project = await projectByName(api, requireFlag(args, 'project'));
  const params: ExportParams = { projectId: project.id, outDir: requireFlag(args, 'out') };
  const run = runFlag(args);
  if (run) {
    const found = (await api.train.runs({ projectId: project.id })).find((r) => r.seq === run.seq);
    if (!found) throw new ToolTuneError('not-found', `"${project.name}" has no run ${run.seq}.`);
    params.runId = found.id;
    if (run.step !== undefined) params.checkpointStep = run.step;
  }
  const quants = listFlag<QuantType>(args, 'quant', QUANT_TYPES);
  if (quants) params.quants = quants;
  const packages = listFlag<ExportPackage>(args, packageFlag, EXPORT_PACKAGES);
  if (packages) params.packages = packages;
  if (args.flags['skip-gate'] === true) params.gate = false;
  if (typeof args.flags['hf-repo'] === 'string') params.hfRepo = args.flags['hf-repo'];
  const threads = wholeNumberFlag(args, 'threads', 1, 512);
  if (threads !== undefined) params.threads = threads;

  const estimate = await api.export.estimate(params);
  for (const warning of estimate.warnings) output.err(`note: ${warning}`);
  output.err(`Writes about ${formatBytes(estimate.totalBytes)} (${formatBytes(estimate.freeBytes)} free).`);
  const { jobId, exportId } = await api.export.start(params);
  let lastMessage = '';
  const job = await waitForJob(api, jobId, (progress) => {
    if (progress.message && progress.message !== lastMessage) output.err((lastMessage = progress.message));
  });
  const record = await api.export.get({ exportId });
  if (args.flags.json === true) output.out(JSON.stringify(record, null, 2));
  else for (const line of recordLines(record)) output.out(line);
  if (job.state !== 'done') throw new OutcomeError(job.state === 'cancelled' ? EXIT.runStopped : EXIT.failure, `The export ${job.state}: ${job.message ?? 'no reason given'}`);
  if (job.message) output.err(job.message);
}

async function listExports(api: Api, args: ParsedArgs, output: Output): Promise<void> {
  const project = await projectByName(api, requireFlag(args, 'project'));
  const records = await api.export.list({ projectId: project.id });
  if (args.flags.json === true) return output.out(JSON.stringify(records, null, 2));
  if (records.length === 0) return output.out(`"${project.name}" has no exports yet.`);
  for (const record of records) for (const line of recordLines(record)) output.out(line);
}

/** `adapter import <dir|file> --project P --model M`: a LoRA trained elsewhere becomes a finished run of the project. */
export async function runAdapterCommand(api: Api, action: string | undefined, args: ParsedArgs, output: Output): Promise<void> {
  if (action !== 'import') throw new UsageError(`Unknown command: adapter ${action ?? ''}`.trim());
  const source = args.positionals[0];
  if (source === undefined) throw new UsageError('adapter import needs the adapter: a PEFT folder or a GGUF file.');
  const project = await projectByName(api, requireFlag(args, 'project'));
  const model = await modelById(api, requireFlag(args, 'model'));
  const run = await api.train.importAdapter({ projectId: project.id, modelId: model.id, path: resolve(source) });
  if (args.flags.json === true) return output.out(JSON.stringify(run, null, 2));
  output.out(`Imported as run ${run.seq} of "${project.name}" (rank ${run.settings.rank}, ${run.settings.targets.join(', ')}): evaluate or export it like any run.`);
}

export async function runExportCommand(api: Api, action: string | undefined, args: ParsedArgs, output: Output): Promise<void> {
  if (action === 'create') return createExport(api, args, output, 'package');
  if (action === 'list') return listExports(api, args, output);
  if (action === undefined) return createExport(api, args, output, 'format');
  throw new UsageError(`Unknown command: export ${action}`);
}
