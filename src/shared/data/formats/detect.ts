import type { DatasetFormat } from './datasetImport';
import { recordsOf } from './records';

/** A possible-answer file of BFCL is recognised separately: it pairs with a question file. */
export type DetectedDatasetFormat = DatasetFormat | 'bfcl_answers';

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decides by the first record's own keys, so values that merely look like keys (an argument named `from`) don't mislead. */
function formatOfRecord(record: JsonRecord): DetectedDatasetFormat | null {
  if ('ground_truth' in record) return 'bfcl_answers';
  if ('question' in record && ('function' in record || typeof record.id === 'string')) return 'bfcl';
  if ('query' in record && 'answers' in record) return 'xlam';
  if ('conversations' in record) return 'sharegpt';
  if ('chat' in record) return 'glaive';
  if ('instruction' in record && 'output' in record) return 'alpaca';
  if (Array.isArray(record.messages)) {
    const first: unknown = record.messages.find(isRecord);
    if (isRecord(first) && 'from' in first && !('role' in first)) return 'sharegpt';
    if (isRecord(first) && Array.isArray(first.content) && first.content.some((part) => isRecord(part) && 'value' in part && 'type' in part)) return 'llamafactory';
    return 'openai';
  }
  return null;
}

/** For a first record too long or cut off to parse: look for the formats' telltale keys. */
function formatOfText(head: string): DetectedDatasetFormat | null {
  const hasKey = (key: string): boolean => new RegExp(`"${key}"\\s*:`).test(head);
  if (hasKey('ground_truth')) return 'bfcl_answers';
  if (hasKey('question') && (hasKey('function') || /"id"\s*:\s*"(live_)?(multi_turn|simple|irrelevance)/.test(head))) return 'bfcl';
  if (hasKey('query') && hasKey('answers')) return 'xlam';
  if (hasKey('conversations')) return 'sharegpt';
  if (hasKey('instruction') && !hasKey('chat')) return 'alpaca';
  if (hasKey('chat') || /(^|\n|")\s*SYSTEM:/.test(head) || /(^|\n|")USER:/.test(head)) return 'glaive';
  if (hasKey('messages')) {
    if (/"type"\s*:\s*"(text|reasoning|tool_call)"\s*,\s*"value"\s*:/.test(head)) return 'llamafactory';
    const sharegptTurn = /"from"\s*:\s*"(human|gpt|function_call|observation)"/.test(head);
    return sharegptTurn && !/"role"\s*:\s*"(user|assistant|system|tool)"/.test(head) ? 'sharegpt' : 'openai';
  }
  return null;
}

/**
 * Guesses a dataset file's format from its first lines (JSONL or the start of a JSON array).
 * `null` when nothing matches.
 */
export function detectDatasetFormat(firstLines: readonly string[]): DetectedDatasetFormat | null {
  const head = firstLines.join('\n').slice(0, 200_000);
  for (const { text } of recordsOf(head)) {
    try {
      const value: unknown = JSON.parse(text);
      if (isRecord(value)) return formatOfRecord(value) ?? formatOfText(head);
    } catch {
      // Cut off or not JSON: fall back to the text.
    }
    break;
  }
  return formatOfText(head);
}
