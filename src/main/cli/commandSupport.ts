/**
 * What every CLI command shares: parsed arguments, the output sink, usage errors and the lookups
 * that turn names on the command line into things of the Api.
 */
import type { Api, DatasetVersion, ProjectSummary } from '../../shared/contract';
import { ToolTuneError } from '../../shared/errors';

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export class UsageError extends Error {}

/**
 * The command did its part, but what it waited for ended badly (a training run that failed or was stopped):
 * the message goes to stderr and the process exits with `exitCode`, after whatever the command already printed.
 */
export class OutcomeError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
}

export function requireFlag(args: ParsedArgs, name: string): string {
  const value = args.flags[name];
  if (typeof value !== 'string' || value.length === 0) throw new UsageError(`--${name} <value> is required.`);
  return value;
}

export function requirePositional(args: ParsedArgs, index: number, what: string): string {
  const value = args.positionals[index];
  if (value === undefined) throw new UsageError(`${what} is required.`);
  return value;
}

export async function projectByName(api: Api, name: string): Promise<ProjectSummary> {
  const projects = await api.projects.list({});
  const project = projects.find((candidate) => candidate.name.toLowerCase() === name.trim().toLowerCase());
  if (!project) throw new ToolTuneError('not-found', `No project named "${name}". See \`tooltune project list\`.`);
  return project;
}

export async function versionByName(api: Api, project: ProjectSummary, name: string): Promise<DatasetVersion> {
  const version = (await api.data.versions({ projectId: project.id })).find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!version) throw new ToolTuneError('not-found', `No dataset version named "${name}" in "${project.name}".`);
  return version;
}

/** A whole-number flag within [min, max] (no upper bound without `max`), or undefined when it is not given. */
export function wholeNumberFlag(args: ParsedArgs, name: string, min: number, max?: number): number | undefined {
  const raw = args.flags[name];
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || (max !== undefined && value > max)) {
    throw new UsageError(`--${name} must be a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}.`);
  }
  return value;
}
