import type { JobProgress } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { useCancelJob } from '../../app/useJobProgress';

/** A running job's bar and counts, with Cancel; samples written before a cancel are kept by main. */
export function JobProgressView({ jobId, progress }: { jobId: string; progress: JobProgress | null }) {
  const t = useT();
  const cancel = useCancelJob();
  const done = progress?.done ?? 0;
  const total = progress?.total ?? 0;
  const running = !progress || progress.state === 'running';
  return (
    <div className="job-progress">
      <progress max={total || 1} value={done} aria-label={t('data.job.progress')} />
      <p role="status" aria-live="polite">
        {running ? t('data.job.running', { done, total }) : t(`data.job.${progress.state}`, { done, total })}
        {progress?.message && <span className="hint"> — {progress.message}</span>}
      </p>
      <ErrorMessage error={cancel.error} />
      {running && (
        <button type="button" onClick={() => cancel.mutate(jobId)} disabled={cancel.isPending}>
          {t('data.job.cancel')}
        </button>
      )}
    </div>
  );
}
