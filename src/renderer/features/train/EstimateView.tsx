import type { TrainEstimate } from '../../../shared/contract';
import { useT } from '../../i18n/I18nProvider';
import { formatBytes, formatDuration } from './format';

/** The measured warm-up's verdict: peak memory against what is free, and the time the run will take. */
export function EstimateView({ estimate }: { estimate: TrainEstimate }) {
  const t = useT();
  return (
    <div className={estimate.fits ? 'estimate' : 'estimate estimate-warning'} role="status">
      <p>
        {t('train.estimate.result', {
          memory: formatBytes(estimate.peakMemoryBytes),
          available: formatBytes(estimate.availableMemoryBytes),
          perStep: estimate.secondsPerStep.toFixed(2),
          steps: estimate.totalSteps,
          total: formatDuration(estimate.estimatedSeconds),
        })}
      </p>
      {estimate.suggestion && <p className="field-error">{estimate.suggestion}</p>}
      {estimate.longerThanWindow > 0 && (
        <p className="field-error">
          {t('train.run.truncated', { count: estimate.longerThanWindow, window: estimate.contextLength, longest: estimate.data.longestSample })}
        </p>
      )}
      <p className="hint">{t('train.estimate.basis', { steps: estimate.warmupSteps, excluded: estimate.data.excludedSamples })}</p>
    </div>
  );
}
