/**
 * Training configs for bigger machines: the run's frozen dataset and settings as a LLaMA-Factory and an Axolotl
 * LoRA SFT config, for users who move to larger bases on multi-GPU machines. Pure functions of the samples and the
 * run's settings; the Export service writes the files.
 *
 * - LLaMA-Factory reads the data step's ShareGPT export (`dataset_info.json` beside it) with its own template for
 *   the family (`qwen`, `qwen3`, `llama3`), trains assistant turns only, packs sequences of the run's length.
 * - Axolotl reads OpenAI-style messages (calls with object arguments, as Hugging Face chat templates expect them)
 *   and `tools` with the base's own chat template (`tokenizer_default`), assistant turns only; a message the
 *   sample does not train (`weight: 0`) carries `train: false`.
 */
import { stringify } from 'yaml';
import type { TrainSettings } from '../../shared/contract/train';
import type { Sample } from '../../shared/data/conversation';
import { exportShareGpt, shareGptDatasetInfo } from '../../shared/data/formats';

export interface TrainingConfigInput {
  name: string;
  /** The base's Hugging Face repository (`Qwen/Qwen2.5-0.5B-Instruct`). */
  hfRepo: string;
  architecture: string;
  settings: TrainSettings;
  train: readonly Sample[];
  evaluation: readonly Sample[];
}

export interface ConfigFile {
  name: string;
  text: string;
}

/** Our LoRA targets as Hugging Face module names. */
const HF_MODULES: Record<TrainSettings['targets'][number], string> = {
  attn_q: 'q_proj',
  attn_k: 'k_proj',
  attn_v: 'v_proj',
  attn_output: 'o_proj',
  ffn_gate: 'gate_proj',
  ffn_up: 'up_proj',
  ffn_down: 'down_proj',
  output: 'lm_head',
};

const LLAMA_FACTORY_TEMPLATES: Record<string, string> = { qwen2: 'qwen', qwen3: 'qwen3', llama: 'llama3' };

/** LLaMA-Factory's template for a base's architecture, or null for none ToolTune knows. */
export function llamaFactoryTemplate(architecture: string): string | null {
  return LLAMA_FACTORY_TEMPLATES[architecture] ?? null;
}

/** The run's schedule; LLaMA-Factory calls the epochs `num_train_epochs`, Axolotl `num_epochs`. */
function schedule(settings: TrainSettings, epochsKey: 'num_train_epochs' | 'num_epochs') {
  return {
    learning_rate: settings.learningRate,
    warmup_steps: settings.warmupSteps,
    ...(settings.maxSteps !== null ? { max_steps: settings.maxSteps } : { [epochsKey]: settings.epochs }),
    seed: settings.seed,
  };
}

export function llamaFactoryFiles(input: TrainingConfigInput): ConfigFile[] {
  const template = llamaFactoryTemplate(input.architecture);
  if (template === null) throw new Error(`LLaMA-Factory has no template ToolTune knows for ${input.architecture} bases.`);
  const trainFile = `${input.name}.train.sharegpt.jsonl`;
  const evalFile = `${input.name}.eval.sharegpt.jsonl`;
  const info = {
    ...(JSON.parse(shareGptDatasetInfo(`${input.name}_train`, trainFile)) as object),
    ...(input.evaluation.length > 0 ? (JSON.parse(shareGptDatasetInfo(`${input.name}_eval`, evalFile)) as object) : {}),
  };
  const s = input.settings;
  const config = {
    model_name_or_path: input.hfRepo,
    stage: 'sft',
    do_train: true,
    finetuning_type: 'lora',
    lora_rank: s.rank,
    lora_alpha: s.alpha,
    lora_target: s.targets.map((t) => HF_MODULES[t]).join(','),
    dataset: `${input.name}_train`,
    ...(input.evaluation.length > 0 ? { eval_dataset: `${input.name}_eval`, per_device_eval_batch_size: 1, eval_strategy: 'epoch' } : {}),
    dataset_dir: 'data',
    template,
    cutoff_len: s.contextLength,
    packing: true,
    neat_packing: true,
    output_dir: `saves/${input.name}`,
    logging_steps: 10,
    save_steps: s.checkpointEvery,
    per_device_train_batch_size: 1,
    gradient_accumulation_steps: 1,
    lr_scheduler_type: 'cosine',
    bf16: true,
    ...schedule(s, 'num_train_epochs'),
  };
  return [
    { name: `data/${trainFile}`, text: exportShareGpt(input.train) },
    ...(input.evaluation.length > 0 ? [{ name: `data/${evalFile}`, text: exportShareGpt(input.evaluation) }] : []),
    { name: 'data/dataset_info.json', text: `${JSON.stringify(info, null, 2)}\n` },
    { name: 'llamafactory.yaml', text: `# llamafactory-cli train llamafactory.yaml\n${stringify(config)}` },
  ];
}

/** One sample as Axolotl's chat_template strategy reads it: OpenAI-style messages, object arguments, OpenAI tools. */
export function axolotlRecord(sample: Sample): Record<string, unknown> {
  const messages = sample.messages.map((m) => {
    if (m.role === 'assistant') {
      return {
        role: 'assistant',
        content: m.content,
        ...(m.toolCalls.length > 0 ? { tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}),
        ...(m.weight === 0 ? { train: false } : {}),
      };
    }
    if (m.role === 'tool') return { role: 'tool', tool_call_id: m.toolCallId, name: m.name, content: m.content };
    return { role: m.role, content: m.content };
  });
  return { messages, tools: sample.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })) };
}

function jsonl(samples: readonly Sample[]): string {
  return samples.map((s) => `${JSON.stringify(axolotlRecord(s))}\n`).join('');
}

export function axolotlFiles(input: TrainingConfigInput): ConfigFile[] {
  const s = input.settings;
  const dataset = (path: string) => ({
    path,
    ds_type: 'json',
    type: 'chat_template',
    field_messages: 'messages',
    field_tools: 'tools',
    roles_to_train: ['assistant'],
    train_on_eos: 'turn',
    message_field_training: 'train',
  });
  const trainFile = `data/${input.name}.train.jsonl`;
  const evalFile = `data/${input.name}.eval.jsonl`;
  const config = {
    base_model: input.hfRepo,
    chat_template: 'tokenizer_default',
    datasets: [dataset(trainFile)],
    ...(input.evaluation.length > 0 ? { test_datasets: [{ ...dataset(evalFile), split: 'train' }], val_set_size: 0 } : {}),
    output_dir: `outputs/${input.name}`,
    adapter: 'lora',
    lora_r: s.rank,
    lora_alpha: s.alpha,
    lora_dropout: 0,
    lora_target_modules: s.targets.map((t) => HF_MODULES[t]),
    sequence_len: s.contextLength,
    sample_packing: true,
    micro_batch_size: 1,
    gradient_accumulation_steps: 1,
    optimizer: 'adamw_torch',
    lr_scheduler: 'cosine',
    bf16: 'auto',
    gradient_checkpointing: true,
    save_steps: s.checkpointEvery,
    ...schedule(s, 'num_epochs'),
  };
  return [
    { name: trainFile, text: jsonl(input.train) },
    ...(input.evaluation.length > 0 ? [{ name: evalFile, text: jsonl(input.evaluation) }] : []),
    { name: 'axolotl.yaml', text: `# axolotl train axolotl.yaml\n${stringify(config)}` },
  ];
}
