import { MAX_SCHEMA_DEPTH, MAX_SCHEMA_NODES } from './limits';
import { appendPointer } from './jsonPointer';
import { isJsonObject, ownValue } from './plainJson';
import { walkSchema } from './schemaWalk';
import type { ToolProblem } from './types';

/** Keywords whose object value holds names or data, where a `$data` key is not ajv's `$data`. */
const NAME_OR_DATA_KEYWORDS: ReadonlySet<string> = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
  'dependencies',
  'default',
  'const',
  'examples',
]);

type SafetyProblem = Omit<ToolProblem, 'toolIndex' | 'toolName'>;

/**
 * Structural checks a schema must pass before ajv (or anything else) compiles it:
 * size caps, references that stay inside the schema, no `$data`. Checks only; never throws,
 * even on cyclic objects (the depth cap cuts them).
 */
export function checkSchemaSafety(schema: unknown, pointerBase = ''): SafetyProblem[] {
  const sizeProblem = measureSchema(schema, pointerBase);
  if (sizeProblem) return [sizeProblem];
  const problems: SafetyProblem[] = [];
  walkSchema(schema, pointerBase, MAX_SCHEMA_DEPTH, (node, pointer) => {
    for (const keyword of ['$ref', '$dynamicRef', '$recursiveRef']) {
      const ref = ownValue(node, keyword);
      if (ref === undefined) continue;
      if (typeof ref !== 'string') {
        problems.push(error(appendPointer(pointer, keyword), `${keyword} must be a string`));
      } else if (!ref.startsWith('#')) {
        problems.push(error(appendPointer(pointer, keyword), `${keyword} "${clip(ref)}" leaves the schema; only local "#..." references are allowed`));
      }
    }
    if (Object.hasOwn(node, '$data')) {
      problems.push(error(appendPointer(pointer, '$data'), '$data references are not allowed'));
    }
    for (const [keyword, value] of Object.entries(node)) {
      if (isJsonObject(value) && Object.hasOwn(value, '$data') && !NAME_OR_DATA_KEYWORDS.has(keyword)) {
        problems.push(error(appendPointer(pointer, keyword, '$data'), '$data references are not allowed'));
      }
    }
  });
  return problems;
}

/** Depth and node count over all JSON in the schema (data keywords included), iteratively. */
function measureSchema(schema: unknown, pointerBase: string): SafetyProblem | null {
  let nodes = 0;
  const stack: { value: unknown; depth: number; pointer: string }[] = [{ value: schema, depth: 0, pointer: pointerBase }];
  while (stack.length > 0) {
    const { value, depth, pointer } = stack.pop() as (typeof stack)[number];
    if (++nodes > MAX_SCHEMA_NODES) {
      return error(pointerBase, `schema has more than ${MAX_SCHEMA_NODES} values`);
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_SCHEMA_DEPTH) {
      return error(pointer, `schema is nested deeper than ${MAX_SCHEMA_DEPTH} levels`);
    }
    for (const [key, child] of Object.entries(value)) {
      stack.push({ value: child, depth: depth + 1, pointer: appendPointer(pointer, key) });
    }
  }
  return null;
}

function error(pointer: string, message: string): SafetyProblem {
  return { severity: 'error', pointer, message };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Every regular expression of a schema, with its pointer: `pattern` values and `patternProperties` keys. */
export function schemaPatterns(schema: unknown): Array<{ pointer: string; pattern: string }> {
  const patterns: Array<{ pointer: string; pattern: string }> = [];
  walkSchema(schema, '', MAX_SCHEMA_DEPTH, (node, pointer) => {
    const pattern = ownValue(node, 'pattern');
    if (typeof pattern === 'string') patterns.push({ pointer: appendPointer(pointer, 'pattern'), pattern });
    const patternProperties = ownValue(node, 'patternProperties');
    for (const key of isJsonObject(patternProperties) ? Object.keys(patternProperties) : []) {
      patterns.push({ pointer: appendPointer(pointer, 'patternProperties', key), pattern: key });
    }
  });
  return patterns;
}
