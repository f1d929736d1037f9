/**
 * Runs llama.cpp's own `llama-export-lora` (merge an adapter into its base) and `llama-quantize`, built by
 * `npm run build:native` beside the trainer, with progress from their per-tensor log lines and cancel. Neither
 * tool checks its writes, so every output is read back (`checkCompleteGguf`) before it counts as written.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ToolTuneError } from '../../shared/errors';
import { readGgufFile, type GgufFile } from '../models/gguf/index.js';
import { nativeToolPath } from '../train/trainerProcess';

export type LlamaTool = 'llama-export-lora' | 'llama-quantize';

export class ToolCancelledError extends Error {
  override readonly name = 'ToolCancelledError';
}

/** Lines kept for an error message. */
const TAIL_LINES = 12;

/**
 * A tensor started: quantize prints `[  12/ 291] blk.0.attn_q.weight …`, export-lora `copy_tensor :  name …` or
 * `merge_tensor : name [shape]` (its other `merge_tensor :` lines are details of the same tensor).
 */
function tensorDone(tool: LlamaTool, line: string): boolean {
  return tool === 'llama-quantize' ? /^\[\s*\d+\/\s*\d+\]/.test(line) : /^(copy_tensor|merge_tensor) :\s+[\w.]+ \[/.test(line);
}

/**
 * Runs `tool` to the end. `onTensor` is called for every tensor written; the output's last lines make the
 * message of a failure. Aborting kills the tool and rejects with ToolCancelledError.
 */
export function runLlamaTool(binDir: string, tool: LlamaTool, args: readonly string[], options: { signal?: AbortSignal; onTensor?: () => void } = {}): Promise<string[]> {
  const file = nativeToolPath(binDir, tool);
  if (!existsSync(file)) return Promise.reject(new ToolTuneError('unavailable', `${tool} is not built: run \`npm run build:native\`.`));
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new ToolCancelledError(`${tool} cancelled`));
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onAbort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const readLines = (stream: NodeJS.ReadableStream) => {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (tensorDone(tool, line.trimStart())) options.onTensor?.();
          else if (line.trim() !== '') {
            tail.push(line.trimEnd());
            if (tail.length > TAIL_LINES) tail.shift();
          }
        }
      });
    };
    readLines(child.stdout);
    readLines(child.stderr);
    child.on('error', (error) => reject(new ToolTuneError('unavailable', `${tool} did not start: ${error.message}`)));
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) reject(new ToolCancelledError(`${tool} cancelled`));
      else if (code === 0) resolve(tail);
      else reject(new ToolTuneError('internal', `${tool} failed (${code !== null ? `exit ${code}` : signal}): ${lastError(tail)}`));
    });
  });
}

/** The line that says what went wrong: the last one naming an error, else the last one. */
function lastError(tail: readonly string[]): string {
  return [...tail].reverse().find((line) => /error|failed|cannot|unable|invalid|No space/i.test(line)) ?? tail.at(-1) ?? 'no output';
}

/** Reads a written GGUF back: its header parses and every tensor's data lies inside the file (a full disk cuts it short). */
export function checkCompleteGguf(path: string): GgufFile {
  let file: GgufFile;
  try {
    file = readGgufFile(path);
  } catch (error) {
    throw new ToolTuneError('internal', `The written file ${path} is not a readable GGUF (${(error as Error).message}); is the disk full?`);
  }
  const end = file.tensors.reduce((max, t) => Math.max(max, file.dataOffset + t.offset + t.byteSize), file.dataOffset);
  if (end > file.fileSize) throw new ToolTuneError('internal', `The written file ${path} is cut short (${file.fileSize} of ${end} bytes); is the disk full?`);
  return file;
}

/** `llama-quantize --dry-run`'s size of `input` as `quant`, in bytes (it prints `quant size = 16.32 MiB`). */
export async function quantizedSize(binDir: string, input: string, quant: string, extraArgs: readonly string[] = []): Promise<number> {
  const tail = await runLlamaTool(binDir, 'llama-quantize', ['--dry-run', ...extraArgs, input, quant]);
  const line = tail.find((l) => /quant size\s*=/.test(l));
  const mib = line ? Number(/quant size\s*=\s*([\d.]+)\s*MiB/.exec(line)?.[1]) : NaN;
  if (!Number.isFinite(mib)) throw new ToolTuneError('internal', `llama-quantize --dry-run printed no size for ${quant}.`);
  return Math.round(mib * 1024 * 1024);
}
