import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { DownloadInfo, TrainSettings } from '../../../shared/contract';
import { useApi } from '../../app/ApiProvider';

export const trainKeys = {
  models: ['models'] as const,
  projectBase: (projectId: string) => ['models', 'project', projectId] as const,
  ofProject: (projectId: string) => ['train', projectId] as const,
  runs: (projectId: string) => ['train', projectId, 'runs'] as const,
  run: (projectId: string, runId: string) => ['train', projectId, 'run', runId] as const,
  defaults: (projectId: string, modelId: string | null) => ['train', projectId, 'defaults', modelId] as const,
};

/** Runs change as trainers report (a few times a second at most) and when the library changes. */
export function useLiveTrainQueries(projectId: string): void {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(() => {
    const refresh = (changed: { projectId: string }) => {
      if (changed.projectId === projectId) void queryClient.invalidateQueries({ queryKey: trainKeys.ofProject(projectId) });
    };
    const stopProgress = api.train.on('runProgress', refresh);
    const stopChange = api.train.on('didChange', refresh);
    const stopModels = api.models.on('didChange', () => void queryClient.invalidateQueries({ queryKey: trainKeys.models }));
    return () => {
      stopProgress();
      stopChange();
      stopModels();
    };
  }, [api, queryClient, projectId]);
}

export function useCatalog() {
  const api = useApi();
  return useQuery({ queryKey: ['models', 'catalog'], queryFn: () => api.models.catalog({}), staleTime: Infinity });
}

/** Downloads with live progress (events replace the cached list's entry). */
export function useDownloads() {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      api.models.on('downloadProgress', (info) => {
        queryClient.setQueryData<DownloadInfo[]>(downloadsKey, (list = []) => [...list.filter((d) => d.id !== info.id), info]);
      }),
    [api, queryClient],
  );
  return useQuery({ queryKey: downloadsKey, queryFn: () => api.models.downloads({}) });
}

const downloadsKey = ['models', 'downloads'] as const;

export function useStartDownload() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (params: { uri: string; endpoint?: string }) => api.models.download(params),
    onSettled: () => queryClient.invalidateQueries({ queryKey: downloadsKey }),
  });
}

export function useCancelDownload() {
  const api = useApi();
  return useMutation({ mutationFn: (downloadId: string) => api.models.cancelDownload({ downloadId }) });
}

export function useModels() {
  const api = useApi();
  return useQuery({ queryKey: trainKeys.models, queryFn: () => api.models.list({}) });
}

export function useProjectBase(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: trainKeys.projectBase(projectId), queryFn: () => api.models.projectBase({ projectId }) });
}

function useModelsMutation<P, R>(run: (params: P) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: run, onSettled: () => queryClient.invalidateQueries({ queryKey: trainKeys.models }) });
}

export function useSetProjectBase(projectId: string) {
  const api = useApi();
  return useModelsMutation((modelId: string | null) => api.models.setProjectBase({ projectId, modelId }));
}

/** Adds a file to the library and makes it the project's base. */
export function useAddBase(projectId: string) {
  const api = useApi();
  return useModelsMutation(async (path: string) => {
    const model = await api.models.add({ path });
    return api.models.setProjectBase({ projectId, modelId: model.id });
  });
}

export function useUseDemoBase(projectId: string) {
  const api = useApi();
  return useModelsMutation(async () => {
    const model = await api.models.ensureDemo({});
    return api.models.setProjectBase({ projectId, modelId: model.id });
  });
}

export function useTrainDefaults(projectId: string, modelId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: trainKeys.defaults(projectId, modelId),
    queryFn: () => api.train.defaults({ projectId, ...(modelId ? { modelId } : {}) }),
    enabled: modelId !== null,
  });
}

export function useHardware() {
  const api = useApi();
  return useQuery({ queryKey: ['train', 'hardware'], queryFn: () => api.train.hardware({}), staleTime: 30_000 });
}

/** A measured warm-up of the chosen settings; an explicit action (seconds to minutes). */
export function useEstimate(projectId: string) {
  const api = useApi();
  return useMutation({
    mutationFn: (params: { versionId: string; settings: Partial<TrainSettings> }) => api.train.estimate({ projectId, ...params }),
  });
}

export function useRuns(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: trainKeys.runs(projectId), queryFn: () => api.train.runs({ projectId }) });
}

export function useRun(projectId: string, runId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: trainKeys.run(projectId, runId ?? ''),
    queryFn: () => api.train.run({ runId: runId ?? '' }),
    enabled: runId !== null,
    placeholderData: (previous) => (previous?.id === runId ? previous : undefined),
  });
}

function useRunMutation<P, R>(projectId: string, run: (params: P) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: run, onSettled: () => queryClient.invalidateQueries({ queryKey: trainKeys.ofProject(projectId) }) });
}

export function useStartRun(projectId: string) {
  const api = useApi();
  return useRunMutation(projectId, (params: { versionId: string; settings: Partial<TrainSettings>; fromRunId?: string }) =>
    api.train.start({ projectId, ...params }),
  );
}

export function useStopRun(projectId: string) {
  const api = useApi();
  return useRunMutation(projectId, (runId: string) => api.train.stop({ runId }));
}

export function useResumeRun(projectId: string) {
  const api = useApi();
  return useRunMutation(projectId, (runId: string) => api.train.resume({ runId }));
}

export function useImportAdapter(projectId: string) {
  const api = useApi();
  return useRunMutation(projectId, (params: { modelId: string; path: string }) => api.train.importAdapter({ projectId, ...params }));
}
