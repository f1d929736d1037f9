import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ProjectSummary } from '../../../shared/contract';
import { useApi } from '../../app/ApiProvider';

export const projectKeys = {
  all: ['projects'] as const,
};

/** Most recently opened first (main orders them). */
export function useProjects() {
  const api = useApi();
  return useQuery({ queryKey: projectKeys.all, queryFn: () => api.projects.list({}) });
}

/** Every project mutation refreshes the list; main's didChange event covers other windows. */
function useProjectMutation<P, R extends ProjectSummary | { deleted: true }>(run: (params: P) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: projectKeys.all }),
  });
}

export function useCreateProject() {
  const api = useApi();
  return useProjectMutation((params: { name: string }) => api.projects.create(params));
}

export function useRenameProject() {
  const api = useApi();
  return useProjectMutation((params: { id: string; name: string }) => api.projects.rename(params));
}

export function useDuplicateProject() {
  const api = useApi();
  return useProjectMutation((params: { id: string; name: string }) => api.projects.duplicate(params));
}

export function useDeleteProject() {
  const api = useApi();
  return useProjectMutation((params: { id: string }) => api.projects.delete(params));
}

export function useOpenProject() {
  const api = useApi();
  return useProjectMutation((params: { id: string }) => api.projects.open(params));
}
