import type { Api, JobInfo, JobProgress } from '../../shared/contract';

/**
 * Waits for a job to end, passing its progress on. Listens before asking for the job's state,
 * so an end that happens in between is not missed.
 */
export async function waitForJob(api: Api, jobId: string, onProgress: (progress: JobProgress) => void = () => undefined): Promise<JobInfo> {
  let ended: () => void = () => undefined;
  const end = new Promise<void>((resolve) => (ended = resolve));
  const stop = api.jobs.on('progress', (progress) => {
    if (progress.jobId !== jobId) return;
    onProgress(progress);
    if (progress.state !== 'running') ended();
  });
  try {
    const current = await api.jobs.get({ jobId });
    if (current.state === 'running') await end;
    return await api.jobs.get({ jobId });
  } finally {
    stop();
  }
}
