/**
 * The Modelfile's TEMPLATE against the base's own chat template: both rendered for the same conversations, one by
 * Go's text/template with the data Ollama passes (testing/ollamaRender.go says what it replicates), one by the
 * Jinja reference (as llama-server --jinja and Hugging Face render it). The prompts must be the same text, except
 * where Ollama writes JSON itself: tool definitions and the arguments of earlier calls are Go's compact
 * json.Marshal with sorted keys, where Jinja's `tojson` writes `", "`/`": "` separators in the given order. The test
 * compares those lines as parsed JSON: the same values, so the model reads the same tools and calls; only the
 * spacing and key order of that JSON differ, which a tool-call format does not depend on.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Sample } from '../../shared/data/conversation';
import type { ToolDefinition } from '../../shared/tools/types';
import { extractLlamaSourceFile } from '../models/tinyModel';
import { assistant, call, result } from '../train/testing/sampleMessages';
import { renderWithTemplate } from '../train/templateReference';
import { modelfileText, ollamaFormatOf, type OllamaFormat } from './ollamaModelfile';

const dir = mkdtempSync(join(tmpdir(), 'ollama-template-'));
const renderer = join(dir, 'ollama-render');
const qwen = readFileSync(extractLlamaSourceFile('models/templates/Qwen-Qwen2.5-7B-Instruct.jinja'), 'utf8');

beforeAll(() => {
  const go = spawnSync('go', ['build', '-o', renderer, join(import.meta.dirname, 'testing', 'ollamaRender.go')], {
    encoding: 'utf8',
    env: { ...process.env, GOCACHE: join(dir, 'gocache'), GOPATH: join(dir, 'gopath'), GOFLAGS: '-mod=mod', GO111MODULE: 'off' },
  });
  if (go.error || go.status !== 0) throw new Error(`Go is needed to check Ollama templates (Debian: apt-get install golang-go): ${go.error?.message ?? go.stderr}`);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tools: ToolDefinition[] = [
  {
    name: 'get_weather',
    description: 'Current weather for a city <b> & more',
    parameters: { type: 'object', properties: { city: { type: 'string', description: 'City name' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
  },
  {
    name: 'save_story',
    description: 'Save a story to a file',
    parameters: { type: 'object', properties: { filename: { type: 'string' }, content: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['filename', 'content'] },
  },
];

const conversations: Record<string, Pick<Sample, 'messages' | 'tools'>> = {
  'a call with a system prompt': { tools, messages: [{ role: 'system', content: 'You call tools.' }, { role: 'user', content: 'Weather in Oslo?' }] },
  'a call without a system prompt': { tools, messages: [{ role: 'user', content: 'Weather in Oslo?' }] },
  'no tools': { tools: [], messages: [{ role: 'user', content: 'Hello' }] },
  'no tools with a system prompt': { tools: [], messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }] },
  'results of parallel calls': {
    tools,
    messages: [
      { role: 'system', content: 'You call tools.' },
      { role: 'user', content: 'Weather in Oslo and Paris, then save a story "a & b <c>".' },
      assistant('', [call('a', 'get_weather', { unit: 'celsius', city: 'Oslo' }), call('b', 'get_weather', { city: 'Paris' })]),
      result('a', 'get_weather', '{"temp": 3}'),
      result('b', 'get_weather', '{"temp": 11}'),
      assistant('Oslo 3°, Paris 11°. Saving now.', [call('c', 'save_story', { filename: 'a.txt', content: 'Once upon a time\n"quoted"', tags: ['x', 'y'] })]),
      result('c', 'save_story', 'saved'),
    ],
  },
  'a second user turn after an answer': {
    tools,
    messages: [
      { role: 'user', content: 'Weather in Oslo?' },
      assistant('', [call('a', 'get_weather', { city: 'Oslo' })]),
      result('a', 'get_weather', 'sunny'),
      assistant('It is sunny in Oslo.'),
      { role: 'user', content: 'And tomorrow?' },
    ],
  },
};

function ollamaRequest(format: OllamaFormat, sample: Pick<Sample, 'messages' | 'tools'>): string {
  const messages = sample.messages.map((m: Message) => {
    if (m.role === 'assistant') return { role: 'assistant', content: m.content, tool_calls: m.toolCalls.map((c, index) => ({ function: { index, name: c.name, arguments: c.arguments } })) };
    if (m.role === 'tool') return { role: 'tool', content: m.content, tool_name: m.name };
    return { role: m.role, content: m.content };
  });
  const requestTools = sample.tools.length > 0 ? sample.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })) : undefined;
  return execFileSync(renderer, { input: JSON.stringify({ template: format.template, messages, tools: requestTools }), encoding: 'utf8' });
}

/** Lines that are whole JSON values (tool definitions, calls) compared as values: sorted keys, one spacing. */
function normalizeJsonLines(prompt: string): string {
  return prompt
    .split('\n')
    .map((line) => {
      if (!/^\{.*\}$/.test(line)) return line;
      try {
        return `JSON ${canonical(JSON.parse(line))}`;
      } catch {
        return line;
      }
    })
    .join('\n');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('Ollama Modelfile', () => {
  const format = ollamaFormatOf(qwen);
  if ('unsupported' in format) throw new Error(format.unsupported);

  it.each(Object.keys(conversations))('renders %s as the Qwen2.5 chat template does', (name) => {
    const sample = conversations[name]!;
    const jinja = renderWithTemplate(qwen, sample, { addGenerationPrompt: true });
    const ollama = ollamaRequest(format, sample);
    expect(normalizeJsonLines(ollama)).toBe(normalizeJsonLines(jinja));
    // The JSON lines really differ in form (so the normalisation above is what makes them equal), when there are tools.
    if (sample.tools.length > 0) expect(ollama).not.toBe(jinja);
  });

  it('writes FROM, ADAPTER, the TEMPLATE and stop parameters', () => {
    const text = modelfileText(format, { from: './base.gguf', adapter: './adapter.gguf' });
    expect(text.split('\n').slice(0, 2)).toEqual(['FROM ./base.gguf', 'ADAPTER ./adapter.gguf']);
    expect(text).toContain('TEMPLATE """{{- if .Tools }}');
    expect(text).toContain('PARAMETER stop "<|im_end|>"');
    expect(format.template).not.toContain('"""');
  });

  it('refuses tool formats it has no template for, saying why', () => {
    const llama = readFileSync(extractLlamaSourceFile('models/templates/meta-llama-Llama-3.2-3B-Instruct.jinja'), 'utf8');
    expect(ollamaFormatOf(llama)).toEqual({ unsupported: expect.stringMatching(/Qwen2.5 tool format only.*llama-server --jinja/) });
    expect(ollamaFormatOf(null)).toEqual({ unsupported: 'the base has no chat template' });
  });
});
