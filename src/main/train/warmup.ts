/**
 * A short measured warm-up: the trainer runs a few steps on the run's own rendered data and settings, and we
 * read the peak memory (the kernel's high-water mark of the process) and the time per step. The first step
 * also builds the graphs, so the time per step is taken from the steps after it; the last step also runs the
 * validation, whose forward graph is a peak of its own (measured: the Demo base at a 1,024-token window
 * needs 2.6× the memory of training alone there).
 */
import { peakMemoryOf } from '../processes';
import { startTrainer, type TrainerOptions, type TrainerProgressEvent, type TrainerStartEvent } from './trainerProcess';

export interface WarmupMeasurement {
  peakMemoryBytes: number;
  secondsPerStep: number;
  stepsPerEpoch: number;
}

export const WARMUP_STEPS = 4;

/** Runs `WARMUP_STEPS` steps of `options` (written into `scratchDir`) and measures them; throws the trainer's own explanation. */
export async function measureWarmup(binDir: string, options: TrainerOptions, scratchDir: string, signal?: AbortSignal): Promise<WarmupMeasurement> {
  const steps: TrainerProgressEvent[] = [];
  let start: TrainerStartEvent | undefined;
  const run = startTrainer(
    {
      ...options,
      out: `${scratchDir}/warmup.gguf`,
      checkpointDir: `${scratchDir}/checkpoints`,
      maxSteps: WARMUP_STEPS,
      epochs: undefined,
      valEvery: options.val !== undefined ? WARMUP_STEPS : undefined,
      resume: false,
      checkpointEvery: undefined,
    },
    {
      binDir,
      onEvent: (event) => {
        if (event.type === 'start') start = event;
        if (event.type === 'progress') steps.push(event);
      },
    },
  );
  let peak = 0;
  const poll = setInterval(() => (peak = Math.max(peak, peakMemoryOf(run.pid))), 100);
  const abort = () => run.kill();
  signal?.addEventListener('abort', abort, { once: true });
  const result = await run.result.finally(() => {
    clearInterval(poll);
    signal?.removeEventListener('abort', abort);
  });
  if (result.error) throw new Error(result.error.message);
  if (result.exitCode !== 0 || !start) throw new Error(`the warm-up ended with ${result.signal ?? `exit code ${result.exitCode}`}: ${result.stderrTail.trim().split('\n').slice(-2).join(' ')}`);
  // Step 1 builds the graphs and the last one validates: the steps between are plain training.
  const timed = steps.slice(1, -1).map((s) => (s as TrainerProgressEvent & { step_s?: number }).step_s ?? 0).filter((s) => s > 0);
  const reported = Math.max(0, ...steps.map((s) => s.mem_bytes));
  return {
    peakMemoryBytes: Math.max(peak, reported),
    secondsPerStep: timed.length > 0 ? timed.reduce((a, b) => a + b, 0) / timed.length : 0,
    stepsPerEpoch: start.steps_per_epoch,
  };
}
