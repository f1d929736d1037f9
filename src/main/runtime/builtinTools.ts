import type { BuiltinBinding } from '../../shared/chat/bindings';
import { calculate } from '../../shared/chat/calculator';
import { demoCurrency, demoWeather } from '../../shared/chat/demoTables';
import { listWorkspaceFiles, readWorkspaceFile, titleToFileName, writeWorkspaceFile } from './workspaceFiles';

export interface ToolOutput {
  /** What goes back to the model. */
  content: string;
  ok: boolean;
  /** Workspace-relative paths written. */
  files: string[];
}

/** Runs a built-in: file tools inside `workspaceDir` only, the date, the calculator, the demo's tables. */
export function runBuiltin(binding: BuiltinBinding, args: Record<string, unknown>, workspaceDir: string, now = new Date()): ToolOutput {
  switch (binding.builtin) {
    case 'write_file':
    case 'append_file': {
      const path = filePath(binding, args);
      const content = stringArgument(args, binding.contentArgument ?? 'content');
      const written = writeWorkspaceFile(workspaceDir, path, content, { append: binding.builtin === 'append_file' });
      return { ok: true, files: [written.path], content: JSON.stringify({ saved: written.path, bytes: written.bytes }) };
    }
    case 'read_file': {
      const read = readWorkspaceFile(workspaceDir, filePath(binding, args));
      return { ok: true, files: [], content: read.truncated ? `${read.content}\n[truncated]` : read.content };
    }
    case 'list_files': {
      const folder = args[binding.pathArgument ?? 'path'];
      const entries = listWorkspaceFiles(workspaceDir, typeof folder === 'string' ? folder : '');
      return { ok: true, files: [], content: JSON.stringify(entries) };
    }
    case 'datetime':
      return { ok: true, files: [], content: JSON.stringify({ iso: now.toISOString(), local: now.toString(), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }) };
    case 'calculator': {
      const expression = stringArgument(args, binding.expressionArgument ?? 'expression');
      return { ok: true, files: [], content: JSON.stringify({ expression, result: calculate(expression) }) };
    }
    case 'demo_weather':
    case 'demo_currency': {
      const answer = binding.builtin === 'demo_weather' ? demoWeather(args) : demoCurrency(args);
      return answer.ok ? { ok: true, files: [], content: JSON.stringify(answer.result) } : { ok: false, files: [], content: JSON.stringify({ error: answer.error }) };
    }
  }
}

function filePath(binding: BuiltinBinding, args: Record<string, unknown>): string {
  const value = stringArgument(args, binding.pathArgument ?? 'path');
  return binding.pathFrom === 'title' ? titleToFileName(value) : value;
}

function stringArgument(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string') throw new Error(`the argument "${name}" must be a string`);
  return value;
}
