import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { StoredTool, ToolExportFormat } from '../../../shared/contract';
import type { ToolDefinition } from '../../../shared/tools/types';
import { useApi } from '../../app/ApiProvider';
import { projectKeys } from '../projects/queries';

export const toolKeys = {
  ofProject: (projectId: string) => ['tools', projectId] as const,
  validation: (projectId: string, toolId: string | undefined, tool: ToolDefinition) =>
    ['tools', projectId, 'validate', toolId ?? null, tool] as const,
};

export function useTools(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: toolKeys.ofProject(projectId), queryFn: () => api.tools.list({ projectId }) });
}

/** Tool changes also change the project's tool count, so both caches are refreshed. */
function useToolMutation<P, R>(projectId: string, run: (params: P) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: toolKeys.ofProject(projectId) });
      await queryClient.invalidateQueries({ queryKey: projectKeys.all });
    },
  });
}

export function useCreateTool(projectId: string) {
  const api = useApi();
  return useToolMutation(projectId, (tool: ToolDefinition) => api.tools.create({ projectId, tool }));
}

export function useUpdateTool(projectId: string) {
  const api = useApi();
  return useToolMutation(projectId, ({ toolId, tool }: { toolId: string; tool: ToolDefinition }) =>
    api.tools.update({ projectId, toolId, tool }),
  );
}

export function useDeleteTool(projectId: string) {
  const api = useApi();
  return useToolMutation(projectId, (toolId: string) => api.tools.delete({ projectId, toolId }));
}

/** Shows the new order at once; the refetch after settling corrects it if main refused. */
export function useReorderTools(projectId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const mutation = useToolMutation(projectId, (toolIds: string[]) => api.tools.reorder({ projectId, toolIds }));
  return {
    ...mutation,
    reorder(ordered: readonly StoredTool[]) {
      queryClient.setQueryData(toolKeys.ofProject(projectId), ordered);
      mutation.mutate(ordered.map((tool) => tool.id));
    },
  };
}

export function usePreviewImport(projectId: string) {
  const api = useApi();
  return useMutation({
    mutationFn: (source: { text: string; fileName?: string }) => api.tools.previewImport({ projectId, ...source }),
  });
}

export function useCommitImport(projectId: string) {
  const api = useApi();
  return useToolMutation(projectId, (params: { text: string; fileName?: string; excludeIndices: number[] }) =>
    api.tools.commitImport({ projectId, ...params }),
  );
}

/** Live validation of an editor draft; `tool` should already be debounced by the caller. */
export function useToolValidation(projectId: string, toolId: string | undefined, tool: ToolDefinition | null) {
  const api = useApi();
  return useQuery({
    queryKey: toolKeys.validation(projectId, toolId, tool ?? { name: '', description: '', parameters: {} }),
    queryFn: async () => {
      if (!tool) return [];
      // An absent toolId must be left out, not sent as undefined (IPC keeps undefined keys).
      return api.tools.validate(toolId === undefined ? { projectId, tool } : { projectId, toolId, tool });
    },
    enabled: tool !== null,
    placeholderData: (previous) => previous,
  });
}

export function useExportTools(projectId: string) {
  const api = useApi();
  return useMutation({ mutationFn: (format: ToolExportFormat) => api.tools.export({ projectId, format }) });
}
