import type { RunDetail } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { formatBytes, formatDuration, formatLoss } from './format';
import { LossChart } from './LossChart';
import { useResumeRun, useStartRun, useStopRun } from './queries';
import { runStateKey } from './runState';
import { TrainingDeviceText } from './TrainingDeviceText';

/** One run: live numbers and curves, stop/resume, its artifacts, log and what was trained. */
export function RunView({ projectId, run, onStarted }: { projectId: string; run: RunDetail; onStarted(runId: string): void }) {
  const t = useT();
  const stop = useStopRun(projectId);
  const resume = useResumeRun(projectId);
  const again = useStartRun(projectId);
  const running = run.state === 'running';
  const resumable = run.state === 'cancelled' || run.state === 'interrupted';
  const checkpoint = run.artifacts.some((artifact) => artifact.kind === 'checkpoint');

  return (
    <section className="panel-card run-view" aria-labelledby="run-view-title">
      <h3 id="run-view-title">
        {t('train.runs.name', { seq: run.seq })} — <span data-testid="run-state">{t(runStateKey(run))}</span>
      </h3>
      <progress max={run.totalSteps || 1} value={run.step} aria-label={t('train.run.progress')} />
      <p role="status" aria-live="polite">
        {t('train.run.step', { step: run.step, total: run.totalSteps || '—' })} · {t('train.run.loss')} {formatLoss(run.loss)} · {t('train.run.valLoss')} {formatLoss(run.valLoss)}
        {running && run.tokensPerSecond !== null && ` · ${Math.round(run.tokensPerSecond)} tok/s`}
        {running && run.etaSeconds !== null && ` · ${t('train.run.eta', { eta: formatDuration(run.etaSeconds) })}`}
        {run.memoryBytes !== null && run.memoryBytes > 0 && ` · ${t('train.run.memory', { memory: formatBytes(run.memoryBytes) })}`}
      </p>
      {run.device && (
        <p className="hint" data-testid="run-device">
          {t('train.run.device')} <TrainingDeviceText device={run.device} />
        </p>
      )}
      {run.message && <p className={run.state === 'failed' ? 'field-error' : 'hint'}>{run.message}</p>}
      <div className="field-row">
        {running && (
          <button type="button" onClick={() => stop.mutate(run.id)} disabled={stop.isPending}>
            {t('train.run.stop')}
          </button>
        )}
        {resumable && checkpoint && (
          <button type="button" className="primary" onClick={() => resume.mutate(run.id)} disabled={resume.isPending}>
            {t('train.run.resume')}
          </button>
        )}
        {!running && checkpoint && run.versionId && (
          <button
            type="button"
            onClick={() => again.mutate({ versionId: run.versionId ?? '', settings: run.settings, fromRunId: run.id }, { onSuccess: (next) => onStarted(next.id) })}
            disabled={again.isPending}
          >
            {t('train.run.fromCheckpoint')}
          </button>
        )}
      </div>
      <ErrorMessage error={stop.error ?? resume.error ?? again.error} />
      <LossChart curve={run.curve} totalSteps={run.totalSteps} />
      {run.data && (
        <p className="hint">
          {t('train.run.data', {
            train: run.data.trainSamples,
            eval: run.data.evalSamples,
            excluded: run.data.excludedSamples,
            tokens: run.data.trainTokens,
            targets: run.data.targetTokens,
          })}
        </p>
      )}
      {run.truncatedSamples !== null && run.truncatedSamples > 0 && (
        <p className="field-error">{t('train.run.truncated', { count: run.truncatedSamples, window: run.settings.contextLength, longest: run.data?.longestSample ?? 0 })}</p>
      )}
      {run.artifacts.length > 0 && (
        <details open={run.state === 'done'}>
          <summary>{t('train.run.artifacts')}</summary>
          <ul className="artifacts">
            {run.artifacts.map((artifact) => (
              <li key={artifact.path}>
                {t(artifact.kind === 'adapter' ? 'train.run.adapter' : 'train.run.checkpoint', { step: artifact.step })}: <code>{artifact.path}</code>{' '}
                <span className="hint">sha256 {artifact.sha256.slice(0, 12)}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {run.excluded.length > 0 && (
        <details>
          <summary>{t('train.run.excluded', { count: run.excluded.length })}</summary>
          <ul>
            {run.excluded.slice(0, 50).map((entry) => (
              <li key={entry.sampleId}>
                #{entry.sampleId} ({entry.split}): {entry.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {run.preview && (
        <details>
          <summary>{t('train.run.preview')}</summary>
          <pre className="rendered-sample">
            {run.preview.pieces.map((piece, i) => (piece.trained ? <mark key={i}>{piece.text}</mark> : <span key={i}>{piece.text}</span>))}
          </pre>
        </details>
      )}
      {run.logTail.length > 0 && (
        <details>
          <summary>{t('train.run.log')}</summary>
          <pre className="log-tail">{run.logTail.join('\n')}</pre>
        </details>
      )}
    </section>
  );
}
