import { describe, expect, it } from 'vitest';
import { detectDatasetFormat } from './detect';
import { recordsOf } from './records';

describe('detectDatasetFormat', () => {
  it('recognises each format from its first lines', () => {
    expect(detectDatasetFormat(['{"messages": [{"role": "user", "content": "hi"}]}'])).toBe('openai');
    expect(detectDatasetFormat(['[', '  {', '    "conversations": [{"from": "human", "value": "hi"}],'])).toBe('sharegpt');
    expect(detectDatasetFormat(['{"messages": [{"from": "human", "value": "hi"}]}'])).toBe('sharegpt');
    expect(detectDatasetFormat(['{"system": "SYSTEM: You are", "chat": "USER: hi"}'])).toBe('glaive');
    expect(detectDatasetFormat(['[{"id": 0, "query": "q", "answers": "[]", "tools": "[]"}'])).toBe('xlam');
    expect(detectDatasetFormat(['{"id": "simple_0", "question": [[{"role": "user", "content": "x"}]], "function": []}'])).toBe('bfcl');
    expect(detectDatasetFormat(['{"id": "simple_0", "ground_truth": []}'])).toBe('bfcl_answers');
    expect(detectDatasetFormat(['hello world'])).toBeNull();
  });

  it('is not misled by an argument or property named like another format\'s key', () => {
    const openai = JSON.stringify({
      messages: [
        { role: 'user', content: 'Convert 5 USD to EUR' },
        { role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'convert_currency', arguments: '{"from":"USD"}' } }] },
      ],
      tools: [{ type: 'function', function: { name: 'convert_currency', parameters: { properties: { from: { type: 'string' } } } } }],
    });
    expect(detectDatasetFormat([openai])).toBe('openai');
    expect(detectDatasetFormat([openai.slice(0, 300)])).toBe('openai');
  });
});

describe('recordsOf', () => {
  it('splits JSONL and JSON arrays into records with their starting lines', () => {
    expect([...recordsOf('{"a":1}\r\n\n{"b":2}\n')]).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 3, text: '{"b":2}' },
    ]);
    expect([...recordsOf('\n[\n {"a": "],{"},\n {"b":\n  [1, 2]},\n 3\n]')]).toEqual([
      { line: 3, text: '{"a": "],{"}' },
      { line: 4, text: '{"b":\n  [1, 2]}' },
      { line: 6, text: '3' },
    ]);
    expect([...recordsOf('[{"a": 1}, {"b": ')]).toEqual([
      { line: 1, text: '{"a": 1}' },
      { line: 1, text: '{"b":' },
    ]);
  });
});
