import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { JobProgress } from '../../shared/contract';
import { useApi } from './ApiProvider';

/**
 * The last progress of job `jobId`: read once with `jobs.get` (an event may have come before we
 * listened), then kept current from `jobs.progress` events.
 */
export function useJobProgress(jobId: string | null): JobProgress | null {
  const api = useApi();
  const [progress, setProgress] = useState<JobProgress | null>(null);
  useEffect(() => {
    setProgress(null);
    if (jobId === null) return;
    let live = false;
    const stop = api.jobs.on('progress', (event) => {
      if (event.jobId !== jobId) return;
      live = true;
      setProgress(event);
    });
    api.jobs
      .get({ jobId })
      .then((info) => {
        if (live || info.state === 'interrupted') return;
        const { projectId, kind, done, total, state, message } = info;
        setProgress({ jobId, projectId, kind, done, total, state, ...(message ? { message } : {}) });
      })
      // Events still arrive when this first read fails; the dialog shows their progress.
      .catch(() => undefined);
    return stop;
  }, [api, jobId]);
  return progress;
}

/** Cancels a job of any kind through the jobs service (its own service decides what cancel means for it). */
export function useCancelJob() {
  const api = useApi();
  return useMutation({ mutationFn: (jobId: string) => api.jobs.cancel({ jobId }) });
}
