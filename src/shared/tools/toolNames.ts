import { MAX_TOOL_NAME_LENGTH } from './limits';

/** The tool-name rule shared by OpenAI, Anthropic and most local runtimes. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

export function isValidToolName(name: string): boolean {
  return TOOL_NAME_PATTERN.test(name);
}

/**
 * Turns any text into a valid tool name: other characters become `_`, runs of `_` collapse,
 * edges are trimmed and the result is cut to the length cap. Empty input gives `fallback`.
 */
export function sanitizeToolName(raw: string, fallback = 'tool'): string {
  const cleaned = raw
    .replace(/[^a-zA-Z0-9_-]+/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_TOOL_NAME_LENGTH)
    .replace(/_+$/, '');
  return cleaned === '' ? fallback : cleaned;
}
