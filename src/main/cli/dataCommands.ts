/**
 * `tooltune data …`: the Data step from the command line, through the typed Api only, exactly
 * like the UI: large files go up in parts, long work runs as a job with progress on stderr.
 */
import { open, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Api, DataStats, JobInfo, ProjectSummary } from '../../shared/contract';
import { DATA_EXPORT_FORMATS, DATA_IMPORT_FORMATS, DATA_TEXT_CHUNK_MAX, DATA_UPLOAD_MAX, GENERATE_COUNT_MAX } from '../../shared/contract';
import { ToolTuneError } from '../../shared/errors';
import { projectByName, requireFlag, requirePositional, UsageError, versionByName, wholeNumberFlag, type Output, type ParsedArgs } from './commandSupport';
import { waitForJob } from './waitForJob';

const DEFAULT_COUNT = 1000;

function integerFlag(args: ParsedArgs, name: string, fallback: number, max: number): number {
  return wholeNumberFlag(args, name, 0, max) ?? fallback;
}

function formatFlag<F extends string>(args: ParsedArgs, formats: readonly F[]): F {
  const format = requireFlag(args, 'format');
  if (!(formats as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')}.`);
  return format as F;
}

/** Waits for the job, printing a progress line to stderr at most ~10 times a second. */
async function followJob(api: Api, jobId: string, output: Output, verb: string): Promise<JobInfo> {
  const job = await waitForJob(api, jobId, (progress) => {
    if (progress.state === 'running') output.err(`${verb}: ${progress.done}/${progress.total || '?'}`);
  });
  if (job.state === 'failed') throw new ToolTuneError('internal', `${verb} failed: ${job.message ?? 'unknown error'}`);
  if (job.state !== 'done') throw new ToolTuneError('internal', `${verb} ended ${job.state} after ${job.done} samples.`);
  return job;
}

/** Sends a file in parts no larger than one message may carry; returns the upload's id. */
async function uploadFile(api: Api, file: string): Promise<string> {
  const info = await stat(file).catch(() => {
    throw new ToolTuneError('not-found', `Cannot read ${file}: no such file.`);
  });
  if (!info.isFile()) throw new ToolTuneError('invalid-input', `${file} is not a file.`);
  if (info.size > DATA_UPLOAD_MAX) throw new ToolTuneError('too-large', `${file} has ${info.size} bytes; imports are capped at ${DATA_UPLOAD_MAX} bytes.`);
  const handle = await open(file);
  try {
    let uploadId: string | undefined;
    const send = async (text: string): Promise<void> => {
      ({ uploadId } = await api.data.uploadChunk(uploadId === undefined ? { text } : { uploadId, text }));
    };
    // A part of at most this many bytes decodes to at most as many characters.
    const buffer = Buffer.alloc(DATA_TEXT_CHUNK_MAX);
    const decoder = new TextDecoder('utf-8');
    for (let read = await handle.read(buffer, 0, buffer.length, null); read.bytesRead > 0; read = await handle.read(buffer, 0, buffer.length, null)) {
      await send(decoder.decode(buffer.subarray(0, read.bytesRead), { stream: true }));
    }
    const rest = decoder.decode();
    if (rest.length > 0 || uploadId === undefined) await send(rest);
    return uploadId as string;
  } finally {
    await handle.close();
  }
}

async function versionIdByName(api: Api, project: ProjectSummary, name: string | undefined): Promise<string | undefined> {
  return name === undefined ? undefined : (await versionByName(api, project, name)).id;
}

function printStats(stats: DataStats, output: Output): void {
  output.out(`${stats.total} samples`);
  const section = (title: string, entries: { key: string; count: number }[]) => {
    if (entries.length > 0) output.out(`${title}: ${entries.map((entry) => `${entry.key} ${entry.count}`).join(', ')}`);
  };
  section('status', stats.byStatus);
  section('kind', stats.byKind);
  section('tool', stats.byTool);
  section('failed checks', stats.byFailedCheck);
  section('split', stats.bySplit);
  if (stats.duplicates.length > 0) output.out(`duplicate groups: ${stats.duplicates.length}`);
  for (const warning of stats.warnings) output.out(`warning: ${warning.message}`);
}

export async function runDataCommand(api: Api, action: string | undefined, args: ParsedArgs, output: Output): Promise<void> {
  const project = await projectByName(api, requireFlag(args, 'project'));
  const json = args.flags.json === true;
  const print = (value: unknown) => output.out(JSON.stringify(value, null, 2));
  const versionName = typeof args.flags.version === 'string' ? args.flags.version : undefined;

  switch (action) {
    case 'generate': {
      const count = integerFlag(args, 'count', DEFAULT_COUNT, GENERATE_COUNT_MAX);
      if (count === 0) throw new UsageError('--count must be at least 1.');
      const seed = integerFlag(args, 'seed', Math.floor(Math.random() * 0x100000000), 0xffffffff);
      const { jobId } = await api.data.generate({ projectId: project.id, count, seed });
      const job = await followJob(api, jobId, output, 'generate');
      return json ? print(job) : output.out(`Generated ${job.done} samples in "${project.name}" (seed ${seed}).`);
    }
    case 'import': {
      const file = requirePositional(args, 0, 'A file to import');
      const uploadId = await uploadFile(api, file);
      const format = args.flags.format === undefined ? undefined : formatFlag(args, DATA_IMPORT_FORMATS);
      const request = { projectId: project.id, uploadId, fileName: basename(file) };
      const { jobId } = await api.data.import(format === undefined ? request : { ...request, format });
      const summary = (await followJob(api, jobId, output, 'import')).importSummary;
      if (!summary) throw new ToolTuneError('internal', 'The import finished without a summary.');
      for (const problem of summary.problems) output.err(`${problem.line > 0 ? `line ${problem.line}: ` : ''}${problem.severity}: ${problem.message}`);
      if (summary.missingTools.length > 0 && args.flags['add-tools'] === true) {
        const { imported } = await api.tools.commitImport({ projectId: project.id, text: JSON.stringify(summary.missingTools), fileName: 'from-dataset.json' });
        output.err(`Added ${imported.length} tools the samples use: ${imported.map((tool) => tool.name).join(', ')}.`);
      } else if (summary.missingTools.length > 0) {
        output.err(`The samples use tools the project lacks: ${summary.missingTools.map((tool) => tool.name).join(', ')}. Add --add-tools to import them.`);
      }
      if (json) return print(summary);
      return output.out(`Imported ${summary.imported} samples (${summary.format}) into "${project.name}"; ${summary.failingChecks} fail a check, ${summary.problems.length} problems.`);
    }
    case 'export': {
      const format = formatFlag(args, DATA_EXPORT_FORMATS);
      const versionId = await versionIdByName(api, project, versionName);
      const exported = await api.data.export(versionId === undefined ? { projectId: project.id, format } : { projectId: project.id, format, versionId });
      const out = args.flags.out;
      if (typeof out !== 'string') return output.out(exported.text.trimEnd());
      await writeFile(out, exported.text, 'utf8');
      for (const extra of exported.extraFiles) await writeFile(join(dirname(out), extra.fileName), extra.text, 'utf8');
      return output.out(`Wrote ${[out, ...exported.extraFiles.map((extra) => join(dirname(out), extra.fileName))].join(', ')}.`);
    }
    case 'stats': {
      const versionId = await versionIdByName(api, project, versionName);
      const stats = await api.data.stats(versionId === undefined ? { projectId: project.id } : { projectId: project.id, versionId });
      return json ? print(stats) : printStats(stats, output);
    }
    case 'split': {
      const raw = args.flags.eval ?? '0.1';
      const evalFraction = Number(raw);
      if (typeof raw !== 'string' || !(evalFraction >= 0 && evalFraction <= 0.9)) throw new UsageError('--eval must be a fraction from 0 to 0.9.');
      const seed = integerFlag(args, 'seed', 0, 0xffffffff);
      const result = await api.data.split({ projectId: project.id, evalFraction, seed });
      return json ? print(result) : output.out(`train ${result.train}, eval ${result.eval} (${result.locked} kept from frozen versions).`);
    }
    case 'freeze': {
      const version = await api.data.freeze({ projectId: project.id, name: requireFlag(args, 'name') });
      if (json) return print(version);
      return output.out(`Froze "${version.name}": ${version.sampleCount} samples (train ${version.trainCount}, eval ${version.evalCount}), sha256 ${version.contentHash}.`);
    }
  }
  throw new UsageError(`Unknown command: data ${action ?? ''}`.trim());
}
