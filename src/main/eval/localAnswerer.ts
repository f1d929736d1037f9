import type { EvalCase, EvalStep } from '../../shared/eval/evalCases';
import type { LocalModel } from '../inference/localModel';
import type { Answer, Answerer } from './evaluateCases';

/** Room left for an answer below which a case cannot be evaluated in this window. */
const MIN_ANSWER_TOKENS = 16;

/** A local model answering eval steps by free greedy decoding, read with its template's call syntax. */
export class LocalAnswerer implements Answerer {
  constructor(
    private readonly model: LocalModel,
    readonly parallelism: number,
    private readonly maxTokens: number,
  ) {}

  async answer(evalCase: EvalCase, step: EvalStep, signal: AbortSignal): Promise<Answer> {
    const prompt = this.model.promptOf({ tools: evalCase.tools, messages: evalCase.messages.slice(0, step.promptEnd) });
    const room = this.model.contextSize - prompt.length;
    if (room < MIN_ANSWER_TOKENS) throw new Error(`case ${evalCase.id}: its prompt (${prompt.length} tokens) does not fit the model's window of ${this.model.contextSize}`);
    const generation = await this.model.generate(prompt, { maxTokens: Math.min(this.maxTokens, room), signal });
    const read = this.model.readAnswer(generation.text);
    return { text: generation.text, calls: read.calls, ms: generation.ms };
  }
}
