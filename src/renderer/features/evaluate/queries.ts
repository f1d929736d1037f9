import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { EvalParams } from '../../../shared/contract';
import { useApi } from '../../app/ApiProvider';

export const evalKeys = {
  ofProject: (projectId: string) => ['evaluate', projectId] as const,
  results: (projectId: string) => ['evaluate', projectId, 'results'] as const,
  result: (projectId: string, resultId: string) => ['evaluate', projectId, 'result', resultId] as const,
  similar: (projectId: string, resultId: string, caseId: string) => ['evaluate', projectId, 'similar', resultId, caseId] as const,
};

/** Stored results change when an evaluation stores a variant or ends. */
export function useLiveEvalQueries(projectId: string): void {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      api.evaluate.on('didChange', (changed) => {
        if (changed.projectId === projectId) void queryClient.invalidateQueries({ queryKey: evalKeys.ofProject(projectId) });
      }),
    [api, queryClient, projectId],
  );
}

export function useEvalResults(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: evalKeys.results(projectId), queryFn: () => api.evaluate.results({ projectId }) });
}

export function useEvalResult(projectId: string, resultId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: evalKeys.result(projectId, resultId ?? ''),
    queryFn: () => api.evaluate.result({ resultId: resultId ?? '' }),
    enabled: resultId !== null,
    // A stored result never changes.
    staleTime: Infinity,
  });
}

export function useSimilarSamples(projectId: string, resultId: string, caseId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: evalKeys.similar(projectId, resultId, caseId ?? ''),
    queryFn: () => api.evaluate.similar({ resultId, caseId: caseId ?? '' }),
    enabled: caseId !== null,
    staleTime: Infinity,
  });
}

export function useStartEvaluation() {
  const api = useApi();
  return useMutation({ mutationFn: (params: EvalParams) => api.evaluate.start(params) });
}
