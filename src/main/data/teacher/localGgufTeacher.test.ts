import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { semanticCheck } from '../../../shared/data/teacher/judge';
import { writeTinyQwen2Model } from '../../models/tinyModel';
import { assertGgufFile, LocalGgufTeacher } from './localGgufTeacher';

/**
 * A tiny random-weight Qwen2 GGUF (real tokenizer and template): its words are gibberish, but the
 * grammar must still force every answer into the requested JSON shape. Grammar-constrained sampling
 * over the 152k-token vocabulary costs about 0.5 s per token on a 2-core CPU, so these tests keep
 * answers to a few tokens; whole samples from the tiny model take minutes each there.
 */
const dir = mkdtempSync(join(tmpdir(), 'teacher-gguf-'));
const modelPath = join(dir, 'tiny.gguf');
beforeAll(() => void writeTinyQwen2Model(modelPath, { layers: 2, embd: 64, heads: 4, kvHeads: 2, ff: 128, seed: 3, ctx: 4096 }), 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const never = new AbortController().signal;

describe('LocalGgufTeacher', () => {
  it('answers in the requested JSON shape on parallel sequences and releases the model on dispose', async () => {
    const teacher = await LocalGgufTeacher.load({ modelPath, sequences: 2, contextSize: 1024 });
    const verdict = { type: 'object', properties: { ok: { type: 'boolean' }, reason: { type: 'string', maxLength: 6 } }, required: ['ok', 'reason'], additionalProperties: false };
    try {
      expect(teacher.concurrency).toBe(2);
      const prompt = { system: 'You review training data.', user: 'Does get_weather(city="Paris") answer "weather in Paris?"', schema: verdict };
      const answers = await Promise.all([1, 2].map((seed) => teacher.ask({ ...prompt, seed }, never)));
      for (const answer of answers) expect(semanticCheck(answer)).toMatchObject({ check: 'semantic', ok: expect.any(Boolean) });
    } finally {
      await teacher.dispose();
    }
    expect(teacher.model.disposed).toBe(true);
  }, 180_000);

  it('refuses a missing file and a file that is not a GGUF before llama.cpp opens it, and explains a broken GGUF', async () => {
    await expect(assertGgufFile(join(dir, 'none.gguf'))).rejects.toMatchObject({ fatal: true, message: expect.stringMatching(/no model file/) });
    const fake = join(dir, 'fake.gguf');
    writeFileSync(fake, 'PK\u0003\u0004 not a model');
    await expect(LocalGgufTeacher.load({ modelPath: fake })).rejects.toMatchObject({ fatal: true, message: expect.stringMatching(/not a GGUF/) });
    const truncated = join(dir, 'truncated.gguf');
    writeFileSync(truncated, 'GGUF\u0003\u0000');
    await expect(LocalGgufTeacher.load({ modelPath: truncated })).rejects.toMatchObject({ fatal: true, message: expect.stringMatching(/could not be loaded/) });
  }, 60_000);
});
