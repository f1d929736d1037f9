import { MAX_SCHEMA_DEPTH, MAX_SCHEMA_NODES } from './limits';
import { appendPointer, parsePointer } from './jsonPointer';
import { isJsonObject, type JsonObject } from './plainJson';
import type { LocalProblem } from './readResult';

/** Keywords whose values are data; a `$ref` inside them is not a reference. */
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['example', 'examples', 'default', 'const', 'enum']);
/** Keywords whose values map names to schemas, so a property called "default" stays a schema. */
const NAME_MAP_KEYWORDS: ReadonlySet<string> = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/** Thrown inside inlining when a tool's schema outgrows the caps; caught per operation. */
export class SchemaTooLargeError extends Error {}

/**
 * Resolves `$ref`s against one OpenAPI document. Only local `#/...` pointers are followed;
 * anything else is refused. Cycles are cut (the reference becomes `{}`, "any value") with a
 * warning, and every inlined schema is held to the schema caps so reference fan-out
 * ("billion laughs" through `$ref`) cannot explode.
 */
export class LocalRefResolver {
  constructor(private readonly document: JsonObject) {}

  /** Follows `$ref` chains on a non-schema object (parameter, request body, path item). */
  resolveObject(value: unknown, problems: LocalProblem[], pointer: string): JsonObject | null {
    const visited = new Set<string>();
    let current = value;
    while (isJsonObject(current) && typeof current['$ref'] === 'string') {
      const ref = current['$ref'];
      if (visited.has(ref)) {
        problems.push({ severity: 'error', pointer, message: `$ref cycle at "${ref}"` });
        return null;
      }
      visited.add(ref);
      current = this.lookUp(ref, problems, pointer);
    }
    return isJsonObject(current) ? current : null;
  }

  /**
   * A deep copy of `schema` with every local `$ref` replaced by its target.
   * `pointer` is where the copy will sit in the tool's parameters (for problem pointers).
   */
  inlineSchema(schema: unknown, problems: LocalProblem[], pointer: string): unknown {
    const budget = { nodes: 0 };
    return this.inline(schema, problems, pointer, [], 0, budget);
  }

  /** `asData`: inside a data keyword, where `$ref` is an ordinary key; still counted against the caps. */
  private inline(
    value: unknown,
    problems: LocalProblem[],
    pointer: string,
    refStack: string[],
    depth: number,
    budget: { nodes: number },
    asData = false,
    isNameMap = false,
  ): unknown {
    if (++budget.nodes > MAX_SCHEMA_NODES) {
      throw new SchemaTooLargeError(`schema has more than ${MAX_SCHEMA_NODES} values once $refs are resolved`);
    }
    if (depth > MAX_SCHEMA_DEPTH) {
      throw new SchemaTooLargeError(`schema is nested deeper than ${MAX_SCHEMA_DEPTH} levels once $refs are resolved`);
    }
    if (Array.isArray(value)) {
      return value.map((item: unknown, index) =>
        this.inline(item, problems, appendPointer(pointer, index), refStack, depth + 1, budget, asData),
      );
    }
    if (!isJsonObject(value)) return value;
    const ref = value['$ref'];
    if (typeof ref === 'string' && !asData) {
      const { $ref: _ref, ...siblings } = value;
      if (refStack.includes(ref)) {
        problems.push({ severity: 'warning', pointer, message: `recursive $ref "${ref}" cut here; this part accepts any value` });
        return this.inline(siblings, problems, pointer, refStack, depth, budget);
      }
      const target = this.lookUp(ref, problems, pointer);
      const resolved = this.inline(target ?? {}, problems, pointer, [...refStack, ref], depth, budget);
      // OpenAPI 3.1 lets keywords sit next to $ref (e.g. a description); they refine the target.
      const refined = this.inline(siblings, problems, pointer, refStack, depth, budget);
      return isJsonObject(resolved) && isJsonObject(refined) ? { ...resolved, ...refined } : resolved;
    }
    const copy: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      const childAsData = asData || (!isNameMap && DATA_KEYWORDS.has(key));
      const childIsNameMap = !childAsData && !isNameMap && NAME_MAP_KEYWORDS.has(key);
      copy[key] = this.inline(child, problems, appendPointer(pointer, key), refStack, depth + 1, budget, childAsData, childIsNameMap);
    }
    return copy;
  }

  private lookUp(ref: string, problems: LocalProblem[], pointer: string): unknown {
    if (!ref.startsWith('#')) {
      problems.push({ severity: 'error', pointer, message: `$ref "${ref.slice(0, 200)}" is not inside this document; remote references are refused` });
      return undefined;
    }
    const tokens = parsePointer(safeDecode(ref.slice(1)));
    let current: unknown = this.document;
    for (const token of tokens ?? []) {
      current = isJsonObject(current) && Object.hasOwn(current, token) ? current[token] : Array.isArray(current) ? current[Number(token)] : undefined;
    }
    if (tokens === null || current === undefined) {
      problems.push({ severity: 'error', pointer, message: `$ref "${ref.slice(0, 200)}" points at nothing in this document` });
      return undefined;
    }
    return current;
  }
}

function safeDecode(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}
