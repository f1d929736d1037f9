import type { TrainingRun } from '../../../shared/contract';
import type { MessageKey } from '../../i18n/catalogs';

/** The word for a run's state: a running run says whether it prepares data or trains. */
export function runStateKey(run: Pick<TrainingRun, 'state' | 'phase'>): MessageKey {
  if (run.state === 'running') return run.phase === 'preparing' ? 'train.state.preparing' : 'train.state.training';
  return `train.state.${run.state}`;
}
