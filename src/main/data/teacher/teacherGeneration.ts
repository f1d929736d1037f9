import type { SampleCheck, TeacherSettings } from '../../../shared/contract';
import type { Sample } from '../../../shared/data/conversation';
import { sampleFromDraft, unusableDraft, type DraftReading } from '../../../shared/data/teacher/draft';
import { judgePrompt, semanticCheck } from '../../../shared/data/teacher/judge';
import { TeacherPlanner, type TeacherPlan, type TeacherPlanOptions } from '../../../shared/data/teacher/plan';
import { teacherPrompt } from '../../../shared/data/teacher/prompt';
import type { ToolDefinition } from '../../../shared/tools/types';
import { prepareOffThread, type DataWorkerHandlers, type DataWorkerOutcome, type DataWorkerRun } from '../dataWorkerRun';
import { openTeacher } from './openTeacher';
import { TeacherError, type Teacher } from './teacher';

export interface TeacherGenerationRequest {
  tools: ToolDefinition[];
  /** A few of the project's approved samples, shown to the teacher as style examples. */
  examples: Sample[];
  plan: TeacherPlanOptions;
  /** With the API key, which only lives in memory. */
  teacher: TeacherSettings;
  /** Ask the teacher to judge each sample it wrote and record a `semantic` check. */
  judge: boolean;
  /** First sample index (a resumed job starts at its `done` count) and how many to write. */
  start: number;
  count: number;
}

/** Unusable answers in a row after which the teacher is taken to be broken and the job stops. */
const UNUSABLE_STREAK_MAX = 8;

interface Written {
  sample: Sample;
  checks: SampleCheck[];
  /** Why the teacher's answer could not be used; absent when it could. */
  problem?: string;
}

/** Samples written at once per batch: every sequence busy twice, so a cancel loses little work. */
function batchSizeFor(teacher: Teacher): number {
  return Math.max(4, teacher.concurrency * 2);
}

/** `fn` over `items` with at most `limit` running at once; results in input order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Only a fatal error (or a cancel) stops the job; any other failure is this answer's problem. */
function problemOf(error: unknown): string {
  if (error instanceof TeacherError && !error.fatal) return error.message;
  throw error;
}

async function judge(teacher: Teacher, sample: Sample, seed: number, signal: AbortSignal): Promise<SampleCheck> {
  let problem: string;
  try {
    const check = semanticCheck(await teacher.ask(judgePrompt(sample, seed), signal));
    if (check) return check;
    problem = 'the verdict has no boolean "ok"';
  } catch (error) {
    problem = problemOf(error);
  }
  return { check: 'semantic', ok: false, message: `no verdict from the teacher: ${problem}` };
}

async function writeSample(teacher: Teacher, plan: TeacherPlan, request: TeacherGenerationRequest, signal: AbortSignal): Promise<Written> {
  let reading: DraftReading;
  try {
    reading = sampleFromDraft(plan, await teacher.ask(teacherPrompt(plan, request.examples), signal));
  } catch (error) {
    reading = { problem: problemOf(error) };
  }
  if ('problem' in reading) {
    const { sample, check } = unusableDraft(plan, reading.problem);
    return { sample, checks: [check], problem: reading.problem };
  }
  return { sample: reading.sample, checks: request.judge ? [await judge(teacher, reading.sample, plan.seed, signal)] : [] };
}

/**
 * A teacher generate job, run in main (the teacher is async I/O or native code) with the same
 * contract as the data worker: `onTotal`, then whole batches in index order, verified off main.
 * Cancel aborts the requests in flight and drops their batch; what was written stays.
 */
export function startTeacherGeneration(request: TeacherGenerationRequest, handlers: DataWorkerHandlers): DataWorkerRun {
  const controller = new AbortController();
  const { signal } = controller;

  const run = async (): Promise<DataWorkerOutcome> => {
    const planner = new TeacherPlanner(request.tools, request.plan);
    if (Object.keys(planner.mix).length === 0) return { state: 'failed', message: 'No sample kind can be generated from these tools and settings.' };
    let teacher: Teacher | null = null;
    try {
      teacher = await openTeacher(request.teacher);
      signal.throwIfAborted();
      handlers.onTotal(request.count);
      const end = request.start + request.count;
      const batchSize = batchSizeFor(teacher);
      let streak = 0;
      for (let from = request.start; from < end; from += batchSize) {
        const plans = Array.from({ length: Math.min(batchSize, end - from) }, (_, offset) => planner.plan(from + offset) as TeacherPlan);
        const open = teacher;
        const written = await mapConcurrently(plans, open.concurrency, (plan) => writeSample(open, plan, request, signal));
        for (const { problem } of written) {
          streak = problem === undefined ? 0 : streak + 1;
          if (streak >= UNUSABLE_STREAK_MAX) throw new TeacherError(`the teacher gave ${UNUSABLE_STREAK_MAX} unusable answers in a row; the last: ${problem}`, true);
        }
        const batch = await prepareOffThread(
          written.map((w) => w.sample),
          written.map((w) => w.checks),
        );
        signal.throwIfAborted();
        handlers.onBatch(batch);
      }
      return { state: 'done', findings: null };
    } catch (error) {
      if (signal.aborted) return { state: 'cancelled' };
      return { state: 'failed', message: `Teacher: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      await teacher?.dispose().catch(() => undefined);
    }
  };
  return { outcome: run(), cancel: () => controller.abort(new Error('cancelled')) };
}
