import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parseSample, type Sample } from '../../shared/data/conversation';
import type { CheckResult, SampleVerification } from '../../shared/data/verification';
import { escapePointerToken } from '../../shared/tools/jsonPointer';
import { dialectOf, type SchemaDialect } from '../../shared/tools/schemaDialect';
import type { JsonSchemaObject } from '../../shared/tools/types';
import { linearRegExp } from '../tools/linearRegExp';

/** Compiled argument schemas kept; a dataset uses a handful of tools, so this is never reached in practice. */
const MAX_CACHED_SCHEMAS = 2000;
const MAX_ERRORS_SHOWN = 3;

type Compiled = { validate: ValidateFunction } | { error: string };

/**
 * Validates call arguments against tool schemas with ajv, compiling each distinct schema once.
 * Keyed by the schema's JSON text, so the same tool repeated on 100,000 samples compiles once. Schemas are
 * never changed once validated against.
 */
export class ArgumentValidator {
  private readonly cache = new Map<string, Compiled>();
  /** The same cache by schema object: an import's samples share their tools, which spares a stringify per call. */
  private readonly bySchema = new WeakMap<JsonSchemaObject, Compiled>();
  private readonly instances: Record<SchemaDialect, Ajv>;

  constructor() {
    // Patterns run on RE2 (linear time): crafted arguments cannot freeze verification.
    const options = { strict: false, allErrors: true, $data: false, addUsedSchema: false, logger: false, code: { regExp: linearRegExp } } as const;
    this.instances = { 'draft-07': addFormats(new Ajv(options)), '2020-12': addFormats(new Ajv2020(options)) };
  }

  /** `null` when the arguments fit; otherwise the problems found (pointer relative to the arguments). */
  check(schema: JsonSchemaObject, args: Record<string, unknown>): { pointer: string; message: string }[] | null {
    const compiled = this.compile(schema);
    if ('error' in compiled) return [{ pointer: '', message: compiled.error }];
    if (compiled.validate(args)) return null;
    return (compiled.validate.errors ?? []).slice(0, MAX_ERRORS_SHOWN).map(describeError);
  }

  private compile(schema: JsonSchemaObject): Compiled {
    const shared = this.bySchema.get(schema);
    if (shared) return shared;
    const key = JSON.stringify(schema);
    const known = this.cache.get(key);
    if (known) {
      this.bySchema.set(schema, known);
      return known;
    }
    if (this.cache.size >= MAX_CACHED_SCHEMAS) this.cache.clear();
    const dialect = dialectOf(schema['$schema']);
    let compiled: Compiled;
    if (dialect === null) compiled = { error: 'the tool schema names an unsupported $schema' };
    else {
      try {
        compiled = { validate: this.instances[dialect].compile(schema) };
      } catch (error) {
        compiled = { error: `the tool schema does not compile: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
    this.cache.set(key, compiled);
    this.bySchema.set(schema, compiled);
    return compiled;
  }
}

function describeError(error: ErrorObject): { pointer: string; message: string } {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  const pointer = error.instancePath + (missing ?? extra ? `/${escapePointerToken((missing ?? extra) as string)}` : '');
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  const detail = extra ? ` ("${extra}")` : Array.isArray(allowed) ? `: ${allowed.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return { pointer, message: `${error.instancePath || 'arguments'} ${error.message ?? 'invalid'}${detail}` };
}

/**
 * The per-sample checks of the Data step: format, every call names an offered tool, arguments
 * fit that tool's schema, missing-argument samples really lack the argument when the assistant
 * asks for it, and no-call samples call nothing. Never throws.
 */
export function verifySample(input: unknown, validator: ArgumentValidator): SampleVerification {
  const parsed = parseSample(input);
  if ('problems' in parsed) {
    const [first] = parsed.problems;
    return finish([{ check: 'format', ok: false, message: parsed.problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; '), pointer: first?.pointer ?? '' }]);
  }
  return verifyParsedSample(parsed.sample, validator);
}

/**
 * The checks after the structural ones, for a sample `parseSample` already accepted (an import's reader output, a
 * teacher's draft) or our own synthesizer made: parsing 100,000 imported samples a second time cost a second.
 */
export function verifyParsedSample(sample: Sample, validator: ArgumentValidator): SampleVerification {
  const checks: CheckResult[] = [formatCheck(sample)];
  checks.push(...callChecks(sample, validator));
  if (sample.kind === 'missing_argument') checks.push(missingArgumentCheck(sample));
  if (sample.kind === 'no_call') checks.push(noCallCheck(sample));
  return finish(checks);
}

function finish(checks: CheckResult[]): SampleVerification {
  return { ok: checks.every((check) => check.ok), checks };
}

/** Training samples end with an assistant turn (that is what the loss learns); eval cases may end with a user turn. */
function formatCheck(sample: Sample): CheckResult {
  if (!sample.messages.some((m) => m.role === 'user')) return { check: 'format', ok: false, message: 'no user message', pointer: '/messages' };
  const last = sample.messages.length - 1;
  if (!sample.expected && sample.messages[last]?.role !== 'assistant') {
    return { check: 'format', ok: false, message: 'a training sample must end with an assistant turn', pointer: `/messages/${last}` };
  }
  return { check: 'format', ok: true, message: 'well-formed' };
}

function callChecks(sample: Sample, validator: ArgumentValidator): CheckResult[] {
  const tools = new Map(sample.tools.map((tool) => [tool.name, tool]));
  const failures: CheckResult[] = [];
  let calls = 0;
  sample.messages.forEach((message, messageIndex) => {
    if (message.role !== 'assistant') return;
    message.toolCalls.forEach((call, callIndex) => {
      calls++;
      const pointer = `/messages/${messageIndex}/toolCalls/${callIndex}`;
      const tool = tools.get(call.name);
      if (!tool) {
        failures.push({ check: 'tool_exists', ok: false, message: `"${call.name}" is not among the sample's tools`, pointer: `${pointer}/name` });
        return;
      }
      for (const problem of validator.check(tool.parameters, call.arguments) ?? []) {
        failures.push({ check: 'arguments', ok: false, message: `${call.name}: ${problem.message}`, pointer: `${pointer}/arguments${problem.pointer}` });
      }
    });
  });
  const passed: CheckResult[] = [];
  const summary = `${calls} call${calls === 1 ? '' : 's'}`;
  if (!failures.some((f) => f.check === 'tool_exists')) passed.push({ check: 'tool_exists', ok: true, message: summary });
  if (!failures.some((f) => f.check === 'arguments')) passed.push({ check: 'arguments', ok: true, message: summary });
  return [...passed, ...failures];
}

/**
 * The assistant's first turn asks instead of calling, the argument named in `meta.missingArgument`
 * is then passed, and its value was not already in what the user said before the question.
 */
function missingArgumentCheck(sample: Sample): CheckResult {
  const fail = (message: string, pointer?: string): CheckResult => ({ check: 'missing_argument', ok: false, message, ...(pointer === undefined ? {} : { pointer }) });
  const argument = sample.meta?.['missingArgument'];
  if (!argument) return fail('meta.missingArgument does not name the missing argument', '/meta');
  const askIndex = sample.messages.findIndex((m) => m.role === 'assistant');
  const ask = sample.messages[askIndex];
  if (ask?.role !== 'assistant' || ask.toolCalls.length > 0) return fail('the assistant calls a tool instead of asking first', `/messages/${askIndex}`);
  const call = sample.messages.slice(askIndex + 1).flatMap((m) => (m.role === 'assistant' ? m.toolCalls : [])).find((c) => Object.hasOwn(c.arguments, argument));
  if (!call) return fail(`no later call passes "${argument}"`);
  const value = normalize(typeof call.arguments[argument] === 'string' ? (call.arguments[argument] as string) : JSON.stringify(call.arguments[argument]));
  const before = sample.messages.slice(0, askIndex).filter((m) => m.role === 'user').map((m) => normalize(m.content));
  const leaked = value !== '' && before.findIndex((text) => text.includes(value));
  if (leaked !== false && leaked >= 0) return fail(`the user already gave "${argument}" before the question`, `/messages/${leaked}`);
  return { check: 'missing_argument', ok: true, message: `asks for "${argument}" before calling` };
}

function noCallCheck(sample: Sample): CheckResult {
  const index = sample.messages.findIndex((m) => m.role === 'assistant' && m.toolCalls.length > 0);
  return index < 0 ? { check: 'no_call', ok: true, message: 'no tool call' } : { check: 'no_call', ok: false, message: 'a no-call sample calls a tool', pointer: `/messages/${index}` };
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}
