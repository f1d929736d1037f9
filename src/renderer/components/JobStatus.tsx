import type { JobProgress, JobState } from '../../shared/contract';
import { useCancelJob } from '../app/useJobProgress';
import { ErrorMessage } from './ErrorMessage';

/** A job's bar and where it stands in words: its message while it runs; its state, and why, once it ended. */
export function JobStatus({ progress, label, stateText, testId }: { progress: JobProgress; label: string; stateText: (state: JobState) => string; testId: string }) {
  return (
    <div className="job-progress" role="status">
      <progress max={progress.total || 1} value={progress.done} aria-label={label} />{' '}
      <span data-testid={testId}>{progress.state === 'running' ? (progress.message ?? stateText('running')) : stateText(progress.state)}</span>
      {progress.state !== 'running' && progress.message && <p className="hint">{progress.message}</p>}
    </div>
  );
}

/** Cancel for a running job, with what went wrong if cancelling failed. */
export function CancelJobButton({ jobId, label }: { jobId: string; label: string }) {
  const cancel = useCancelJob();
  return (
    <>
      <button type="button" onClick={() => cancel.mutate(jobId)} disabled={cancel.isPending}>
        {label}
      </button>
      <ErrorMessage error={cancel.error} />
    </>
  );
}
