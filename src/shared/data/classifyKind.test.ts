import { describe, expect, it } from 'vitest';
import { classifySampleKind, GENERATED_ARGUMENT_CHARS, inferMissingArgument } from './classifyKind';
import type { Message, Sample } from './conversation';
import type { ToolDefinition } from '../tools/types';

const tool = (name: string): ToolDefinition => ({ name, description: name, parameters: { type: 'object', properties: {} } });
const user = (content: string): Message => ({ role: 'user', content });
const say = (content: string): Message => ({ role: 'assistant', content, toolCalls: [] });
let nextId = 0;
const call = (...calls: Array<[string, Record<string, unknown>]>): Message => ({
  role: 'assistant',
  content: '',
  toolCalls: calls.map(([name, args]) => ({ id: `c${++nextId}`, name, arguments: args })),
});
const result = (content: string): Message => ({ role: 'tool', toolCallId: `c${nextId}`, name: 'x', content });
const kindOf = (messages: Message[], tools = [tool('get_weather')]): Sample['kind'] => classifySampleKind({ messages, tools });

describe('classifySampleKind', () => {
  it('no_call: no call anywhere, even with tools offered', () => {
    expect(kindOf([user('Tell me a joke'), say('Why did…')])).toBe('no_call');
  });

  it('missing_argument: a question, the answer, then the call', () => {
    expect(kindOf([user('Weather?'), say('Which city?'), user('Oslo'), call(['get_weather', { city: 'Oslo' }])])).toBe('missing_argument');
    // an answer after the call is no question
    expect(kindOf([user('Weather in Oslo?'), call(['get_weather', { city: 'Oslo' }]), result('cold'), say('It is cold.'), user('thanks')])).toBe('simple');
  });

  it('names the missing argument of a missing_argument sample from its structure', () => {
    const messages = [user('Weather for 3 days?'), say('Which city?'), user('Oslo'), call(['forecast', { days: 3, city: 'Oslo' }])];
    expect(inferMissingArgument(messages)).toBe('city');
    expect(inferMissingArgument([user('Weather in Oslo?'), say('Sure?'), user('yes'), call(['get_weather', { city: 'Oslo' }])])).toBeUndefined();
  });

  it('dependent: an argument that only an earlier result holds', () => {
    const tools = [tool('find_order'), tool('cancel_order')];
    const messages = [user('Cancel my last order'), call(['find_order', {}]), result('{"order_id": "A-7731"}'), call(['cancel_order', { order_id: 'A-7731' }])];
    expect(kindOf(messages, tools)).toBe('dependent');
    // the same value, said by the user first, is not carried from the result
    const said = [user('Cancel order A-7731'), call(['find_order', {}]), result('{"order_id": "A-7731"}'), call(['cancel_order', { order_id: 'A-7731' }])];
    expect(kindOf(said, tools)).toBe('simple');
    // a value of a JSON result inside a text the assistant composed, and a number carried over
    const report = [user('Save a weather report for Oslo'), call(['get_weather', { city: 'Oslo' }]), result('{"city": "Oslo", "condition": "cloudy"}'), call(['save_story', { content: 'Oslo: cloudy today.' }])];
    expect(kindOf(report, [tool('get_weather'), tool('save_story')])).toBe('dependent');
    const chained = [user('Convert 100 CNY to EUR, then that to CAD'), call(['convert', { amount: 100 }]), result('{"converted": 79}'), call(['convert', { amount: 79 }])];
    expect(kindOf(chained, [tool('convert')])).toBe('dependent');
  });

  it('multi_turn: calls after more than one user turn', () => {
    const messages = [user('Weather in Oslo?'), call(['get_weather', { city: 'Oslo' }]), result('cold'), say('Cold.'), user('And Rome?'), call(['get_weather', { city: 'Rome' }])];
    expect(kindOf(messages)).toBe('multi_turn');
  });

  it('parallel (one tool) and parallel_multiple (several) in one turn', () => {
    expect(kindOf([user('Oslo and Rome?'), call(['get_weather', { city: 'Oslo' }], ['get_weather', { city: 'Rome' }])])).toBe('parallel');
    const tools = [tool('get_weather'), tool('get_time')];
    expect(kindOf([user('Weather and time in Oslo?'), call(['get_weather', { city: 'Oslo' }], ['get_time', { city: 'Oslo' }])], tools)).toBe('parallel_multiple');
  });

  it('generate_and_save: a long text the assistant wrote, not one the user gave', () => {
    const story = 'Once upon a time '.repeat(Math.ceil(GENERATED_ARGUMENT_CHARS / 17));
    expect(kindOf([user('Write a story and save it'), call(['save_story', { title: 'Tale', text: story }])], [tool('save_story')])).toBe('generate_and_save');
    expect(kindOf([user(`Save this: ${story}`), call(['save_story', { title: 'Tale', text: story }])], [tool('save_story')])).toBe('simple');
    expect(kindOf([user('Write a story'), call(['save_story', { text: story.slice(0, GENERATED_ARGUMENT_CHARS - 1) }])], [tool('save_story')])).toBe('simple');
  });

  it('multiple: one call with several tools offered; simple: one tool', () => {
    expect(kindOf([user('Weather in Oslo?'), call(['get_weather', { city: 'Oslo' }])], [tool('get_weather'), tool('get_time')])).toBe('multiple');
    expect(kindOf([user('Weather in Oslo?'), call(['get_weather', { city: 'Oslo' }])])).toBe('simple');
  });

  it('first match wins: a question before parallel calls is missing_argument', () => {
    const messages = [user('Weather?'), say('Where?'), user('Oslo and Rome'), call(['get_weather', { city: 'Oslo' }], ['get_weather', { city: 'Rome' }])];
    expect(kindOf(messages)).toBe('missing_argument');
  });
});
