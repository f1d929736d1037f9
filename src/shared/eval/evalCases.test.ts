import { describe, expect, it } from 'vitest';
import type { Message, Sample } from '../data/conversation';
import type { ToolDefinition } from '../tools/types';
import type { ProducedCall } from './astChecker';
import { checkTurn } from './astChecker';
import { evalCaseOf } from './evalCases';
import { computeMetrics, type CaseResult } from './metrics';

const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'Weather',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
};
const save: ToolDefinition = {
  name: 'save_note',
  description: 'Save',
  parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
};

const call = (id: string, name: string, args: Record<string, unknown>) => ({ id, name, arguments: args });
const assistant = (content: string, toolCalls: ReturnType<typeof call>[] = []): Message => ({ role: 'assistant', content, toolCalls });
const result = (id: string, name: string, content: string): Message => ({ role: 'tool', toolCallId: id, name, content });

const dependent: Sample = {
  kind: 'dependent',
  tools: [weather, save],
  messages: [
    { role: 'user', content: 'Weather in Paris, then save it' },
    assistant('', [call('a', 'get_weather', { city: 'Paris' })]),
    result('a', 'get_weather', '{"temp": 20}'),
    assistant('', [call('b', 'save_note', { text: 'Paris 20' })]),
    result('b', 'save_note', 'ok'),
    assistant('Saved: Paris is 20.'),
  ],
};

describe('evalCaseOf', () => {
  it('scores a recorded conversation where the model answers a user or calls after results, not its final summary', () => {
    const evalCase = evalCaseOf('7', dependent)!;
    expect(evalCase.steps.map((s) => [s.promptEnd, s.expected.map((c) => c.name)])).toEqual([
      [1, ['get_weather']],
      [3, ['save_note']],
    ]);
    // the optional unit was left out by the recorded call: it may stay out, and any value fails
    expect(evalCase.steps[0]!.expected[0]!.arguments).toEqual({ city: { values: ['Paris'], mayOmit: false }, unit: { values: [], mayOmit: true } });
  });

  it('expects no call where the assistant answers in text, and scores a missing-argument case at its question only', () => {
    const missing: Sample = {
      kind: 'missing_argument',
      tools: [weather],
      messages: [
        { role: 'user', content: 'What is the weather?' },
        assistant('Which city?'),
        { role: 'user', content: 'Paris' },
        assistant('', [call('a', 'get_weather', { city: 'Paris' })]),
      ],
    };
    expect(evalCaseOf('1', missing)!.steps).toEqual([{ promptEnd: 1, expected: [] }]);
  });

  it('reads a BFCL case from its expectation, one step per user turn; an unknown kind is classified', () => {
    const bfcl: Sample = {
      kind: null,
      tools: [weather],
      messages: [{ role: 'user', content: 'Weather in Paris and Rome' }],
      expected: { turns: [[{ name: 'get_weather', arguments: { city: { values: ['Paris'], mayOmit: false } } }, { name: 'get_weather', arguments: { city: { values: ['Rome'], mayOmit: false } } }]] },
    };
    const evalCase = evalCaseOf('parallel_3', bfcl)!;
    expect(evalCase.steps).toHaveLength(1);
    expect(evalCase.steps[0]!.promptEnd).toBe(1);
    expect(evalCase.kind).toBe('parallel');
  });
});

describe('computeMetrics', () => {
  const produced = (name: string, args: Record<string, unknown>): ProducedCall => ({ name, arguments: args, floats: new Set() });
  const parametersOf = (name: string) => [weather, save].find((t) => t.name === name)?.parameters;

  function scored(id: string, kind: CaseResult['kind'], expected: Sample, answers: Array<ProducedCall[] | null>, ms = 100): CaseResult {
    const evalCase = evalCaseOf(id, expected)!;
    const steps = evalCase.steps.map((step, i) => {
      const calls = answers[i] ?? null;
      return { expected: step.expected, produced: calls, text: '', verdict: checkTurn(parametersOf, calls, step.expected), schemaValid: (calls ?? []).map((c) => c.name in { get_weather: 1, save_note: 1 }), latencyMs: calls && calls.length > 0 ? ms : null };
    });
    return { id, kind, valid: steps.every((s) => s.verdict.valid), steps };
  }

  it('counts exact cases, names, arguments, required arguments, schema validity, no-call precision and recall, latency', () => {
    const noCall: Sample = { kind: 'no_call', tools: [weather], messages: [{ role: 'user', content: 'Hi' }, assistant('Hello!')] };
    const cases = [
      scored('1', 'dependent', dependent, [[produced('get_weather', { city: 'Paris' })], [produced('save_note', { text: 'Paris 20' })]], 100),
      scored('2', 'dependent', dependent, [[produced('get_weather', { city: 'Rome' })], []], 300),
      scored('3', 'no_call', noCall, [[]]),
      scored('4', 'no_call', noCall, [[produced('get_weather', { city: 'Oslo' })]], 200),
    ];
    expect(cases.map((c) => c.valid)).toEqual([true, false, true, false]);
    const metrics = computeMetrics(cases, () => parametersOf);
    expect(metrics).toEqual({
      n: 4,
      exactCall: 0.5,
      // call steps: 1a ok, 1b ok, 2a ok (name), 2b no call
      functionName: 3 / 4,
      // expected arguments: city, text, city, text -> Paris ok, text ok, Rome wrong, text missing
      arguments: 2 / 4,
      requiredFilled: 3 / 4,
      schemaValid: 1,
      // predicted "no call": step 2b (a call was expected) and case 3 (right)
      noCallPrecision: 1 / 2,
      // expected "no call": cases 3 (none made) and 4 (a call made)
      noCallRecall: 1 / 2,
      latencyMs: { median: 100, p95: 300 },
    });
  });

  it("reads each case's own tools: the same name may have other required parameters in another case", () => {
    const simple: Sample = { kind: 'simple', tools: [weather], messages: [{ role: 'user', content: 'Weather?' }, assistant('', [call('a', 'get_weather', { city: 'Paris' })])] };
    const cases = [scored('1', 'simple', simple, [[produced('get_weather', { city: 'Paris' })]]), scored('2', 'simple', simple, [[produced('get_weather', { city: 'Paris' })]])];
    const strict = { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city', 'unit'] };
    const metrics = computeMetrics(cases, (result) => (name) => (name === 'get_weather' ? (result.id === '2' ? strict : weather.parameters) : undefined));
    expect(metrics.requiredFilled).toBe(2 / 3);
  });

  it('answers null where a figure has nothing to count', () => {
    expect(computeMetrics([], () => parametersOf)).toEqual({
      n: 0, exactCall: null, functionName: null, arguments: null, requiredFilled: null, schemaValid: null, noCallPrecision: null, noCallRecall: null, latencyMs: null,
    });
  });
});
