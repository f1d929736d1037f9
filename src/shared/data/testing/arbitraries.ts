import fc from 'fast-check';
import type { ToolDefinition } from '../../tools/types';
import { assignSequentialCallIds, type Message, type Sample, type ToolCall } from '../conversation';
import type { EvalExpectation, ExpectedCall } from '../evalExpectation';

/**
 * fast-check arbitraries for valid samples, restricted per format to what the format can carry,
 * so that "export then import gives back the same sample" is a fair property. Test code only.
 */

const WORDS = ['Paris', 'weather', 'in', 'Tokyo', 'what', 'is', 'the', 'convert', '100', 'USD', 'é', '北京', '天气', '"quoted"', "it's", 'a\\b', '{x}', '[1]', '😀', 'line\nbreak', 'tab\there'];
const PLAIN_WORDS = WORDS.filter((word) => !/[\n\t{]/.test(word));

/** Text made of words; trimmed by construction. */
export const textArb = (options: { multiline?: boolean; braces?: boolean; maxWords?: number } = {}): fc.Arbitrary<string> =>
  fc
    .array(fc.constantFrom(...(options.multiline === false ? PLAIN_WORDS : WORDS).filter((word) => options.braces !== false || !word.includes('{'))), {
      maxLength: options.maxWords ?? 8,
    })
    .map((words) => words.join(' '));

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);
export const keyArb = fc.stringMatching(/^[a-z_][a-z0-9_]{0,9}$/).filter((key) => !UNSAFE.has(key));
export const toolNameArb = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/);

const finiteNumber = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((n) => !Object.is(n, -0)));
const scalarArb = fc.oneof(textArb(), finiteNumber, fc.boolean(), fc.constant(null));

/** Plain JSON values without -0 (JSON turns it into 0) and without prototype keys. */
export const jsonValueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 3 }),
  ),
})).value;

export const argumentsArb: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(keyArb, jsonValueArb, { maxKeys: 4 });

export type SchemaFlavour = 'any' | 'xlam' | 'bfcl';

const simpleTypes = fc.constantFrom('string', 'integer', 'number', 'boolean');
const propertyArb = (flavour: SchemaFlavour): fc.Arbitrary<Record<string, unknown>> => {
  const described = <T extends Record<string, unknown>>(schema: fc.Arbitrary<T>) =>
    fc.tuple(schema, fc.option(textArb({ braces: false }), { nil: undefined })).map(([s, description]) => (description === undefined ? s : { ...s, description }));
  if (flavour === 'any') return described(fc.record({ type: simpleTypes, enum: fc.array(scalarArb, { minLength: 1, maxLength: 3 }) }, { requiredKeys: ['type'] }));
  const item = simpleTypes.map((type) => ({ type }));
  return described(
    fc.oneof(
      item,
      fc.record({ type: fc.constant('array'), items: item }),
      fc.constant({ type: 'object' }),
      ...(flavour === 'bfcl' ? [fc.record({ type: fc.constant('object'), properties: fc.dictionary(keyArb, item, { maxKeys: 2 }) })] : []),
    ),
  );
};

export const toolArb = (flavour: SchemaFlavour = 'any'): fc.Arbitrary<ToolDefinition> =>
  fc
    .record({
      name: toolNameArb,
      description: textArb({ braces: false }),
      properties: fc.dictionary(keyArb, propertyArb(flavour), { maxKeys: 4 }),
      requiredMask: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    })
    .map(({ name, description, properties, requiredMask }) => {
      const required = Object.keys(properties).filter((_, index) => requiredMask[index]);
      return { name, description, parameters: { type: 'object', properties, required } };
    });

export const toolsArb = (flavour: SchemaFlavour = 'any'): fc.Arbitrary<ToolDefinition[]> =>
  fc.uniqueArray(toolArb(flavour), { selector: (tool) => tool.name, maxLength: 3 });

export interface ConversationShape {
  /** Most calls in one assistant turn. */
  maxCallsPerTurn: number;
  /** Assistant turns may carry text and calls together. */
  contentWithCalls: boolean;
  /** Per-message loss weights and `parallelToolCalls` (OpenAI only). */
  openAiExtras: boolean;
  /** Free-form ids (OpenAI) or `call_1…` (formats without ids). */
  freeIds: boolean;
  /** System prompts after the first message. */
  laterSystem: boolean;
  /** Message texts: multi-line and with braces or not. */
  text: fc.Arbitrary<string>;
  /** Assistant turns may carry reasoning (LLaMA-Factory). Default false. */
  reasoning?: boolean;
}

interface Round {
  user: string;
  callTurns: { content: string; calls: { name: string; arguments: Record<string, unknown>; result: string }[]; weight: 0 | 1 | undefined; reasoning: string | null }[];
  answer: { content: string; weight: 0 | 1 | undefined; reasoning: string | null } | null;
  system: string | null;
}

/** Conversations of rounds: user → (assistant calls → results)* → assistant answer. */
export const conversationArb = (shape: ConversationShape, tools: readonly ToolDefinition[]): fc.Arbitrary<Message[]> => {
  const nameArb = tools.length > 0 ? fc.constantFrom(...tools.map((tool) => tool.name)) : toolNameArb;
  const weightArb = shape.openAiExtras ? fc.constantFrom<0 | 1 | undefined>(0, 1, undefined) : fc.constant(undefined);
  const callArb = fc.record({ name: nameArb, arguments: argumentsArb, result: shape.text });
  const reasoningArb = shape.reasoning ? fc.option(shape.text, { nil: null }) : fc.constant(null);
  const roundArb: fc.Arbitrary<Round> = fc.record({
    system: shape.laterSystem ? fc.option(shape.text.filter((t) => t !== ''), { nil: null }) : fc.constant(null),
    user: shape.text,
    callTurns: fc.array(
      fc.record({
        content: shape.contentWithCalls ? shape.text : fc.constant(''),
        calls: fc.array(callArb, { minLength: 1, maxLength: shape.maxCallsPerTurn }),
        weight: weightArb,
        reasoning: reasoningArb,
      }),
      { maxLength: 2 },
    ),
    answer: fc.option(fc.record({ content: shape.text, weight: weightArb, reasoning: reasoningArb }), { nil: null }),
  });
  return fc
    .tuple(fc.option(shape.text.filter((t) => t !== ''), { nil: null }), fc.array(roundArb, { minLength: 1, maxLength: 3 }), fc.nat())
    .map(([system, rounds, idSeed]) => {
      const messages: Message[] = system === null ? [] : [{ role: 'system', content: system }];
      let next = 0;
      const newId = (): string => (shape.freeIds ? `id_${idSeed.toString(36)}_${next++}` : `call_${++next}`);
      for (const round of rounds) {
        if (round.system !== null && messages.length > 0) messages.push({ role: 'system', content: round.system });
        messages.push({ role: 'user', content: round.user });
        for (const turn of round.callTurns) {
          const calls: ToolCall[] = turn.calls.map((call) => ({ id: newId(), name: call.name, arguments: call.arguments }));
          messages.push(assistantWith({ role: 'assistant', content: turn.content, toolCalls: calls }, turn.weight, turn.reasoning));
          turn.calls.forEach((call, index) => messages.push({ role: 'tool', toolCallId: (calls[index] as ToolCall).id, name: call.name, content: call.result }));
        }
        if (round.answer) messages.push(assistantWith({ role: 'assistant', content: round.answer.content, toolCalls: [] }, round.answer.weight, round.answer.reasoning));
      }
      if (!shape.freeIds) assignSequentialCallIds(messages);
      return messages;
    });
};

function assistantWith(message: Extract<Message, { role: 'assistant' }>, weight: 0 | 1 | undefined, reasoning: string | null): Message {
  return { ...message, ...(weight === undefined ? {} : { weight }), ...(reasoning === null ? {} : { reasoning }) };
}

export const sampleArb = (shape: ConversationShape, flavour: SchemaFlavour = 'any'): fc.Arbitrary<Sample> =>
  toolsArb(flavour).chain((tools) =>
    fc.tuple(conversationArb(shape, tools), shape.openAiExtras ? fc.option(fc.boolean(), { nil: undefined }) : fc.constant(undefined)).map(([messages, parallel]) => {
      const sample: Sample = { messages, tools, kind: null };
      if (parallel !== undefined) sample.parallelToolCalls = parallel;
      return sample;
    }),
  );

/** xLAM rows: one query, one assistant turn with its calls. */
export const xlamSampleArb: fc.Arbitrary<Sample> = toolsArb('xlam').chain((tools) =>
  fc
    .record({
      query: textArb(),
      calls: fc.array(fc.record({ name: tools.length > 0 ? fc.constantFrom(...tools.map((t) => t.name)) : toolNameArb, arguments: argumentsArb }), { maxLength: 3 }),
      sourceId: fc.option(fc.nat(), { nil: undefined }),
    })
    .map(({ query, calls, sourceId }) => {
      const sample: Sample = {
        messages: [
          { role: 'user', content: query },
          { role: 'assistant', content: '', toolCalls: calls.map((call, index) => ({ id: `call_${index + 1}`, ...call })) },
        ],
        tools,
        kind: null,
      };
      if (sourceId !== undefined) sample.meta = { sourceId: String(sourceId) };
      return sample;
    }),
);

const identifierArb = fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/).filter((key) => !UNSAFE.has(key));
const acceptedValueArb = jsonValueArb.filter((value) => value !== '');

/** BFCL cases: user turns only, tools with BFCL-expressible types, an expectation per turn. */
export const bfclSampleArb: fc.Arbitrary<Sample> = fc
  .tuple(toolsArb('bfcl'), fc.array(textArb(), { minLength: 1, maxLength: 3 }), fc.option(textArb().filter((t) => t !== ''), { nil: null }), fc.nat())
  .chain(([tools, users, system, id]) => {
    const multiTurn = users.length > 1;
    const argumentArb = multiTurn
      ? acceptedValueArb.map((value) => ({ values: [value], mayOmit: false }))
      : fc.record({ values: fc.array(acceptedValueArb, { maxLength: 3 }), mayOmit: fc.boolean() });
    const callArb: fc.Arbitrary<ExpectedCall> = fc.record({ name: toolNameArb, arguments: fc.dictionary(identifierArb, argumentArb, { maxKeys: 3 }) });
    return fc.array(fc.array(callArb, { maxLength: 2 }), { minLength: users.length, maxLength: users.length }).map((turns) => {
      const messages: Message[] = system === null ? [] : [{ role: 'system', content: system }];
      for (const user of users) messages.push({ role: 'user', content: user });
      const expected: EvalExpectation = { turns };
      return { messages, tools, kind: null, expected, meta: { sourceId: `case_${id}` } } satisfies Sample;
    });
  });

/** Valid exported text with random damage: cut short, characters inserted, lines swapped. */
export const damagedTextArb = (validText: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(validText, fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 4 })), { maxLength: 5 }), fc.nat()).map(([text, inserts, cut]) => {
    let damaged = text;
    for (const [at, insert] of inserts) {
      const index = damaged.length === 0 ? 0 : at % damaged.length;
      damaged = damaged.slice(0, index) + insert + damaged.slice(index);
    }
    return cut % 3 === 0 ? damaged.slice(0, cut % (damaged.length + 1)) : damaged;
  });
