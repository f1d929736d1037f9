/**
 * BFCL's AST checker (`bfcl_eval/eval_checker/ast_eval/ast_checker.py`), rule by rule: is a produced call what an
 * eval case accepts? The verdict names the rule that failed, so the failure browser can say why.
 *
 * - the function name must equal the expected one exactly (dotted names included);
 * - every required parameter present, no parameter the function or the answer does not know;
 * - types from the tool's schema: an integer is accepted for a float, a float literal (`10.0`) for an integer is
 *   not, and inside an array each element must have the element type exactly (an int in a float array fails);
 * - strings compare after lower-casing and removing spaces and `,./-_*^`; lists element by element, in order;
 *   numbers by value; dicts key by key;
 * - an optional parameter may be left out only where the answer allows it (`mayOmit`, BFCL's `""`);
 * - parallel calls match in any order with equal counts; where no call is expected, any call fails.
 */
import type { AcceptableArgument, ExpectedCall } from '../data/evalExpectation';
import { isJsonObject, type JsonObject } from '../tools/plainJson';

/** A call the model made, with where its JSON text wrote floats (`floatLiteralPaths` of its arguments). */
export interface ProducedCall {
  name: string;
  arguments: unknown;
  /** JSON Pointers below the arguments object of numbers written with a fraction or exponent. */
  floats: ReadonlySet<string>;
}

export type CheckRule =
  | 'wrong_name'
  | 'wrong_count'
  | 'missing_required'
  | 'unexpected_param'
  | 'type_error'
  | 'value_error'
  | 'missing_optional'
  | 'call_not_expected'
  | 'no_call';

export type Verdict = { valid: true } | { valid: false; rule: CheckRule; message: string; param?: string };

const VALID: Verdict = { valid: true };

function fail(rule: CheckRule, message: string, param?: string): Verdict {
  return param === undefined ? { valid: false, rule, message } : { valid: false, rule, message, param };
}

/** BFCL's `standardize_string`. */
export function standardizeString(text: string): string {
  return text.replace(/[ ,./\-_*^]/g, '').toLowerCase();
}

type ParamType = 'integer' | 'number' | 'string' | 'boolean' | 'array' | 'object' | 'any';

const TYPE_NAMES: Record<string, ParamType> = {
  integer: 'integer',
  number: 'number',
  float: 'number',
  string: 'string',
  boolean: 'boolean',
  array: 'array',
  tuple: 'array',
  object: 'object',
  dict: 'object',
  any: 'any',
};

/** The declared type of a parameter schema (the first non-null one of a type list); `any` where none is declared. */
function typeOf(schema: unknown): ParamType {
  if (!isJsonObject(schema)) return 'any';
  const declared = schema['type'];
  const name = Array.isArray(declared) ? declared.find((t) => t !== 'null') : declared;
  return typeof name === 'string' ? (TYPE_NAMES[name] ?? 'any') : 'any';
}

function hasType(value: unknown, type: ParamType, isFloatLiteral: boolean, acceptInteger: boolean): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && !isFloatLiteral;
    case 'number':
      return typeof value === 'number' && (isFloatLiteral || acceptInteger || !Number.isInteger(value));
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isJsonObject(value);
    case 'any':
      return true;
  }
}

/** Equality after BFCL's normalisation: strings standardized, numbers by value, lists in order, dicts key by key. */
function sameValue(produced: unknown, accepted: unknown): boolean {
  if (typeof produced === 'string' && typeof accepted === 'string') return standardizeString(produced) === standardizeString(accepted);
  if (Array.isArray(produced) && Array.isArray(accepted)) return produced.length === accepted.length && produced.every((item, i) => sameValue(item, accepted[i]));
  if (isJsonObject(produced) && isJsonObject(accepted)) return dictMatches(produced, accepted);
  return produced === accepted;
}

/**
 * A dict against an accepted dict. BFCL writes a dict's answer as lists of acceptable values per key, `""` meaning
 * "may be left out"; an answer taken from a recorded call has the values themselves. Both are read here.
 */
function dictMatches(produced: JsonObject, accepted: JsonObject): boolean {
  if (Object.keys(produced).some((key) => !Object.hasOwn(accepted, key))) return false;
  return Object.entries(accepted).every(([key, want]) => {
    const listOfOptions = Array.isArray(want) && !Array.isArray(produced[key]);
    if (!Object.hasOwn(produced, key)) return listOfOptions && want.includes('');
    return listOfOptions ? want.some((option) => option !== '' && sameValue(produced[key], option)) : sameValue(produced[key], want);
  });
}

function pointerOf(key: string): string {
  return `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** One argument: its type against the schema, then its value against the acceptable ones. */
function checkArgument(key: string, value: unknown, schema: unknown, accepted: AcceptableArgument, floats: ReadonlySet<string>): Verdict {
  const pointer = pointerOf(key);
  const type = typeOf(schema);
  if (!hasType(value, type, floats.has(pointer), true)) return fail('type_error', `"${key}" should be of type ${type}`, key);
  if (type === 'array' && Array.isArray(value)) {
    const itemType = typeOf(isJsonObject(schema) ? schema['items'] : undefined);
    const wrong = value.findIndex((item, i) => !hasType(item, itemType, floats.has(`${pointer}/${i}`), false));
    if (wrong >= 0) return fail('type_error', `"${key}"[${wrong}] should be of type ${itemType}`, key);
  }
  if (!accepted.values.some((option) => sameValue(value, option))) {
    return fail('value_error', `"${key}" is ${JSON.stringify(value)}; accepted: ${accepted.values.map((v) => JSON.stringify(v)).join(' or ') || 'none (may only be left out)'}`, key);
  }
  return VALID;
}

/** One produced call against one expected call; `parameters` is the tool's parameter schema (absent: an unknown tool). */
export function checkCall(parameters: JsonObject | undefined, produced: ProducedCall, expected: ExpectedCall): Verdict {
  if (produced.name !== expected.name) return fail('wrong_name', `called ${produced.name} instead of ${expected.name}`);
  if (!isJsonObject(produced.arguments)) return fail('type_error', 'the arguments are not an object');
  const args = produced.arguments;
  const properties = parameters && isJsonObject(parameters['properties']) ? parameters['properties'] : {};
  const required = parameters && Array.isArray(parameters['required']) ? parameters['required'].filter((k): k is string => typeof k === 'string') : [];
  const missing = required.find((key) => !Object.hasOwn(args, key));
  if (missing !== undefined) return fail('missing_required', `the required "${missing}" is missing`, missing);
  for (const [key, value] of Object.entries(args)) {
    if (!Object.hasOwn(properties, key) || !Object.hasOwn(expected.arguments, key)) {
      return fail('unexpected_param', `"${key}" is not a parameter ${Object.hasOwn(properties, key) ? 'the answer expects' : `of ${expected.name}`}`, key);
    }
    const verdict = checkArgument(key, value, properties[key], expected.arguments[key]!, produced.floats);
    if (!verdict.valid) return verdict;
  }
  for (const [key, accepted] of Object.entries(expected.arguments)) {
    if (!Object.hasOwn(args, key) && !accepted.mayOmit) return fail('missing_optional', `"${key}" was left out but must be given`, key);
  }
  return VALID;
}

/**
 * One assistant turn: the calls it made (`null`: none could be read) against the calls expected (empty: none).
 * `parametersOf` gives a tool's parameter schema by name.
 */
export function checkTurn(parametersOf: (name: string) => JsonObject | undefined, produced: readonly ProducedCall[] | null, expected: readonly ExpectedCall[]): Verdict {
  const calls = produced ?? [];
  if (expected.length === 0) return calls.length === 0 ? VALID : fail('call_not_expected', `no call was expected; the model called ${calls.map((c) => c.name).join(', ')}`);
  if (calls.length === 0) return fail('no_call', produced === null ? 'the model wrote a call that cannot be read' : 'the model made no call');
  if (calls.length !== expected.length) return fail('wrong_count', `${calls.length} call(s) made, ${expected.length} expected`);
  if (expected.length === 1) return checkCall(parametersOf(expected[0]!.name), calls[0]!, expected[0]!);
  // Parallel calls: each expected call takes the first unused produced call that passes.
  const used = new Set<number>();
  for (const want of expected) {
    let firstFailure: Verdict | undefined;
    const match = calls.findIndex((call, i) => {
      if (used.has(i)) return false;
      const verdict = checkCall(parametersOf(want.name), call, want);
      if (!verdict.valid && call.name === want.name) firstFailure ??= verdict;
      return verdict.valid;
    });
    if (match < 0) return firstFailure ?? fail('wrong_name', `no call of ${want.name}`);
    used.add(match);
  }
  return VALID;
}

/** Does one produced argument match? (The verdict without the parameter-set rules: for the per-argument metric.) */
export function argumentMatches(parameters: JsonObject | undefined, key: string, produced: ProducedCall, accepted: AcceptableArgument): boolean {
  if (!isJsonObject(produced.arguments) || !Object.hasOwn(produced.arguments, key)) return accepted.mayOmit;
  const properties = parameters && isJsonObject(parameters['properties']) ? parameters['properties'] : {};
  return checkArgument(key, produced.arguments[key], properties[key], accepted, produced.floats).valid;
}
