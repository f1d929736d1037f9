import type { DatasetFormat } from '../../../shared/data/formats';
import type { SampleStatus } from '../../../shared/contract';
import type { SampleKind } from '../../../shared/data/conversation';
import type { CheckName } from '../../../shared/data/verification';
import type { MessageKey } from '../../i18n/catalogs';

/** Catalog keys for the names main uses as data, so every place shows them the same way. */

export const KIND_LABELS: Record<SampleKind | 'unknown', MessageKey> = {
  simple: 'data.kind.simple',
  multiple: 'data.kind.multiple',
  parallel: 'data.kind.parallel',
  parallel_multiple: 'data.kind.parallel_multiple',
  multi_turn: 'data.kind.multi_turn',
  missing_argument: 'data.kind.missing_argument',
  no_call: 'data.kind.no_call',
  generate_and_save: 'data.kind.generate_and_save',
  dependent: 'data.kind.dependent',
  unknown: 'data.kind.unknown',
};

export const STATUS_LABELS: Record<SampleStatus, MessageKey> = {
  pending: 'data.status.pending',
  approved: 'data.status.approved',
  rejected: 'data.status.rejected',
  flagged: 'data.status.flagged',
};

export const CHECK_NAMES: readonly CheckName[] = ['format', 'tool_exists', 'arguments', 'missing_argument', 'no_call', 'semantic'];

export const CHECK_LABELS: Record<CheckName, MessageKey> = {
  format: 'data.check.format',
  tool_exists: 'data.check.tool_exists',
  arguments: 'data.check.arguments',
  missing_argument: 'data.check.missing_argument',
  no_call: 'data.check.no_call',
  semantic: 'data.check.semantic',
};

export const FORMAT_LABELS: Record<DatasetFormat, MessageKey> = {
  openai: 'data.format.openai',
  sharegpt: 'data.format.sharegpt',
  llamafactory: 'data.format.llamafactory',
  alpaca: 'data.format.alpaca',
  glaive: 'data.format.glaive',
  xlam: 'data.format.xlam',
  bfcl: 'data.format.bfcl',
};

/** Looks up a label for a key that came from main as a plain string, falling back to the key itself. */
export function labelOf<K extends string>(labels: Record<K, MessageKey>, key: string, t: (key: MessageKey) => string): string {
  return Object.hasOwn(labels, key) ? t(labels[key as K]) : key;
}
