import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import demoTools from '../../../resources/demo/tools.json';
import { DEMO_PHRASINGS_EN, generateSamples } from '../../shared/data/synthesis';
import type { ToolDefinition } from '../../shared/tools/types';
import { ConversationRenderer } from '../train/renderConversation';
import { DEMO_COPY_DISTANCE, ensureDemoModelFile } from './demoModel';
import { cpuLlamaRuntime } from './llamaRuntime';

const dir = mkdtempSync(join(tmpdir(), 'demo-model-'));
const tools: ToolDefinition[] = (demoTools as Array<{ function: ToolDefinition }>).map(({ function: f }) => ({ name: f.name, description: f.description, parameters: f.parameters }));

describe('the demo base', () => {
  let model: LlamaModel;
  beforeAll(async () => {
    model = await (await cpuLlamaRuntime()).loadModel({ modelPath: ensureDemoModelFile(dir), vocabOnly: true });
  }, 60_000);
  afterAll(async () => {
    await model?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies from exactly where the city of every Demo simple request lies, seen from its argument slot', () => {
    const renderer = ConversationRenderer.forModel(model);
    const [turnStart] = model.tokenize('<|im_start|>', true);
    const simple = generateSamples(tools, [DEMO_PHRASINGS_EN], { seed: 5, mix: { simple: 1 } }, 60);
    expect(simple.every((s) => s.messages.some((m) => m.role === 'assistant' && m.toolCalls[0]?.name === 'get_weather'))).toBe(true);
    const before = new Set<number>();
    const distances = new Set(
      simple.map((sample) => {
        const call = sample.messages.find((m) => m.role === 'assistant')!;
        const city = String((call as { toolCalls: Array<{ arguments: Record<string, unknown> }> }).toolCalls[0]!.arguments['city']);
        const cityTokens = model.tokenize(city);
        expect(cityTokens, `${city} must be one token`).toHaveLength(1);
        const rendered = renderer.render(sample);
        const start = rendered.assistantSpans[0]!.start;
        const inRequest = rendered.tokens.lastIndexOf(cityTokens[0]!, start);
        before.add(inRequest - rendered.tokens.lastIndexOf(turnStart, inRequest));
        return rendered.tokens.indexOf(cityTokens[0]!, start) - inRequest - 1;
      }),
    );
    expect([...distances]).toEqual([DEMO_COPY_DISTANCE]);
    // The same number of tokens before the city in every request: what the copy layer brings to the call's other
    // tokens lines up alike (with one request a token longer or shorter, those calls came out garbled).
    expect(before.size).toBe(1);
  });
});
