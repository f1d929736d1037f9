/**
 * `eval score`: predictions made anywhere, scored under the same rules. A BFCL question file and its
 * possible-answer file give the cases (names kept exactly as BFCL writes them); the prediction file has one JSON
 * line per case, `{"id": "…", "calls": [{"name": "…", "arguments": {…}}]}` (`"calls": []`: no call; a multi-turn
 * case gives one list of calls per turn). Numbers are read from the prediction's text, so `10.0` stays a float.
 */
import { importBfcl } from '../data/formats/bfcl';
import { isJsonObject, ownValue } from '../tools/plainJson';
import { checkTurn, type ProducedCall } from './astChecker';
import { evalCaseOf, toolParameters } from './evalCases';
import { floatLiteralPaths, readArgumentsText } from './floatLiterals';

export interface ScoredCase {
  id: string;
  valid: boolean;
  /** Why the case failed (`rule: message`, with the turn for multi-turn cases); null when valid. */
  error: string | null;
}

export interface ScoreReport {
  total: number;
  valid: number;
  cases: ScoredCase[];
  /** Lines of the prediction file that could not be read, and questions without an answer. */
  problems: string[];
}

/** A prediction's calls; `arguments` may also be a JSON string (as OpenAI writes it). */
function readCalls(raw: unknown, floatsOfLine: ReadonlySet<string>, pointer: string): ProducedCall[] | string {
  if (!Array.isArray(raw)) return `${pointer} is not a list of calls`;
  const calls: ProducedCall[] = [];
  for (const [i, item] of raw.entries()) {
    const name = isJsonObject(item) ? ownValue(item, 'name') : undefined;
    let args = isJsonObject(item) ? ownValue(item, 'arguments') : undefined;
    if (typeof name !== 'string') return `${pointer}/${i} has no "name"`;
    const prefix = `${pointer}/${i}/arguments`;
    let floats = new Set([...floatsOfLine].filter((p) => p.startsWith(`${prefix}/`)).map((p) => p.slice(prefix.length)));
    if (typeof args === 'string') {
      const read = readArgumentsText(args);
      if (read === null) return `${prefix} is a string that is not JSON`;
      ({ arguments: args, floats } = read);
    }
    calls.push({ name, arguments: args ?? {}, floats });
  }
  return calls;
}

export function scorePredictions(questionsText: string, possibleAnswersText: string, predictionsText: string): ScoreReport {
  const imported = importBfcl(questionsText, possibleAnswersText, { keepNames: true });
  const problems = imported.problems.filter((p) => p.severity === 'error').map((p) => `${p.line !== undefined ? `line ${p.line}: ` : ''}${p.message}`);
  const predictions = new Map<string, { value: unknown; floats: ReadonlySet<string> }>();
  predictionsText.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const floats = floatLiteralPaths(line.trim());
    const value: unknown = floats === null ? undefined : JSON.parse(line);
    const id = isJsonObject(value) ? ownValue(value, 'id') : undefined;
    if (floats === null || typeof id !== 'string') problems.push(`predictions line ${index + 1}: not a JSON object with an "id"`);
    else predictions.set(id, { value, floats });
  });

  const cases: ScoredCase[] = [];
  for (const sample of imported.samples) {
    const id = sample.meta?.['sourceId'] ?? '';
    const evalCase = sample.expected ? evalCaseOf(id, sample) : null;
    if (!evalCase) {
      problems.push(`${id}: no possible answer`);
      continue;
    }
    const prediction = predictions.get(id);
    if (!prediction) {
      cases.push({ id, valid: false, error: 'no prediction for this case' });
      continue;
    }
    const raw = isJsonObject(prediction.value) ? ownValue(prediction.value, 'calls') : undefined;
    const multiTurn = evalCase.steps.length > 1;
    const perTurn = multiTurn ? raw : [raw];
    if (!Array.isArray(perTurn) || perTurn.length !== evalCase.steps.length) {
      cases.push({ id, valid: false, error: `expected calls for ${evalCase.steps.length} turn(s)` });
      continue;
    }
    const parametersOf = toolParameters(evalCase.tools);
    let error: string | null = null;
    for (const [t, step] of evalCase.steps.entries()) {
      const calls = readCalls(perTurn[t], prediction.floats, multiTurn ? `/calls/${t}` : '/calls');
      if (typeof calls === 'string') {
        error = calls;
        break;
      }
      const verdict = checkTurn(parametersOf, calls, step.expected);
      if (!verdict.valid) {
        error = `${multiTurn ? `turn ${t + 1}: ` : ''}${verdict.rule}: ${verdict.message}`;
        break;
      }
    }
    cases.push({ id, valid: error === null, error });
  }
  return { total: cases.length, valid: cases.filter((c) => c.valid).length, cases, problems };
}
