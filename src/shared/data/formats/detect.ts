import type { DatasetFormat } from './datasetImport';

/** A possible-answer file of BFCL is recognised separately: it pairs with a question file. */
export type DetectedDatasetFormat = DatasetFormat | 'bfcl_answers';

/**
 * Guesses a dataset file's format from its first lines (JSONL or the start of a JSON array),
 * by the keys each format's records carry. `null` when nothing matches.
 */
export function detectDatasetFormat(firstLines: readonly string[]): DetectedDatasetFormat | null {
  const head = firstLines.join('\n').slice(0, 200_000);
  const hasKey = (key: string): boolean => head.includes(`"${key}"`);
  if (hasKey('ground_truth')) return 'bfcl_answers';
  if (hasKey('question') && (hasKey('function') || /"id"\s*:\s*"(live_)?(multi_turn|simple|irrelevance)/.test(head))) return 'bfcl';
  if (hasKey('query') && hasKey('answers')) return 'xlam';
  if (hasKey('conversations')) return 'sharegpt';
  if (hasKey('chat') || /(^|\n|")\s*SYSTEM:/.test(head) || /(^|\n|")USER:/.test(head)) return 'glaive';
  if (hasKey('messages')) return /"from"\s*:/.test(head) ? 'sharegpt' : 'openai';
  return null;
}
