/**
 * Training samples most like an eval case, for the failure browser: a failed case next to what the model was
 * taught says whether the data covered it. Similarity is the Jaccard index of the words of the user turns, with
 * a share for the tools the two have in common.
 */
import type { SimilarSample } from '../../shared/contract/evaluate';
import type { Sample } from '../../shared/data/conversation';

const USER_TEXT_SHOWN = 300;
const TOOL_SHARE = 0.3;

function wordsOf(sample: Sample): Set<string> {
  const text = sample.messages.filter((m) => m.role === 'user').map((m) => m.content).join(' ');
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

function toolsCalled(sample: Sample): Set<string> {
  return new Set(sample.messages.flatMap((m) => (m.role === 'assistant' ? m.toolCalls.map((c) => c.name) : [])));
}

export function mostSimilarSamples(target: Sample, candidates: Iterable<{ sampleId: number; sample: Sample }>, count: number): SimilarSample[] {
  const words = wordsOf(target);
  const tools = toolsCalled(target);
  const best: SimilarSample[] = [];
  for (const { sampleId, sample } of candidates) {
    const similarity = (1 - TOOL_SHARE) * jaccard(words, wordsOf(sample)) + TOOL_SHARE * jaccard(tools, toolsCalled(sample));
    if (best.length === count && similarity <= best[count - 1]!.similarity) continue;
    const userText = sample.messages.find((m) => m.role === 'user')?.content ?? '';
    best.push({ sampleId, kind: sample.kind, userText: userText.slice(0, USER_TEXT_SHOWN), similarity });
    best.sort((a, b) => b.similarity - a.similarity);
    if (best.length > count) best.pop();
  }
  return best;
}
