import { checkSchemaSafety } from './schemaSafety';
import { isValidToolName } from './toolNames';
import type { ToolDefinition, ToolImportResult, ToolProblem } from './types';

/**
 * Format-independent rules every tool list must satisfy: valid and unique names (also against
 * names already in the project), a description, an object parameters schema that is safe to compile.
 * Problems carry the tool's index in `tools`.
 */
export function checkToolList(tools: readonly ToolDefinition[], existingNames: readonly string[] = []): ToolProblem[] {
  const problems: ToolProblem[] = [];
  const existing = new Set(existingNames);
  const seen = new Set<string>();
  tools.forEach((tool, toolIndex) => {
    const add = (severity: ToolProblem['severity'], pointer: string, message: string): void => {
      problems.push({ severity, toolIndex, toolName: tool.name, pointer, message });
    };
    if (!isValidToolName(tool.name)) {
      add('error', '', `name "${tool.name.slice(0, 80)}" must be 1-64 letters, digits, "_" or "-"`);
    }
    if (seen.has(tool.name)) add('error', '', `duplicate tool name "${tool.name}" in this import`);
    else if (existing.has(tool.name)) add('error', '', `a tool named "${tool.name}" already exists in this project`);
    seen.add(tool.name);
    if (tool.description.trim() === '') {
      add('warning', '', 'no description: models pick tools by their descriptions, so add one');
    }
    const type = tool.parameters['type'];
    if (type === undefined) add('warning', '', 'parameters schema has no "type"; "object" is expected');
    else if (type !== 'object') add('error', '/type', `parameters schema must have "type": "object", not ${JSON.stringify(type)}`);
    for (const problem of checkSchemaSafety(tool.parameters, '')) add(problem.severity, problem.pointer, problem.message);
  });
  return problems;
}

/** The tools that may be saved: those without any error problem. */
export function toolsWithoutErrors(result: ToolImportResult): ToolDefinition[] {
  const rejected = new Set(result.problems.filter((p) => p.severity === 'error').map((p) => p.toolIndex));
  return result.tools.filter((_, index) => !rejected.has(index));
}
