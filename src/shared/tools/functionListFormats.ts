import { BFCL_TYPE_NAMES, convertBfclTypes, usesBfclTypes } from './bfclTypes';
import { appendPointer } from './jsonPointer';
import { isJsonObject, ownValue, type JsonObject } from './plainJson';
import { adoptRequiredBeside, JSON_SCHEMA_TYPES, normalizePythonTypeNames } from './pythonTypes';
import type { FormatReadResult, LocalProblem } from './readResult';
import { fromMcpDialect } from './schemaDialect';
import { isValidToolName, sanitizeToolName } from './toolNames';
import type { ToolSourceFormat } from './types';

/** One entry of a function list, with its place in the source document. */
export interface SourceItem {
  value: unknown;
  pointer: string;
}

/** The formats that are lists of `{name, description, <schema>}` records, differing in details. */
export type FunctionListFormat = Exclude<ToolSourceFormat, 'openapi'>;

interface FunctionListRules {
  /** True when an item clearly has this format's shape. */
  matches(item: JsonObject): boolean;
  /** The object holding name/description/schema, and the pointer segment leading to it. */
  record(item: JsonObject): { record: JsonObject; segment?: string } | null;
  schemaKey: string;
  /** OpenAI documents `parameters` as optional (a function without arguments). */
  schemaOptional: boolean;
  /** Makes the format's default schema dialect explicit in ToolTune's terms (absent `$schema` = draft-07). */
  normalizeDialect?: (schema: JsonObject) => JsonObject;
  /** BFCL names often contain dots (`math.factorial`); BFCL itself maps them to `_` for such APIs. */
  sanitizeNames: boolean;
  /** The format's own type names: every other Python-style name is read as one (`str` → `string`) and reported. */
  typeNames: ReadonlySet<string>;
  convertSchema?: (schema: JsonObject, problems: LocalProblem[]) => void;
}

const hasName = (item: JsonObject): boolean => typeof ownValue(item, 'name') === 'string';

const RULES: Record<FunctionListFormat, FunctionListRules> = {
  openai: {
    matches: (item) => ownValue(item, 'type') === 'function' && isJsonObject(ownValue(item, 'function')),
    record: (item) => {
      const fn = ownValue(item, 'function');
      return isJsonObject(fn) ? { record: fn, segment: 'function' } : null;
    },
    schemaKey: 'parameters',
    schemaOptional: true,
    sanitizeNames: false,
    typeNames: JSON_SCHEMA_TYPES,
  },
  mcp: {
    matches: (item) => hasName(item) && Object.hasOwn(item, 'inputSchema'),
    record: (item) => ({ record: item }),
    schemaKey: 'inputSchema',
    schemaOptional: false,
    normalizeDialect: fromMcpDialect,
    sanitizeNames: false,
    typeNames: JSON_SCHEMA_TYPES,
  },
  anthropic: {
    matches: (item) => hasName(item) && Object.hasOwn(item, 'input_schema'),
    record: (item) => ({ record: item }),
    schemaKey: 'input_schema',
    schemaOptional: false,
    sanitizeNames: false,
    typeNames: JSON_SCHEMA_TYPES,
  },
  bfcl: {
    matches: (item) => hasName(item) && usesBfclTypes(ownValue(item, 'parameters')),
    record: (item) => ({ record: item }),
    schemaKey: 'parameters',
    schemaOptional: false,
    sanitizeNames: true,
    typeNames: BFCL_TYPE_NAMES,
    convertSchema: convertBfclTypes,
  },
  bare: {
    matches: (item) => hasName(item) && Object.hasOwn(item, 'parameters'),
    record: (item) => ({ record: item }),
    schemaKey: 'parameters',
    schemaOptional: false,
    sanitizeNames: false,
    typeNames: JSON_SCHEMA_TYPES,
  },
};

/** Detection order: the most specific shapes first; `bare` is what is left. */
const DETECTION_ORDER: readonly FunctionListFormat[] = ['openai', 'mcp', 'anthropic', 'bfcl', 'bare'];

/**
 * The format of a function list: the first format (in detection order) that any item matches.
 * A list of bare functions where any item uses BFCL type names is BFCL as a whole.
 */
export function detectFunctionListFormat(items: readonly SourceItem[]): FunctionListFormat | null {
  const objects = items.map((item) => item.value).filter(isJsonObject);
  return DETECTION_ORDER.find((format) => objects.some((item) => RULES[format].matches(item))) ?? null;
}

/** Normalizes each item with the rules of one format; items that cannot become a tool are reported. */
export function readFunctionList(items: readonly SourceItem[], format: FunctionListFormat): FormatReadResult {
  const rules = RULES[format];
  const result: FormatReadResult = { tools: [], problems: [] };
  for (const { value, pointer } of items) {
    const found = isJsonObject(value) ? rules.record(value) : null;
    if (!found) {
      result.problems.push({ severity: 'error', pointer, message: `item is not a ${format} tool definition` });
      continue;
    }
    const recordPointer = found.segment ? appendPointer(pointer, found.segment) : pointer;
    const { record } = found;
    const rawName = ownValue(record, 'name');
    if (typeof rawName !== 'string' || rawName === '') {
      result.problems.push({ severity: 'error', pointer: appendPointer(recordPointer, 'name'), message: 'tool has no name' });
      continue;
    }
    const problems: LocalProblem[] = [];
    const name = rules.sanitizeNames && !isValidToolName(rawName) ? sanitizeToolName(rawName) : rawName;
    if (name !== rawName) problems.push({ severity: 'warning', pointer: '', message: `name "${rawName}" changed to "${name}"` });

    const rawDescription = ownValue(record, 'description');
    if (rawDescription !== undefined && typeof rawDescription !== 'string') {
      problems.push({ severity: 'warning', pointer: '', message: 'description is not a string and was ignored' });
    }
    const schema = ownValue(record, rules.schemaKey);
    if (schema !== undefined && !isJsonObject(schema)) {
      result.problems.push({
        severity: 'error',
        toolName: name,
        pointer: appendPointer(recordPointer, rules.schemaKey),
        message: `${rules.schemaKey} of "${name}" must be a JSON Schema object`,
      });
      continue;
    }
    if (schema === undefined && !rules.schemaOptional) {
      problems.push({ severity: 'warning', pointer: '', message: `no ${rules.schemaKey}; the tool takes no arguments` });
    }
    const parameters: JsonObject = schema ?? { type: 'object', properties: {} };
    if (schema !== undefined && adoptRequiredBeside(record, parameters)) {
      problems.push({ severity: 'warning', pointer: '', message: `"required" beside ${rules.schemaKey} moved into it` });
    }
    normalizePythonTypeNames(parameters, problems, rules.typeNames);
    rules.convertSchema?.(parameters, problems);
    const withDialect = rules.normalizeDialect ? rules.normalizeDialect(parameters) : parameters;
    result.tools.push({
      tool: { name, description: typeof rawDescription === 'string' ? rawDescription : '', parameters: withDialect },
      problems,
    });
  }
  return result;
}
