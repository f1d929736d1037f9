import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Locale } from '../../../shared/contract';
import { useApi } from '../../app/ApiProvider';

const settingsKey = ['app', 'settings'] as const;

export function useSettings() {
  const api = useApi();
  return useQuery({ queryKey: settingsKey, queryFn: () => api.app.getSettings({}), staleTime: Infinity });
}

export function useSetLocale() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (locale: Locale) => api.app.setLocale({ locale }),
    onSuccess: (settings) => queryClient.setQueryData(settingsKey, settings),
  });
}
