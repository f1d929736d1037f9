import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import type { DataExportFormat, GenerateParams, SampleFilter, SampleRow, SampleStatus } from '../../../shared/contract';
import type { DatasetFormat } from '../../../shared/data/formats';
import { useApi } from '../../app/ApiProvider';
import { toolKeys } from '../tools/queries';
import { matchingIds } from './matchingIds';
import { sourceOfFile } from './uploadFile';

/** Rows per `data.list` call of the review table: a few screens, well under `LIST_LIMIT_MAX`. */
export const PAGE_SIZE = 200;

export const dataKeys = {
  ofProject: (projectId: string) => ['data', projectId] as const,
  page: (projectId: string, filter: SampleFilter, page: number) => ['data', projectId, 'rows', filter, page] as const,
  sample: (projectId: string, sampleId: number) => ['data', projectId, 'sample', sampleId] as const,
  verification: (projectId: string, sample: unknown) => ['data', projectId, 'verify', sample] as const,
  stats: (projectId: string) => ['data', projectId, 'stats'] as const,
  job: (projectId: string, jobId: string) => ['data', projectId, 'job', jobId] as const,
  versions: (projectId: string) => ['data', projectId, 'versions'] as const,
};

/**
 * Main says when a project's samples changed (edits in another window, batches of a running job);
 * everything cached for that project is refetched where it is on screen.
 */
export function useLiveDataQueries(projectId: string): void {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      api.data.on('didChange', (changed) => {
        if (changed.projectId === projectId) void queryClient.invalidateQueries({ queryKey: dataKeys.ofProject(projectId) });
      }),
    [api, queryClient, projectId],
  );
}

/**
 * The rows of the pages `pages` of a filtered list, fetched lazily: the table asks only for the
 * pages it shows. Page 0 is always kept as well, so the total never goes missing while the pages
 * in view load: without it the table would shrink to nothing and lose its scroll position.
 */
export function useSamplePages(projectId: string, filter: SampleFilter, pages: readonly number[]) {
  const api = useApi();
  const wanted = pages.includes(0) ? pages : [0, ...pages];
  const results = useQueries({
    queries: wanted.map((page) => ({
      queryKey: dataKeys.page(projectId, filter, page),
      queryFn: () => api.data.list({ projectId, filter, offset: page * PAGE_SIZE, limit: PAGE_SIZE }),
    })),
  });
  const rows = new Map<number, SampleRow[]>();
  let total: number | null = null;
  let newest = -1;
  results.forEach((result, index) => {
    const page = wanted[index];
    if (!result.data || page === undefined) return;
    rows.set(page, result.data.rows);
    if (result.dataUpdatedAt > newest) {
      newest = result.dataUpdatedAt;
      total = result.data.total;
    }
  });
  return { rows, total, error: results.find((result) => result.error)?.error ?? null };
}

/** Reads the ids at table positions [from, to) of a filtered list, for range and select-all actions. */
export function useMatchingIds(projectId: string) {
  const api = useApi();
  return useCallback((filter: SampleFilter, from: number, to: number) => matchingIds(api, projectId, filter, from, to), [api, projectId]);
}

export function useSample(projectId: string, sampleId: number | null) {
  const api = useApi();
  return useQuery({
    queryKey: dataKeys.sample(projectId, sampleId ?? 0),
    queryFn: () => api.data.get({ projectId, sampleId: sampleId ?? 0 }),
    enabled: sampleId !== null,
  });
}

/** Live checks of an editor draft (null: none to check); `sample` should already be debounced by the caller. */
export function useSampleVerification(projectId: string, sample: unknown) {
  const api = useApi();
  return useQuery({
    queryKey: dataKeys.verification(projectId, sample),
    queryFn: async () => (await api.data.verify({ projectId, sample })).checks,
    enabled: sample !== null,
    placeholderData: (previous) => previous,
  });
}

/** A finished job's record (an import's summary); read once the job has stopped running. */
export function useFinishedJob(projectId: string, jobId: string | null, finished: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: dataKeys.job(projectId, jobId ?? ''),
    queryFn: () => api.jobs.get({ jobId: jobId ?? '' }),
    enabled: jobId !== null && finished,
  });
}

export function useDataStats(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: dataKeys.stats(projectId), queryFn: () => api.data.stats({ projectId }) });
}

export function useVersions(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: dataKeys.versions(projectId), queryFn: () => api.data.versions({ projectId }) });
}

/** Every sample mutation refreshes the project's data caches; didChange covers other windows. */
function useDataMutation<P, R>(projectId: string, run: (params: P) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => queryClient.invalidateQueries({ queryKey: dataKeys.ofProject(projectId) }),
  });
}

export function useGenerate(projectId: string) {
  const api = useApi();
  return useMutation({ mutationFn: (params: Omit<GenerateParams, 'projectId'>) => api.data.generate({ projectId, ...params }) });
}

/** Sends the file (in parts when large) and starts the import job; `format: null` lets main detect it. */
export function useStartImport(projectId: string) {
  const api = useApi();
  return useMutation({
    mutationFn: async ({ file, format, onUploaded }: { file: File; format: DatasetFormat | null; onUploaded(bytes: number): void }) => {
      const source = await sourceOfFile(api, file, onUploaded);
      return api.data.import({ projectId, fileName: file.name, ...source, ...(format === null ? {} : { format }) });
    },
  });
}

export function useSetStatus(projectId: string) {
  const api = useApi();
  return useDataMutation(projectId, ({ sampleIds, status }: { sampleIds: number[]; status: SampleStatus }) =>
    api.data.setStatus({ projectId, sampleIds, status }),
  );
}

export function useDeleteSamples(projectId: string) {
  const api = useApi();
  return useDataMutation(projectId, (sampleIds: number[]) => api.data.deleteSamples({ projectId, sampleIds }));
}

export function useUndo(projectId: string) {
  const api = useApi();
  return useDataMutation(projectId, (undoToken: string) => api.data.undo({ projectId, undoToken }));
}

export function useUpdateSample(projectId: string) {
  const api = useApi();
  return useDataMutation(projectId, ({ sampleId, sample }: { sampleId: number; sample: unknown }) =>
    api.data.update({ projectId, sampleId, sample }),
  );
}

export function useSplit(projectId: string) {
  const api = useApi();
  return useDataMutation(projectId, (params: { evalFraction: number; seed: number }) => api.data.split({ projectId, ...params }));
}

export function useFreeze(projectId: string) {
  const api = useApi();
  return useDataMutation(projectId, (name: string) => api.data.freeze({ projectId, name }));
}

export function useExportData(projectId: string) {
  const api = useApi();
  return useMutation({
    // An absent versionId must be left out, not sent as undefined (IPC keeps undefined keys).
    mutationFn: ({ format, versionId }: { format: DataExportFormat; versionId: string | null }) =>
      api.data.export(versionId === null ? { projectId, format } : { projectId, format, versionId }),
  });
}

/** Adds tools given as OpenAI `tools` JSON text through the Tools step's own import. */
export function useImportMissingTools(projectId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => api.tools.commitImport({ projectId, text }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: toolKeys.ofProject(projectId) }),
  });
}

