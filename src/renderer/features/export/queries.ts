import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ExportParams } from '../../../shared/contract';
import { useApi } from '../../app/ApiProvider';

export const exportKeys = {
  ofProject: (projectId: string) => ['export', projectId] as const,
  list: (projectId: string) => ['export', projectId, 'list'] as const,
};

/** The list changes when an export starts, writes its files, starts its quality gate or ends. */
export function useLiveExportQueries(projectId: string): void {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      api.export.on('didChange', (changed) => {
        if (changed.projectId === projectId) void queryClient.invalidateQueries({ queryKey: exportKeys.ofProject(projectId) });
      }),
    [api, queryClient, projectId],
  );
}

export function useExports(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: exportKeys.list(projectId), queryFn: () => api.export.list({ projectId }) });
}

export function useExportEstimate() {
  const api = useApi();
  return useMutation({ mutationFn: (params: ExportParams) => api.export.estimate(params) });
}

export function useStartExport() {
  const api = useApi();
  return useMutation({ mutationFn: (params: ExportParams) => api.export.start(params) });
}
