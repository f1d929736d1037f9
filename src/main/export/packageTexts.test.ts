import { describe, expect, it } from 'vitest';
import type { ExportFile } from '../../shared/contract/export';
import { llamaServerCommands, readmeCard, scoresSection, sha256Sums, type PackageFacts } from './packageTexts';

const hash = (c: string) => c.repeat(64);
const files: ExportFile[] = [
  { name: 'demo-run1-Q8_0.gguf', role: 'model', quant: 'Q8_0', bytes: 20 * 1024 ** 2, sha256: hash('a') },
  { name: 'lmstudio/tooltune/demo-run1-GGUF/demo-run1-Q8_0.gguf', role: 'model', quant: 'Q8_0', bytes: 20 * 1024 ** 2, sha256: hash('a') },
  { name: 'adapter/demo-run1-lora.gguf', role: 'adapter', quant: null, bytes: 1024 ** 2, sha256: hash('b') },
  { name: 'adapter/base.gguf', role: 'base', quant: null, bytes: 80 * 1024 ** 2, sha256: hash('c') },
  { name: 'ollama/Modelfile.Q8_0', role: 'modelfile', quant: null, bytes: 900, sha256: hash('d') },
  { name: 'SHA256SUMS', role: 'checksums', quant: null, bytes: 300, sha256: null },
];

const facts: PackageFacts = {
  name: 'demo-run1',
  projectName: 'Demo',
  base: { name: 'ToolTune Demo', fileName: 'base.gguf', sha256: hash('c'), license: null },
  datasetVersion: 'v1',
  run: { seq: 1, checkpointStep: 40, settings: { rank: 16 } },
  adapterSha256: hash('b'),
  files,
  fallbacks: [{ quant: 'Q4_K_M', tensor: 'blk.0.attn_q.weight', type: 'Q5_0' }],
  warnings: ['The base is quantized.'],
  ollamaCommands: ['cd ollama && ollama create demo-run1:q8_0 -f Modelfile.Q8_0'],
  appVersion: '1.2.3',
};

describe('package texts', () => {
  it('SHA256SUMS lists every hashed file in sha256sum format, not itself', () => {
    expect(sha256Sums(files).split('\n').filter(Boolean)).toEqual([
      `${hash('a')}  demo-run1-Q8_0.gguf`,
      `${hash('a')}  lmstudio/tooltune/demo-run1-GGUF/demo-run1-Q8_0.gguf`,
      `${hash('b')}  adapter/demo-run1-lora.gguf`,
      `${hash('c')}  adapter/base.gguf`,
      `${hash('d')}  ollama/Modelfile.Q8_0`,
    ]);
  });

  it('llama-server serves each model file, and the base with the adapter, on loopback with --jinja', () => {
    expect(llamaServerCommands(files.filter((f) => !f.name.startsWith('lmstudio/')))).toEqual([
      'llama-server -m demo-run1-Q8_0.gguf --jinja -c 4096 --host 127.0.0.1 --port 8080',
      'llama-server -m adapter/base.gguf --lora adapter/demo-run1-lora.gguf --jinja -c 4096 --host 127.0.0.1 --port 8080',
    ]);
  });

  it('the README card names the origin, the files, the commands, the fallbacks and an unknown license', () => {
    const card = readmeCard(facts, scoresSection([{ label: 'demo-run1 Q8_0', scores: { overall: { n: 4, exactCall: 0.5, functionName: 1, arguments: 0.75, requiredFilled: 1, schemaValid: 1, noCallPrecision: null, noCallRecall: null, latencyMs: null }, byKind: {} } }]));
    expect(card).toContain('A tool-calling fine-tune of **ToolTune Demo** made with ToolTune 1.2.3 (project "Demo").');
    expect(card).toContain('- Base license: not stated in the base file: check the model page before you share this');
    expect(card).toContain('- Run 1, checkpoint at step 40');
    expect(card).toContain('| `demo-run1-Q8_0.gguf` | Q8_0 | 20 MiB |');
    expect(card).toContain('cd ollama && ollama create demo-run1:q8_0 -f Modelfile.Q8_0');
    expect(card).toContain('- Q4_K_M: `blk.0.attn_q.weight` → Q5_0');
    expect(card).toContain('## LM Studio');
    expect(card).toContain('| demo-run1 Q8_0 | 50.0% | 100.0% | 75.0% | – |');
  });
});
