/**
 * What every CLI command shares: parsed arguments, the output sink, usage errors and the lookups
 * that turn names on the command line into things of the Api.
 */
import type { Api, ProjectSummary } from '../../shared/contract';
import { ToolTuneError } from '../../shared/errors';

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export class UsageError extends Error {}

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
