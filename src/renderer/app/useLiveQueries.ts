import { onlineManager, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { projectKeys } from '../features/projects/queries';
import { toolKeys } from '../features/tools/queries';
import { useApi, useConnection } from './ApiProvider';

/**
 * Keeps cached data in step with main: queries pause while the link is down, everything
 * is refetched after a reconnect (events may have been missed), and change events from
 * any window or tab invalidate what they touch.
 */
export function useLiveQueries(): void {
  const api = useApi();
  const queryClient = useQueryClient();
  const { state } = useConnection();
  const online = state.status === 'open';

  useEffect(() => {
    const wasOnline = onlineManager.isOnline();
    onlineManager.setOnline(online);
    if (online && !wasOnline) void queryClient.invalidateQueries();
  }, [online, queryClient]);

  useEffect(() => {
    const stopProjects = api.projects.on('didChange', () => void queryClient.invalidateQueries({ queryKey: projectKeys.all }));
    const stopTools = api.tools.on('didChange', ({ projectId }) =>
      void queryClient.invalidateQueries({ queryKey: toolKeys.ofProject(projectId) }),
    );
    return () => {
      stopProjects();
      stopTools();
    };
  }, [api, queryClient]);
}
