/**
 * The texts of an export's folder: the README card (what it is, where it came from, how to run it, its scores),
 * the llama-server command lines and `SHA256SUMS`. Pure functions of the export's facts, so that they are tested
 * without a model.
 */
import type { ExportFile, QuantFallback, QuantType } from '../../shared/contract/export';
import type { Scores } from '../../shared/eval/metrics';
import { formatBytes } from '../../shared/units';

export interface PackageFacts {
  name: string;
  projectName: string;
  base: { name: string; fileName: string; sha256: string; license: string | null };
  datasetVersion: string | null;
  run: { seq: number; checkpointStep: number | null; settings: Record<string, unknown> } | null;
  adapterSha256: string | null;
  files: ExportFile[];
  fallbacks: QuantFallback[];
  warnings: string[];
  /** The `ollama create` commands, one per Modelfile; empty when no Modelfile was written. */
  ollamaCommands: string[];
  appVersion: string;
}

/** llama-server serves tool calling through the model's own Jinja template with `--jinja`; loopback only by default. */
export function llamaServerCommands(files: readonly ExportFile[]): string[] {
  const commands = files.filter((f) => f.role === 'model').map((f) => `llama-server -m ${f.name} --jinja -c 4096 --host 127.0.0.1 --port 8080`);
  const adapter = files.find((f) => f.role === 'adapter');
  const base = files.find((f) => f.role === 'base');
  if (adapter && base) commands.push(`llama-server -m ${base.name} --lora ${adapter.name} --jinja -c 4096 --host 127.0.0.1 --port 8080`);
  return commands;
}

export function llamaServerScript(files: readonly ExportFile[]): string {
  return [
    '# Serve one of these files with tool calling (OpenAI-compatible API at http://127.0.0.1:8080/v1).',
    '# --jinja uses the chat template inside the GGUF, which carries the tool format the model was trained on.',
    '# Send "parallel_tool_calls": true with requests that may need several calls at once.',
    ...llamaServerCommands(files),
    '',
  ].join('\n');
}

/** `sha256sum -c` format. */
export function sha256Sums(files: readonly ExportFile[]): string {
  return files
    .filter((f) => f.sha256 !== null)
    .map((f) => `${f.sha256}  ${f.name}\n`)
    .join('');
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`;
}

/** The scores section, written once the quality gate ran: one row per evaluated variant. */
export function scoresSection(rows: ReadonlyArray<{ label: string; scores: Scores }>): string {
  if (rows.length === 0) return '';
  const lines = ['## Scores (the project\'s eval split, free decoding)', '', '| Model | exact call | function name | arguments | no-call recall |', '|---|---|---|---|---|'];
  for (const { label, scores } of rows) {
    const o = scores.overall;
    lines.push(`| ${label} | ${percent(o.exactCall)} | ${percent(o.functionName)} | ${percent(o.arguments)} | ${percent(o.noCallRecall)} |`);
  }
  return `${lines.join('\n')}\n`;
}

export function readmeCard(facts: PackageFacts, scores = ''): string {
  const lines: string[] = [`# ${facts.name}`, ''];
  lines.push(`A tool-calling fine-tune of **${facts.base.name}** made with ToolTune ${facts.appVersion} (project "${facts.projectName}").`, '');
  lines.push('## Where it came from', '');
  lines.push(`- Base: \`${facts.base.fileName}\`, sha256 \`${facts.base.sha256}\``);
  lines.push(`- Base license: ${facts.base.license ?? 'not stated in the base file: check the model page before you share this'}`);
  if (facts.datasetVersion !== null) lines.push(`- Dataset version: ${facts.datasetVersion}`);
  if (facts.run) {
    lines.push(`- Run ${facts.run.seq}${facts.run.checkpointStep !== null ? `, checkpoint at step ${facts.run.checkpointStep}` : ''}`);
    lines.push(`- Settings: \`${JSON.stringify(facts.run.settings)}\``);
  }
  if (facts.adapterSha256 !== null) lines.push(`- Adapter sha256: \`${facts.adapterSha256}\``);
  lines.push('', '## Files', '', '| File | Type | Size |', '|---|---|---|');
  for (const file of facts.files) lines.push(`| \`${file.name}\` | ${file.quant ?? file.role} | ${formatBytes(file.bytes)} |`);
  lines.push('', 'Check them with `sha256sum -c SHA256SUMS`.', '');
  const commands = llamaServerCommands(facts.files);
  if (commands.length > 0) lines.push('## llama.cpp', '', '```sh', ...commands, '```', '');
  if (facts.ollamaCommands.length > 0) {
    lines.push('## Ollama', '', 'The Modelfiles carry an explicit TEMPLATE with the tool format, so Ollama offers tools for this model.', '', '```sh', ...facts.ollamaCommands, '```', '');
  }
  if (facts.files.some((f) => f.name.startsWith('lmstudio/'))) {
    lines.push('## LM Studio', '', 'Copy the folder inside `lmstudio/` into LM Studio\'s models folder (`~/.lmstudio/models/`); the GGUF keeps its chat template.', '');
  }
  const configs = ['llamafactory', 'axolotl'].filter((folder) => facts.files.some((f) => f.name.startsWith(`${folder}/`) && f.role === 'training-config'));
  if (configs.length > 0) {
    lines.push('## Train on a bigger machine', '', 'The dataset version and this run\'s settings as LoRA configs for the Hugging Face original of the base:', '');
    if (configs.includes('llamafactory')) lines.push('- `cd llamafactory && llamafactory-cli train llamafactory.yaml`');
    if (configs.includes('axolotl')) lines.push('- `cd axolotl && axolotl train axolotl.yaml`');
    lines.push('');
  }
  if (facts.fallbacks.length > 0) {
    lines.push('## Tensors that kept another type', '', 'K-quants need rows that are a multiple of 256 values; these tensors got another type instead:', '');
    for (const f of facts.fallbacks) lines.push(`- ${f.quant}: \`${f.tensor}\` → ${f.type}`);
    lines.push('');
  }
  if (facts.warnings.length > 0) lines.push('## Notes', '', ...facts.warnings.map((w) => `- ${w}`), '');
  if (scores !== '') lines.push(scores);
  return `${lines.join('\n').trimEnd()}\n`;
}

/** LM Studio lists models as `<publisher>/<model>/<file>.gguf` under its models folder. */
export function lmStudioPath(name: string, quant: QuantType): string {
  return `lmstudio/tooltune/${name}-GGUF/${name}-${quant}.gguf`;
}
