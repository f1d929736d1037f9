import { readFileSync } from 'node:fs';
import { Template } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { TrainSettings } from '../../shared/contract/train';
import type { Sample } from '../../shared/data/conversation';
import { extractLlamaSourceFile } from '../models/tinyModel';
import { assistant, call, result } from '../train/testing/sampleMessages';
import { renderWithTemplate } from '../train/templateReference';
import { axolotlFiles, axolotlRecord, llamaFactoryFiles } from './trainingConfigs';

const settings: TrainSettings = {
  rank: 16, alpha: 32, targets: ['attn_q', 'attn_v', 'output'], learningRate: 2e-4, warmupSteps: 20, epochs: 3, maxSteps: null,
  contextLength: 2048, seed: 7, checkpointEvery: 100, keepCheckpoints: 2, threads: 2, maxExcludedShare: 0.02,
};
const tools = [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
const sample: Sample = {
  kind: 'multi_turn',
  tools,
  messages: [
    { role: 'system', content: 'You call tools.' },
    { role: 'user', content: 'Weather in Oslo?' },
    assistant('', [call('c1', 'get_weather', { city: 'Oslo' })]),
    result('c1', 'get_weather', 'sunny'),
    assistant('Sunny.', [], 0),
  ],
};
const input = { name: 'demo-run1', hfRepo: 'Qwen/Qwen2.5-0.5B-Instruct', architecture: 'qwen2', settings, train: [sample, sample], evaluation: [sample] };

describe('training configs for bigger machines', () => {
  it('LLaMA-Factory: the ShareGPT files with dataset_info.json and a LoRA SFT config of the run', () => {
    const files = Object.fromEntries(llamaFactoryFiles(input).map((f) => [f.name, f.text]));
    expect(Object.keys(files)).toEqual(['data/demo-run1.train.sharegpt.jsonl', 'data/demo-run1.eval.sharegpt.jsonl', 'data/dataset_info.json', 'llamafactory.yaml']);
    expect(files['data/demo-run1.train.sharegpt.jsonl']!.trim().split('\n')).toHaveLength(2);
    const info = JSON.parse(files['data/dataset_info.json']!) as Record<string, { file_name: string; formatting: string }>;
    expect(info['demo-run1_train']).toMatchObject({ file_name: 'demo-run1.train.sharegpt.jsonl', formatting: 'sharegpt' });
    expect(info['demo-run1_eval']!.file_name).toBe('demo-run1.eval.sharegpt.jsonl');
    const config = parse(files['llamafactory.yaml']!) as Record<string, unknown>;
    expect(config).toMatchObject({
      model_name_or_path: 'Qwen/Qwen2.5-0.5B-Instruct', finetuning_type: 'lora', lora_rank: 16, lora_alpha: 32, lora_target: 'q_proj,v_proj,lm_head',
      dataset: 'demo-run1_train', eval_dataset: 'demo-run1_eval', dataset_dir: 'data', template: 'qwen', cutoff_len: 2048,
      learning_rate: 2e-4, warmup_steps: 20, num_train_epochs: 3, seed: 7,
    });
    expect(config).not.toHaveProperty('max_steps');
  });

  it('Axolotl: OpenAI-style messages with object arguments that the chat template renders as ToolTune trains them', () => {
    const files = Object.fromEntries(axolotlFiles({ ...input, settings: { ...settings, maxSteps: 500 } }).map((f) => [f.name, f.text]));
    expect(Object.keys(files)).toEqual(['data/demo-run1.train.jsonl', 'data/demo-run1.eval.jsonl', 'axolotl.yaml']);
    const config = parse(files['axolotl.yaml']!) as Record<string, unknown>;
    expect(config).toMatchObject({ base_model: 'Qwen/Qwen2.5-0.5B-Instruct', chat_template: 'tokenizer_default', adapter: 'lora', lora_r: 16, lora_target_modules: ['q_proj', 'v_proj', 'lm_head'], sequence_len: 2048, max_steps: 500 });
    expect((config['datasets'] as Array<Record<string, unknown>>)[0]).toMatchObject({ path: 'data/demo-run1.train.jsonl', type: 'chat_template', field_messages: 'messages', field_tools: 'tools', roles_to_train: ['assistant'] });
    expect(config).not.toHaveProperty('num_epochs');

    const record = axolotlRecord(sample) as { messages: Array<Record<string, unknown>>; tools: unknown[] };
    expect(record.messages[2]).toEqual({ role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: { city: 'Oslo' } } }] });
    expect(record.messages[4]).toEqual({ role: 'assistant', content: 'Sunny.', train: false });
    // What Axolotl renders with the base's template (tokenizer_default) is the reference rendering ToolTune trains on.
    const qwen = readFileSync(extractLlamaSourceFile('models/templates/Qwen-Qwen2.5-7B-Instruct.jinja'), 'utf8');
    const rendered = new Template(qwen).render({ messages: record.messages, tools: record.tools, add_generation_prompt: false, bos_token: '', eos_token: '' });
    expect(rendered).toBe(renderWithTemplate(qwen, sample));
  });
});
