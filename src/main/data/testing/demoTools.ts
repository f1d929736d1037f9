import { readFileSync } from 'node:fs';
import type { ToolDefinition } from '../../../shared/tools/types';

/** The Demo project's tools, for tests and benchmarks (read from resources/, as shipped). */
export const DEMO_TOOLS: ToolDefinition[] = (
  JSON.parse(readFileSync(new URL('../../../../resources/demo/tools.json', import.meta.url), 'utf8')) as { function: ToolDefinition }[]
).map((entry) => entry.function);
