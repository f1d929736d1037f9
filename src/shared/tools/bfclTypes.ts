import { MAX_SCHEMA_DEPTH } from './limits';
import { appendPointer } from './jsonPointer';
import type { JsonObject } from './plainJson';
import type { LocalProblem } from './readResult';
import { walkSchema } from './schemaWalk';

/** BFCL's Python-flavoured type names and their JSON Schema equivalents (`null`: no constraint). */
const BFCL_TYPE_TO_JSON: ReadonlyMap<string, string | null> = new Map([
  ['dict', 'object'],
  ['float', 'number'],
  ['tuple', 'array'],
  ['any', null],
  ['object', 'object'],
  ['number', 'number'],
  ['integer', 'integer'],
  ['boolean', 'boolean'],
  ['string', 'string'],
  ['array', 'array'],
  ['null', 'null'],
]);

/** The type names BFCL itself writes. */
export const BFCL_TYPE_NAMES: ReadonlySet<string> = new Set(BFCL_TYPE_TO_JSON.keys());

/** Types only BFCL uses; one of them anywhere marks a function list as BFCL. */
const BFCL_ONLY_TYPES: ReadonlySet<string> = new Set(['dict', 'float', 'tuple', 'any']);

export function usesBfclTypes(schema: unknown): boolean {
  let found = false;
  walkSchema(schema, '', MAX_SCHEMA_DEPTH, (node) => {
    const type = node['type'];
    if (typeof type === 'string' && BFCL_ONLY_TYPES.has(type)) found = true;
  });
  return found;
}

/** Rewrites BFCL type names in place to JSON Schema ones; unknown names become errors. */
export function convertBfclTypes(schema: JsonObject, problems: LocalProblem[]): void {
  walkSchema(schema, '', MAX_SCHEMA_DEPTH, (node, pointer) => {
    if (!Object.hasOwn(node, 'type')) return;
    const type = node['type'];
    const mapped = typeof type === 'string' ? BFCL_TYPE_TO_JSON.get(type) : undefined;
    if (mapped === undefined) {
      problems.push({ severity: 'error', pointer: appendPointer(pointer, 'type'), message: `unknown BFCL type ${JSON.stringify(type)}` });
    } else if (mapped === null) {
      delete node['type'];
    } else {
      node['type'] = mapped;
    }
  });
}
