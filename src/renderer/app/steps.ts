import type { MessageKey } from '../i18n/catalogs';

export const STEPS = ['tools', 'data', 'train', 'evaluate', 'export', 'test'] as const;
export type StepId = (typeof STEPS)[number];

export const STEP_LABELS: Record<StepId, MessageKey> = {
  tools: 'steps.tools',
  data: 'steps.data',
  train: 'steps.train',
  evaluate: 'steps.evaluate',
  export: 'steps.export',
  test: 'steps.test',
};

export const STEP_SUMMARIES: Record<StepId, MessageKey> = {
  tools: 'steps.tools.summary',
  data: 'steps.data.summary',
  train: 'steps.train.summary',
  evaluate: 'steps.evaluate.summary',
  export: 'steps.export.summary',
  test: 'steps.test.summary',
};
