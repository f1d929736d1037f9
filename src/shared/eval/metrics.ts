/**
 * Scores of an evaluation, overall and per kind. A case is right (`exactCall`) when every scored step of it
 * passes the AST checker; the other figures look inside the steps to show how far off a model is.
 */
import type { SampleKind } from '../data/conversation';
import type { ExpectedCall } from '../data/evalExpectation';
import { argumentMatches, type ProducedCall, type Verdict } from './astChecker';
import type { ToolParameters } from './evalCases';

export interface StepResult {
  expected: ExpectedCall[];
  /** `null`: the model wrote a call that could not be read. */
  produced: ProducedCall[] | null;
  /** What the model wrote (capped), for the failure browser. */
  text: string;
  verdict: Verdict;
  /** Per produced call: known tool, arguments valid against its schema. */
  schemaValid: boolean[];
  /** From the prompt to the end of the answer, where the answer has calls. */
  latencyMs: number | null;
}

export interface CaseResult {
  id: string;
  kind: SampleKind;
  valid: boolean;
  steps: StepResult[];
}

export interface Metrics {
  n: number;
  exactCall: number | null;
  functionName: number | null;
  arguments: number | null;
  requiredFilled: number | null;
  schemaValid: number | null;
  noCallPrecision: number | null;
  noCallRecall: number | null;
  latencyMs: { median: number; p95: number } | null;
}

export interface Scores {
  overall: Metrics;
  byKind: Partial<Record<SampleKind, Metrics>>;
}

function share(hits: number, total: number): number | null {
  return total === 0 ? null : hits / total;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function sameNames(produced: readonly ProducedCall[], expected: readonly ExpectedCall[]): boolean {
  const a = produced.map((c) => c.name).sort();
  const b = expected.map((c) => c.name).sort();
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/** Pairs each expected call with an unused produced call of the same name, in order. */
function pairCalls(produced: readonly ProducedCall[], expected: readonly ExpectedCall[]): Array<ProducedCall | undefined> {
  const used = new Set<number>();
  return expected.map((want) => {
    const index = produced.findIndex((call, i) => !used.has(i) && call.name === want.name);
    if (index < 0) return undefined;
    used.add(index);
    return produced[index];
  });
}

/** `parametersIn(result)`: the schemas of the tools that result's case offered (a name may mean other tools in other cases). */
export function computeMetrics(cases: readonly CaseResult[], parametersIn: (result: CaseResult) => ToolParameters): Metrics {
  let callSteps = 0;
  let namesRight = 0;
  let argsRight = 0;
  let argsTotal = 0;
  let requiredRight = 0;
  let requiredTotal = 0;
  let producedCalls = 0;
  let producedValid = 0;
  let predictedNone = 0;
  let predictedNoneRight = 0;
  let expectedNone = 0;
  let expectedNoneRight = 0;
  const latencies: number[] = [];
  for (const result of cases) {
    const parametersOf = parametersIn(result);
    for (const step of result.steps) {
      const produced = step.produced ?? [];
      producedCalls += step.schemaValid.length;
      producedValid += step.schemaValid.filter(Boolean).length;
      if (produced.length === 0) {
        predictedNone++;
        if (step.expected.length === 0) predictedNoneRight++;
      }
      if (step.expected.length === 0) {
        expectedNone++;
        if (produced.length === 0) expectedNoneRight++;
        continue;
      }
      callSteps++;
      if (sameNames(produced, step.expected)) namesRight++;
      if (step.latencyMs !== null && produced.length > 0) latencies.push(step.latencyMs);
      pairCalls(produced, step.expected).forEach((call, i) => {
        const want = step.expected[i]!;
        const parameters = parametersOf(want.name);
        for (const [key, accepted] of Object.entries(want.arguments)) {
          if (accepted.values.length === 0) continue; // only "may be left out": not an argument the case asks for
          argsTotal++;
          if (call && argumentMatches(parameters, key, call, accepted)) argsRight++;
        }
        const required = Array.isArray(parameters?.['required']) ? (parameters['required'] as unknown[]).filter((k): k is string => typeof k === 'string') : [];
        requiredTotal += required.length;
        if (call && typeof call.arguments === 'object' && call.arguments !== null) requiredRight += required.filter((key) => Object.hasOwn(call.arguments as object, key)).length;
      });
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    n: cases.length,
    exactCall: share(cases.filter((c) => c.valid).length, cases.length),
    functionName: share(namesRight, callSteps),
    arguments: share(argsRight, argsTotal),
    requiredFilled: share(requiredRight, requiredTotal),
    schemaValid: share(producedValid, producedCalls),
    noCallPrecision: share(predictedNoneRight, predictedNone),
    noCallRecall: share(expectedNoneRight, expectedNone),
    latencyMs: latencies.length === 0 ? null : { median: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) },
  };
}

export function computeScores(cases: readonly CaseResult[], parametersIn: (result: CaseResult) => ToolParameters): Scores {
  const byKind: Partial<Record<SampleKind, Metrics>> = {};
  const kinds = [...new Set(cases.map((c) => c.kind))];
  for (const kind of kinds) byKind[kind] = computeMetrics(cases.filter((c) => c.kind === kind), parametersIn);
  return { overall: computeMetrics(cases, parametersIn), byKind };
}
