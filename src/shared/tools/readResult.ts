import type { ToolDefinition, ToolProblem } from './types';

/** A problem found while reading one tool, before the tool has its index in the result. */
export type LocalProblem = Omit<ToolProblem, 'toolIndex' | 'toolName'>;

export interface ReadTool {
  tool: ToolDefinition;
  problems: LocalProblem[];
}

/** What a format reader hands back: tools with their own problems, plus document-level problems. */
export interface FormatReadResult {
  tools: ReadTool[];
  problems: ToolProblem[];
}

