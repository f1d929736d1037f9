/**
 * The reference rendering of a sample: its chat template rendered directly with Hugging Face's Jinja
 * implementation from OpenAI-style messages, as llama-server `--jinja` and the Hugging Face tokenizer do.
 * Every rendered training sample is checked against it (`checkAgainstTemplate`), so a difference between
 * node-llama-cpp's wrapper and the template excludes the sample instead of training on the wrong text.
 */
import { Template } from '@huggingface/jinja';
import type { Message, Sample } from '../../shared/data/conversation.js';

export function renderWithTemplate(
  template: string,
  sample: Pick<Sample, 'messages' | 'tools'>,
  options: { addGenerationPrompt?: boolean; extra?: Record<string, unknown> } = {},
): string {
  const messages = sample.messages.map((message) => {
    switch (message.role) {
      case 'assistant':
        return {
          role: 'assistant',
          content: message.content,
          ...(message.toolCalls.length > 0
            ? { tool_calls: message.toolCalls.map((call) => ({ type: 'function', id: call.id, function: { name: call.name, arguments: call.arguments } })) }
            : {}),
        };
      case 'tool':
        return { role: 'tool', tool_call_id: message.toolCallId, name: message.name, content: message.content };
      default:
        return { role: message.role, content: message.content };
    }
  });
  return templateOf(template).render({
    messages,
    ...(sample.tools.length > 0
      ? { tools: sample.tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } })) }
      : {}),
    add_generation_prompt: options.addGenerationPrompt ?? false,
    bos_token: '',
    eos_token: '',
    ...options.extra,
  });
}

const compiled = new Map<string, Template>();

/** Templates are parsed once: a version renders thousands of samples with the same one. */
function templateOf(source: string): Template {
  let template = compiled.get(source);
  if (!template) {
    template = new Template(source);
    if (compiled.size > 8) compiled.clear();
    compiled.set(source, template);
  }
  return template;
}

/** Indices of the assistant messages that start a generation (after a user, system or tool message). */
export function generationStarts(messages: readonly Message[]): number[] {
  return messages.flatMap((m, i) => (m.role === 'assistant' && messages[i - 1]?.role !== 'assistant' ? [i] : []));
}

export interface TemplateCheckInput {
  template: string;
  sample: Pick<Sample, 'messages' | 'tools'>;
  /** The template's `bos_token` text ('' when the model has none). */
  bosToken: string;
  /** Per generation in order: the rendered text before it (its prompt) and through its end-of-turn. */
  generations: Array<{ prompt: string; through: string }>;
  /** Extra template variables, e.g. `enable_thinking`. */
  extra?: Record<string, unknown>;
}

/**
 * Throws unless every generation's prompt is exactly the template's rendering of the messages before it with
 * the generation prompt, and prompt + generation is the template's rendering of the messages through that turn
 * (followed by nothing but whitespace).
 */
export function checkAgainstTemplate(input: TemplateCheckInput): void {
  const { sample } = input;
  const starts = generationStarts(sample.messages);
  if (starts.length !== input.generations.length) throw new Error(`${starts.length} assistant turns but ${input.generations.length} rendered generations`);
  const options = (addGenerationPrompt: boolean) => ({ addGenerationPrompt, extra: { bos_token: input.bosToken, ...input.extra } });
  input.generations.forEach((generation, g) => {
    const start = starts[g]!;
    const prompt = renderWithTemplate(input.template, { tools: sample.tools, messages: sample.messages.slice(0, start) }, options(true));
    if (generation.prompt !== prompt) throw new Error(`the prompt of assistant turn ${g + 1} differs from the chat template's`);
    let end = start + 1;
    while (sample.messages[end]?.role === 'assistant') end++;
    const through = renderWithTemplate(input.template, { tools: sample.tools, messages: sample.messages.slice(0, end) }, options(false));
    if (!through.startsWith(generation.through) || through.slice(generation.through.length).trim() !== '') {
      throw new Error(`assistant turn ${g + 1} differs from the chat template's rendering`);
    }
  });
}
