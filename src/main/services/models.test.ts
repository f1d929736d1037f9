import { copyFileSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GgufWriter } from '../models/gguf/index.js';
import { writeTinyQwen2Model } from '../models/tinyModel.js';
import { createTempServices, type TempServices } from '../testing/tempServices';

let t: TempServices;
let tiny: string;
let tinyParams: number;

beforeAll(async () => {
  t = await createTempServices();
  tiny = join(t.dataDir, 'tiny.gguf');
  tinyParams = writeTinyQwen2Model(tiny, { layers: 1, embd: 32, heads: 2, kvHeads: 1, ff: 64, seed: 3, tiedOutput: true }).nParams;
}, 60_000);
afterAll(() => t?.dispose());

function ggufWith(name: string, build: (writer: GgufWriter) => void): string {
  const path = join(t.dataDir, name);
  const writer = new GgufWriter();
  build(writer);
  writer.writeFile(path);
  return path;
}

describe('models library', () => {
  it('reads a base without loading it: architecture, size, types, template and tool calling', async () => {
    const info = await t.api.models.inspect({ path: tiny });
    expect(info).toMatchObject({ architecture: 'qwen2', layerCount: 1, embeddingLength: 32, vocabularySize: 151_936, separateOutputHead: true });
    expect(info.parameterCount).toBe(tinyParams);
    expect(info.tensorTypes[0]).toMatchObject({ type: 'F32' });
    expect(info.chatTemplate).toContain('<tool_call>');
    expect(info.toolCalling).toEqual({ supported: true });
  });

  it('adds a file by reference with its hash, once, and notices when it changes or goes away', async () => {
    const copy = join(t.dataDir, 'copy.gguf');
    copyFileSync(tiny, copy);
    const added = await t.api.models.add({ path: copy });
    expect(added).toMatchObject({ path: copy, source: 'local', fileState: 'ok', sizeBytes: readFileSync(copy).byteLength });
    expect(added.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await t.api.models.add({ path: copy })).id).toBe(added.id);
    expect((await t.api.models.list({})).filter((m) => m.path === copy)).toHaveLength(1);

    const later = new Date(Date.now() + 5000);
    utimesSync(copy, later, later);
    expect((await t.api.models.list({})).find((m) => m.id === added.id)?.fileState).toBe('changed');
    rmSync(copy);
    expect((await t.api.models.list({})).find((m) => m.id === added.id)?.fileState).toBe('missing');
  });

  it('refuses unusable files with the reason', async () => {
    const notGguf = join(t.dataDir, 'notes.gguf');
    writeFileSync(notGguf, 'hello, this is text');
    await expect(t.api.models.add({ path: notGguf })).rejects.toThrow(/not a usable GGUF file/);

    const cut = join(t.dataDir, 'cut.gguf');
    writeFileSync(cut, readFileSync(tiny).subarray(0, 200_000));
    await expect(t.api.models.add({ path: cut })).rejects.toThrow(/truncated/);

    const bert = ggufWith('bert.gguf', (w) => w.setString('general.architecture', 'bert'));
    await expect(t.api.models.inspect({ path: bert })).rejects.toThrow(/is a bert model; the trainer supports qwen2, qwen3, llama/);

    const adapter = ggufWith('adapter.gguf', (w) => w.setString('general.architecture', 'qwen2').setString('general.type', 'adapter'));
    await expect(t.api.models.inspect({ path: adapter })).rejects.toThrow(/LoRA adapter, not a base model/);

    const vocabOnly = ggufWith('vocab.gguf', (w) => w.setString('general.architecture', 'qwen2'));
    await expect(t.api.models.inspect({ path: vocabOnly })).rejects.toThrow(/no tensors/);

    await expect(t.api.models.add({ path: join(t.dataDir, 'nowhere.gguf') })).rejects.toThrow(/No file at/);
    await expect(t.api.models.add({ path: 'relative.gguf' })).rejects.toThrow(/full path/);
  });

  it('says when a base has no tool-calling template', async () => {
    const plain = ggufWith('plain.gguf', (w) => {
      w.setString('general.architecture', 'llama');
      w.set('tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: ['a', 'b'] });
      w.setString('tokenizer.chat_template', "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}");
      w.addTensor({ name: 'token_embd.weight', dims: [32, 2], type: 'F32', data: new Float32Array(64) });
    });
    const info = await t.api.models.inspect({ path: plain });
    expect(info.toolCalling).toMatchObject({ supported: false, reason: expect.stringMatching(/no tool-calling format/) });
  });

  it('sets and clears the project base', async () => {
    const [project] = await t.api.projects.list({});
    const model = await t.api.models.add({ path: tiny });
    expect((await t.api.models.setProjectBase({ projectId: project!.id, modelId: model.id }))?.id).toBe(model.id);
    expect((await t.api.models.projectBase({ projectId: project!.id }))?.id).toBe(model.id);
    await t.api.models.remove({ id: model.id });
    expect(await t.api.models.projectBase({ projectId: project!.id })).toBeNull();
  });
});
