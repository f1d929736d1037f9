/**
 * The reference rendering of a sample: its chat template rendered directly with Hugging Face's Jinja
 * implementation from OpenAI-style messages, as llama-server `--jinja` and the Hugging Face tokenizer do.
 * Tests compare the training renderer's text against it.
 */
import { Template } from '@huggingface/jinja';
import type { Sample } from '../../../shared/data/conversation.js';

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
  return new Template(template).render({
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
