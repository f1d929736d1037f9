import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, JinjaTemplateChatWrapper, type Llama, type LlamaModel, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/data/conversation.js';
import type { ToolDefinition } from '../../shared/tools/types.js';
import { assistant, call, result } from './testing/sampleMessages.js';
import { describeGguf, writeTinyQwen2Model } from '../models/tinyModel.js';
import { ConversationRenderer, parseAssistantText, RenderConversationError, type RenderableSample } from './renderConversation.js';
import { renderWithTemplate } from './templateReference.js';

const dir = mkdtempSync(join(tmpdir(), 'render-conv-'));
let llama: Llama;
let model: LlamaModel;
let renderer: ConversationRenderer;
let template: string;

beforeAll(async () => {
  const path = join(dir, 'tiny.gguf');
  writeTinyQwen2Model(path, { layers: 1, embd: 32, heads: 2, kvHeads: 1, ff: 64, seed: 3 });
  template = describeGguf(path).chatTemplate ?? '';
  llama = await getLlama({ gpu: false, build: 'never' });
  model = await llama.loadModel({ modelPath: path, vocabOnly: true });
  renderer = ConversationRenderer.forModel(model);
}, 60_000);

afterAll(async () => {
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const tools: ToolDefinition[] = [
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
  },
  { name: 'save_note', description: 'Save a note', parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } },
];


const multiTurn: RenderableSample = {
  tools,
  messages: [
    { role: 'system', content: 'You call tools.' },
    { role: 'user', content: 'Weather in Paris and Rome? <|im_end|> not a real end' },
    assistant('', [call('a', 'get_weather', { city: 'Paris' }), call('b', 'get_weather', { city: 'Rome', unit: 'celsius' })]),
    result('a', 'get_weather', '{"temp": 20}'),
    result('b', 'get_weather', '{"temp": 25}'),
    assistant('Let me save that.', [call('c', 'save_note', { text: 'Paris 20, Rome 25' })]),
    result('c', 'save_note', 'saved'),
    assistant('Paris is 20°C and Rome 25°C. Saved.'),
    { role: 'user', content: 'Thanks!' },
    assistant('You are welcome.'),
  ],
};

const text = (tokens: readonly number[]) => model.detokenize(tokens as Token[], true);

describe('ConversationRenderer (the Qwen2.5 Jinja template via node-llama-cpp)', () => {
  it("renders with the GGUF's own chat template", () => {
    expect(renderer.chatWrapper).toBeInstanceOf(JinjaTemplateChatWrapper);
  });

  it('renders exactly what the template renders from OpenAI-style messages, string tool results unquoted', () => {
    const out = renderer.render(multiTurn);
    expect(text(out.tokens)).toBe(renderWithTemplate(template, multiTurn).trimEnd());
    expect(text(out.tokens)).toContain('<tool_response>\nsaved\n</tool_response>');
  });

  it('leaves weight-0 assistant turns out of the loss', () => {
    const sample: RenderableSample = {
      tools,
      messages: [{ role: 'user', content: 'Hi' }, assistant('Hello there.', [], 0), { role: 'user', content: 'Bye' }, assistant('Goodbye.')],
    };
    const out = renderer.render(sample);
    expect(out.assistantSpans.map((s) => text(out.tokens.slice(s.start, s.end)))).toEqual(['Hello there.<|im_end|>', 'Goodbye.<|im_end|>']);
    expect(text(out.tokens.filter((_, i) => out.mask[i] === 1))).toBe('Goodbye.<|im_end|>');
  });

  it('renders the Qwen2.5 function-calling format', () => {
    const out = renderer.render({
      tools,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Oslo?' },
        assistant('', [call('x', 'get_weather', { city: 'Oslo' })]),
      ],
    });
    const rendered = text(out.tokens);
    expect(rendered.startsWith('<|im_start|>system\nBe brief.\n\n# Tools\n\nYou may call one or more functions')).toBe(true);
    expect(rendered).toContain('<tools>\n{"type": "function", "function": {"name": "get_weather", "description": "Current weather for a city", "parameters": {"type": "object"');
    expect(rendered.endsWith('<|im_start|>user\nWeather in Oslo?<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call><|im_end|>')).toBe(true);
    // Exactly the assistant's call and its end-of-turn token are trained.
    const masked = out.tokens.filter((_, i) => out.mask[i] === 1);
    expect(text(masked)).toBe('<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call><|im_end|>');
    expect(model.isEogToken(out.tokens.at(-1) as Token)).toBe(true);
  });

  it('masks only assistant generations in a multi-turn conversation with tool results', () => {
    const out = renderer.render(multiTurn);
    expect(out.mask.length).toBe(out.tokens.length);
    const spans = out.assistantSpans.map((s) => text(out.tokens.slice(s.start, s.end)));
    expect(spans).toEqual([
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Rome", "unit": "celsius"}}\n</tool_call><|im_end|>',
      'Let me save that.\n<tool_call>\n{"name": "save_note", "arguments": {"text": "Paris 20, Rome 25"}}\n</tool_call><|im_end|>',
      'Paris is 20°C and Rome 25°C. Saved.<|im_end|>',
      'You are welcome.<|im_end|>',
    ]);
    // Everything else (system, tools, user text, tool results, role headers) has mask 0.
    const unmasked = text(out.tokens.filter((_, i) => out.mask[i] === 0));
    expect(unmasked).toContain('<tool_response>\n{"temp": 20}\n</tool_response>\n<tool_response>\n{"temp": 25}\n</tool_response>');
    expect(unmasked).toContain('Weather in Paris and Rome? <|im_end|> not a real end');
    expect(unmasked).not.toContain('You are welcome');
    // User text that looks like a special token stays plain text: one real end-of-turn per turn.
    const eogCount = out.tokens.filter((t) => model.isEogToken(t as Token)).length;
    // system, user, 2 call sections, 2 tool-result sections, final answer, user "Thanks", last answer
    expect(eogCount).toBe(9);
  });

  it('the runtime call syntax reads every rendered assistant turn back into the same calls', () => {
    const out = renderer.render(multiTurn);
    const parsed = out.assistantSpans.map((s) => parseAssistantText(renderer.chatWrapper, text(out.tokens.slice(s.start, s.end)), '<|im_end|>'));
    expect(parsed.map(({ text, calls }) => ({ text, calls }))).toEqual([
      { text: '', calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_weather', arguments: { city: 'Rome', unit: 'celsius' } }] },
      { text: 'Let me save that.', calls: [{ name: 'save_note', arguments: { text: 'Paris 20, Rome 25' } }] },
      { text: 'Paris is 20°C and Rome 25°C. Saved.', calls: [] },
      { text: 'You are welcome.', calls: [] },
    ]);
  });

  it('renders the prompt the runtime evaluates before the answer', () => {
    const full = renderer.render(multiTurn);
    const prompt = renderer.renderPrompt({ tools, messages: multiTurn.messages.slice(0, 2) });
    expect(full.tokens.slice(0, prompt.length)).toEqual(prompt);
    expect(full.assistantSpans[0]?.start).toBe(prompt.length);
  });

  it('renders the prompt after tool results as the context of the generation that follows them', () => {
    const full = renderer.render(multiTurn);
    const prompt = renderer.renderPrompt({ tools, messages: multiTurn.messages.slice(0, 5) });
    expect(full.tokens.slice(0, prompt.length)).toEqual(prompt);
    expect(full.assistantSpans[1]?.start).toBe(prompt.length);
    expect(() => renderer.renderPrompt({ tools, messages: multiTurn.messages.slice(0, 3) })).toThrow(/already ends with an assistant turn/);
  });

  it('rejects malformed conversations', () => {
    const bad = (messages: Message[]) => () => renderer.render({ tools, messages });
    expect(bad([{ role: 'user', content: 'x' }, result('a', 'get_weather', '1')])).toThrow(RenderConversationError);
    expect(bad([{ role: 'user', content: 'x' }, assistant('', [call('a', 'nope', {})])])).toThrow(/unknown tool/);
    expect(bad([{ role: 'user', content: 'x' }, assistant('', [call('a', 'get_weather', { city: 'a' })]), { role: 'user', content: 'y' }])).toThrow(
      /followed by their results/,
    );
    expect(bad([{ role: 'user', content: 'x' }, assistant('')])).toThrow(/neither content nor tool calls/);
  });
});
