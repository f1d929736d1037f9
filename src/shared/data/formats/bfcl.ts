import { convertBfclTypes } from '../../tools/bfclTypes';
import { MAX_SCHEMA_DEPTH } from '../../tools/limits';
import { isJsonObject, ownValue, type JsonObject } from '../../tools/plainJson';
import type { LocalProblem } from '../../tools/readResult';
import { walkSchema } from '../../tools/schemaWalk';
import { isValidToolName, sanitizeToolName } from '../../tools/toolNames';
import type { ToolDefinition } from '../../tools/types';
import type { Message, Sample, SampleKind } from '../conversation';
import type { AcceptableArgument, EvalExpectation, ExpectedCall } from '../evalExpectation';
import { collectImport, streamRecords, type DatasetImport, type ImportProblem, type RecordRead, type ToolCatalog, type ImportStream } from './datasetImport';
import { parsePythonCall, toPythonCall } from './pythonLiteral';
import { parseRecord, recordsOf } from './records';

/**
 * BFCL eval sets: a question file (`{id, question, function}` per line; `question` is a list of
 * turns, each a list of messages; `function` uses BFCL type names such as `dict` and `float`) and
 * an optional possible-answer file (`{id, ground_truth}`): for single-turn cases a list of
 * `{name: {arg: [acceptable values…]}}` where `""` means "may be omitted"; for multi-turn cases
 * one list of Python call strings per turn. Cases become samples with `expected` set, `meta.sourceId`
 * holding the BFCL id and `kind` read from the id's category. Names BFCL writes with dots
 * (`math.factorial`) are changed to valid tool names, in the tools and the answers alike.
 */
export interface BfclImportOptions {
  /** Keep names exactly as BFCL writes them (dots included), to score predictions against them; default: valid tool names. */
  keepNames?: boolean;
}

export function importBfcl(questionsText: string, possibleAnswersText?: string, options: BfclImportOptions = {}): DatasetImport {
  const naming = options.keepNames === true ? (name: string) => name : bfclName;
  const answers = possibleAnswersText === undefined ? { byId: new Map<string, EvalExpectation>(), problems: [] } : readAnswers(possibleAnswersText, naming);
  const imported = collectImport(streamRecords(questionsText, (value, catalog) => readBfclQuestion(value, catalog, answers.byId, naming)));
  return { ...imported, problems: [...imported.problems, ...answers.problems] };
}

/** Questions without their possible answers (a data import of one file), in batches. */
export function streamBfcl(questionsText: string, batchSize?: number): ImportStream {
  return streamRecords(questionsText, (value, catalog) => readBfclQuestion(value, catalog, new Map(), bfclName), undefined, batchSize);
}

export function exportBfcl(samples: readonly Sample[]): { questions: string; possibleAnswers: string } {
  const questions: string[] = [];
  const answers: string[] = [];
  samples.forEach((sample, index) => {
    const id = sample.meta?.['sourceId'] ?? `${sample.kind ?? 'tooltune'}_${index}`;
    const turns = questionTurns(sample.messages);
    questions.push(JSON.stringify({ id, question: turns, function: sample.tools.map(toBfclFunction) }));
    const expected = sample.expected ?? expectationFromCalls(sample.messages);
    answers.push(JSON.stringify({ id, ground_truth: groundTruth(expected) }));
  });
  const end = samples.length > 0 ? '\n' : '';
  return { questions: questions.join('\n') + end, possibleAnswers: answers.join('\n') + end };
}

const CATEGORY_KINDS: [RegExp, SampleKind][] = [
  [/^parallel_multiple/, 'parallel_multiple'],
  [/^parallel/, 'parallel'],
  [/^multiple/, 'multiple'],
  [/^simple/, 'simple'],
  [/^irrelevance/, 'no_call'],
  [/^multi_turn/, 'multi_turn'],
];

export function kindFromBfclId(id: string): SampleKind | null {
  const category = id.replace(/^live_/, '');
  return CATEGORY_KINDS.find(([pattern]) => pattern.test(category))?.[1] ?? null;
}

/** Turns of the prompt: a new turn at every user message; leading system messages belong to the first. */
function questionTurns(messages: readonly Message[]): { role: string; content: string }[][] {
  const turns: { role: string; content: string }[][] = [];
  let current: { role: string; content: string }[] = [];
  for (const message of messages) {
    if (message.role !== 'user' && message.role !== 'system') continue;
    if (message.role === 'user' && current.some((m) => m.role === 'user')) {
      turns.push(current);
      current = [];
    }
    current.push({ role: message.role, content: message.content });
  }
  if (current.length > 0) turns.push(current);
  return turns;
}

/** Exporting a training sample as an eval case: each user turn expects the calls that followed it. */
function expectationFromCalls(messages: readonly Message[]): EvalExpectation {
  const turns: ExpectedCall[][] = [];
  for (const message of messages) {
    if (message.role === 'user') turns.push([]);
    else if (message.role === 'assistant' && turns.length > 0) {
      const exact = (value: unknown): AcceptableArgument => ({ values: [value], mayOmit: false });
      (turns[turns.length - 1] as ExpectedCall[]).push(
        ...message.toolCalls.map((call) => ({ name: call.name, arguments: Object.fromEntries(Object.entries(call.arguments).map(([k, v]) => [k, exact(v)])) })),
      );
    }
  }
  return { turns };
}

function groundTruth(expected: EvalExpectation): unknown[] {
  if (expected.turns.length > 1) {
    return expected.turns.map((turn) =>
      turn.map((call) => toPythonCall(call.name, Object.fromEntries(Object.entries(call.arguments).map(([k, a]) => [k, a.values[0]])))),
    );
  }
  return (expected.turns[0] ?? []).map((call) => ({
    [call.name]: Object.fromEntries(Object.entries(call.arguments).map(([k, a]) => [k, a.mayOmit ? [...a.values, ''] : a.values])),
  }));
}

const TO_BFCL_TYPES: Record<string, string> = { object: 'dict', number: 'float' };

function toBfclFunction(tool: ToolDefinition): JsonObject {
  const parameters = JSON.parse(JSON.stringify(tool.parameters)) as JsonObject;
  walkSchema(parameters, '', MAX_SCHEMA_DEPTH, (node) => {
    const type = node['type'];
    if (typeof type === 'string' && TO_BFCL_TYPES[type]) node['type'] = TO_BFCL_TYPES[type];
  });
  return { name: tool.name, description: tool.description, parameters };
}

type Naming = (name: string) => string;

function readBfclQuestion(value: unknown, catalog: ToolCatalog, answers: ReadonlyMap<string, EvalExpectation>, naming: Naming): RecordRead {
  const read: RecordRead = { samples: [], problems: [] };
  const fail = (message: string): RecordRead => ({ samples: [], problems: [...read.problems, { severity: 'error', message }] });
  if (!isJsonObject(value)) return fail('an entry must be an object with "id" and "question"');
  const id = ownValue(value, 'id');
  if (typeof id !== 'string') return fail('"id" is missing or not text');
  const turns = readTurns(ownValue(value, 'question'));
  if (!turns) return fail(`${id}: "question" is not a list of turns of {role, content} messages`);

  const rawFunctions = ownValue(value, 'function');
  const functions = Array.isArray(rawFunctions) ? rawFunctions : rawFunctions === undefined ? [] : [rawFunctions];
  if (functions.length === 0) read.problems.push({ severity: 'warning', message: `${id}: no functions in the entry; add its tools to the project` });
  const tools = catalog.internAll(functions.map((fn: unknown) => fromBfclFunction(fn, id, read.problems, naming)), read.problems);

  const sample: Sample = { messages: turns.flat(), tools, kind: kindFromBfclId(id), meta: { sourceId: id } };
  const expected = answers.get(id) ?? (sample.kind === 'no_call' ? { turns: turns.map(() => []) } : undefined);
  if (expected) sample.expected = expected;
  read.samples.push(sample);
  return read;
}

function readTurns(question: unknown): Message[][] | null {
  if (typeof question === 'string') return [[{ role: 'user', content: question }]];
  if (!Array.isArray(question)) return null;
  const turns = question.every((turn: unknown) => Array.isArray(turn)) ? (question as unknown[][]) : [question];
  const read: Message[][] = [];
  for (const turn of turns) {
    const messages: Message[] = [];
    for (const item of turn) {
      const role = isJsonObject(item) ? ownValue(item, 'role') : undefined;
      const content = isJsonObject(item) ? ownValue(item, 'content') : undefined;
      if (typeof content !== 'string') return null;
      if (role === 'user' || role === 'system') messages.push({ role, content });
      else if (role === 'assistant') messages.push({ role, content, toolCalls: [] });
      else return null;
    }
    read.push(messages);
  }
  return read;
}

function bfclName(name: string): string {
  return isValidToolName(name) ? name : sanitizeToolName(name);
}

function fromBfclFunction(raw: unknown, id: string, problems: RecordRead['problems'], naming: Naming): unknown {
  if (!isJsonObject(raw)) return raw;
  const name = ownValue(raw, 'name');
  const parameters = ownValue(raw, 'parameters');
  const converted: JsonObject = { ...raw };
  if (typeof name === 'string') converted['name'] = naming(name);
  if (isJsonObject(parameters)) {
    const local: LocalProblem[] = [];
    convertBfclTypes(parameters, local);
    for (const problem of local) problems.push({ severity: 'warning', message: `${id}: ${String(name)}${problem.pointer}: ${problem.message}` });
  }
  return converted;
}

function readAnswers(text: string, naming: Naming): { byId: Map<string, EvalExpectation>; problems: ImportProblem[] } {
  const byId = new Map<string, EvalExpectation>();
  const problems: ImportProblem[] = [];
  const report = (line: number, message: string): void => {
    if (problems.length < 100) problems.push({ line, severity: 'error', message: `possible-answer file: ${message}` });
  };
  for (const record of recordsOf(typeof text === 'string' ? text : '')) {
    const parsed = parseRecord(record);
    const value = parsed.ok ? parsed.value : undefined;
    const id = isJsonObject(value) ? ownValue(value, 'id') : undefined;
    const truth = isJsonObject(value) ? ownValue(value, 'ground_truth') : undefined;
    if (!parsed.ok) report(record.line, parsed.message);
    else if (typeof id !== 'string' || !Array.isArray(truth)) report(record.line, 'an entry needs "id" and a "ground_truth" list');
    else {
      const expectation = readGroundTruth(truth, naming);
      if (typeof expectation === 'string') report(record.line, `${id}: ${expectation}`);
      else byId.set(id, expectation);
    }
  }
  return { byId, problems };
}

function readGroundTruth(truth: unknown[], naming: Naming): EvalExpectation | string {
  if (truth.length === 0) return { turns: [[]] };
  if (truth.every((turn) => Array.isArray(turn))) {
    const turns: ExpectedCall[][] = [];
    for (const turn of truth as unknown[][]) {
      const calls: ExpectedCall[] = [];
      for (const text of turn) {
        const call = typeof text === 'string' ? parsePythonCall(text) : undefined;
        if (!call) return `cannot read the call ${JSON.stringify(text).slice(0, 80)}`;
        const args = Object.fromEntries(Object.entries(call.arguments).map(([k, v]) => [k, { values: [v], mayOmit: false }]));
        calls.push({ name: naming(call.name), arguments: args });
      }
      turns.push(calls);
    }
    return { turns };
  }
  const calls: ExpectedCall[] = [];
  for (const entry of truth) {
    const [name, rawArgs] = isJsonObject(entry) && Object.keys(entry).length === 1 ? (Object.entries(entry)[0] as [string, unknown]) : [];
    if (name === undefined || !isJsonObject(rawArgs)) return 'each ground-truth call must be {name: {argument: [values]}}';
    const entries = Object.entries(rawArgs);
    const notList = entries.find(([, values]) => !Array.isArray(values));
    if (notList) return `the acceptable values of "${notList[0]}" are not a list`;
    const args = Object.fromEntries(
      entries.map(([key, values]): [string, AcceptableArgument] => [key, { values: (values as unknown[]).filter((v) => v !== ''), mayOmit: (values as unknown[]).includes('') }]),
    );
    calls.push({ name: naming(name), arguments: args });
  }
  return { turns: [calls] };
}
