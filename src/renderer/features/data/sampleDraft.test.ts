import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../shared/data/conversation';
import { draftOf, sampleOfDraft, withCall, withContent } from './sampleDraft';

const sample: Sample = {
  kind: 'multi_turn',
  tools: [{ name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
    { role: 'tool', toolCallId: 'call_1', name: 'get_weather', content: '{"temp": 21}' },
    { role: 'assistant', content: 'It is 21 °C.', toolCalls: [] },
  ],
  meta: { language: 'en' },
};

describe('sample draft', () => {
  it('round-trips a sample unchanged', () => {
    expect(sampleOfDraft(draftOf(sample))).toEqual({ sample });
  });

  it('edits texts and arguments, and renames results with their call', () => {
    let draft = withContent(draftOf(sample), 0, 'Weather in Lyon?');
    draft = withCall(draft, 1, 0, { name: 'weather', argumentsText: '{"city": "Lyon"}' });
    const result = sampleOfDraft(draft);
    expect(result).toMatchObject({
      sample: {
        messages: [
          { content: 'Weather in Lyon?' },
          { toolCalls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Lyon' } }] },
          { role: 'tool', name: 'weather' },
          {},
        ],
      },
    });
  });

  it('points at argument text that is not a JSON object', () => {
    const broken = withCall(draftOf(sample), 1, 0, { argumentsText: '{"city": ' });
    expect(sampleOfDraft(broken)).toMatchObject({ problem: { pointer: '/messages/1/toolCalls/0/arguments' } });
    const list = withCall(draftOf(sample), 1, 0, { argumentsText: '[1]' });
    expect(sampleOfDraft(list)).toEqual({ problem: { pointer: '/messages/1/toolCalls/0/arguments', message: 'arguments must be a JSON object' } });
  });
});
