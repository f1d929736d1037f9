/**
 * Runs eval cases against one model variant and checks every answer with the AST checker. Steps are independent
 * (each gets the recorded history up to it), so they run in parallel up to the answerer's parallelism.
 */
import { checkTurn, type ProducedCall } from '../../shared/eval/astChecker';
import { toolParameters, type EvalCase, type EvalStep } from '../../shared/eval/evalCases';
import type { CaseResult, StepResult } from '../../shared/eval/metrics';
import { isJsonObject } from '../../shared/tools/plainJson';
import { ArgumentValidator } from '../data/verifySample';

/** What the failure browser keeps of an answer. */
const MAX_ANSWER_CHARS = 4000;

export interface Answer {
  text: string;
  /** `null`: a call was started but cannot be read. */
  calls: ProducedCall[] | null;
  ms: number;
}

/** A model variant that answers at one step of a case: a local model, or an OpenAI-compatible endpoint. */
export interface Answerer {
  readonly parallelism: number;
  answer(evalCase: EvalCase, step: EvalStep, signal: AbortSignal): Promise<Answer>;
}

export class EvalCancelledError extends Error {
  constructor() {
    super('The evaluation was cancelled.');
    this.name = 'EvalCancelledError';
  }
}

function schemaValidity(evalCase: EvalCase, calls: readonly ProducedCall[] | null, validator: ArgumentValidator): boolean[] {
  return (calls ?? []).map((call) => {
    const parameters = toolParameters(evalCase.tools)(call.name);
    return parameters !== undefined && isJsonObject(call.arguments) && validator.check(parameters, call.arguments) === null;
  });
}

/** Every case's result, in order; `onStep` after each answered step. Rejects with `EvalCancelledError` once `signal` aborts. */
export async function evaluateCases(
  answerer: Answerer,
  cases: readonly EvalCase[],
  options: { signal: AbortSignal; onStep?: (done: number, total: number) => void },
): Promise<CaseResult[]> {
  const validator = new ArgumentValidator();
  const work = cases.flatMap((evalCase, c) => evalCase.steps.map((step, s) => ({ evalCase, step, c, s })));
  const results: StepResult[][] = cases.map((evalCase) => new Array<StepResult>(evalCase.steps.length));
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < work.length && !failed) {
      if (options.signal.aborted) throw new EvalCancelledError();
      const { evalCase, step, c, s } = work[next++]!;
      const answer = await answerer.answer(evalCase, step, options.signal).catch((error: unknown) => {
        failed = true;
        throw error;
      });
      results[c]![s] = {
        expected: step.expected,
        produced: answer.calls,
        text: answer.text.slice(0, MAX_ANSWER_CHARS),
        verdict: checkTurn(toolParameters(evalCase.tools), answer.calls, step.expected),
        schemaValid: schemaValidity(evalCase, answer.calls, validator),
        latencyMs: answer.calls !== null && answer.calls.length > 0 ? answer.ms : null,
      };
      options.onStep?.(++done, work.length);
    }
  };
  // Every worker ends before this returns or throws: the caller may dispose of the model right after.
  const ended = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(answerer.parallelism, work.length)) }, worker));
  if (options.signal.aborted) throw new EvalCancelledError();
  const failure = ended.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return cases.map((evalCase, c) => ({ id: evalCase.id, kind: evalCase.kind, valid: results[c]!.every((step) => step.verdict.valid), steps: results[c]! }));
}
