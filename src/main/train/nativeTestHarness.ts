/**
 * Helpers shared by the native trainer tests and the training benchmark: run the built tools (found with
 * trainerProcess's `findNativeBinDir`/`nativeToolPath`) with JSON-lines progress, render conversations
 * into TTDS, decode greedily.
 * Test/bench support only; the app's Train step has its own supervised runner.
 */
import { spawn } from 'node:child_process';
import { peakMemoryOf } from '../processes.js';
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { TokenSample } from './datasetFile.js';
import type { ConversationRenderer, RenderableSample } from './renderConversation.js';

export interface ToolRun {
  code: number | null;
  /** Parsed JSON lines from stdout (tooltune-train's machine-readable progress). */
  events: Array<Record<string, unknown>>;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  /** Peak resident set size in bytes (polled from /proc on Linux; 0 elsewhere). */
  peakRssBytes: number;
}

/** Runs a tool with an argument array (no shell), a timeout, and peak-RSS polling. */
export function runTool(bin: string, args: readonly string[], options: { timeoutMs?: number; cwd?: string } = {}): Promise<ToolRun> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(bin, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      // Keep the tail only: llama-finetune logs a lot.
      stderr = (stderr + b.toString()).slice(-200_000);
    });
    const poll = setInterval(() => (peak = Math.max(peak, peakMemoryOf(child.pid))), 50);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', (error) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      const events: Array<Record<string, unknown>> = [];
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          events.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          /* not a JSON line */
        }
      }
      resolvePromise({ code, events, stdout, stderr, wallSeconds: (performance.now() - started) / 1000, peakRssBytes: peak });
    });
  });
}

export function renderSamples(renderer: ConversationRenderer, conversations: readonly RenderableSample[]): TokenSample[] {
  return conversations.map((c) => {
    const r = renderer.render(c);
    return { tokens: r.tokens, mask: r.mask };
  });
}

/**
 * Greedy decoding of up to maxTokens after the prompt; stops at an end-of-generation token (included).
 * With `expected`, decoding also stops as soon as the detokenized output is no longer a prefix of it:
 * an exact-match check is already decided then, and on CPU every further token costs time.
 */
export async function greedyDecode(model: LlamaModel, sequence: LlamaContextSequence, prompt: readonly number[], maxTokens: number, expected?: string): Promise<number[]> {
  await sequence.clearHistory();
  const out: number[] = [];
  for await (const token of sequence.evaluate(prompt as Token[], { temperature: 0, yieldEogToken: true })) {
    out.push(token);
    if (model.isEogToken(token) || out.length >= maxTokens) break;
    if (expected !== undefined && !expected.startsWith(model.detokenize(out as Token[], true))) break;
  }
  return out;
}
