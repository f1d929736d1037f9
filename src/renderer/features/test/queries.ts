import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { RuntimeBinding, ToolPolicy } from '../../../shared/chat/bindings';
import type { ChatModel, ChatSampling } from '../../../shared/contract';
import { useApi } from '../../app/ApiProvider';

export const testKeys = {
  ofProject: (projectId: string) => ['test', projectId] as const,
  models: (projectId: string) => ['test', projectId, 'models'] as const,
  conversations: (projectId: string) => ['test', projectId, 'conversations'] as const,
  conversation: (projectId: string, conversationId: string) => ['test', projectId, 'conversation', conversationId] as const,
  runtimes: (projectId: string) => ['test', projectId, 'runtimes'] as const,
  secrets: (projectId: string) => ['test', projectId, 'secrets'] as const,
  mcpServers: (projectId: string) => ['test', projectId, 'mcp'] as const,
  appInfo: ['app', 'info'] as const,
};

/** Conversations, bindings and servers change from main (answers, calls, another window). */
export function useLiveTestQueries(projectId: string): void {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(() => {
    const stopChat = api.chat.on('didChange', (changed) => {
      if (changed.projectId !== projectId) return;
      void queryClient.invalidateQueries({ queryKey: testKeys.conversation(projectId, changed.conversationId) });
      void queryClient.invalidateQueries({ queryKey: testKeys.conversations(projectId) });
    });
    const stopRuntime = api.runtime.on('didChange', (changed) => {
      if (changed.projectId !== projectId) return;
      for (const key of [testKeys.runtimes(projectId), testKeys.secrets(projectId), testKeys.mcpServers(projectId)]) void queryClient.invalidateQueries({ queryKey: key });
    });
    return () => {
      stopChat();
      stopRuntime();
    };
  }, [api, queryClient, projectId]);
}

/** The text each lane of a conversation is writing right now, from the stream events. */
export function useStreamingText(conversationId: string | null): Record<number, string> {
  const api = useApi();
  const [text, setText] = useState<Record<number, string>>({});
  useEffect(() => {
    setText({});
    if (conversationId === null) return;
    const stopStream = api.chat.on('didStream', (event) => {
      if (event.conversationId === conversationId) setText((current) => ({ ...current, [event.lane]: event.text }));
    });
    // A stored message ends the text streamed before it; the next answer streams anew.
    const stopChange = api.chat.on('didChange', (event) => {
      if (event.conversationId === conversationId) setText({});
    });
    return () => {
      stopStream();
      stopChange();
    };
  }, [api, conversationId]);
  return text;
}

export function useAppInfo() {
  const api = useApi();
  return useQuery({ queryKey: testKeys.appInfo, queryFn: () => api.app.info({}), staleTime: Infinity });
}

export function useChatModels(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: testKeys.models(projectId), queryFn: () => api.chat.models({ projectId }) });
}

export function useConversations(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: testKeys.conversations(projectId), queryFn: () => api.chat.list({ projectId }) });
}

export function useConversation(projectId: string, conversationId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: testKeys.conversation(projectId, conversationId ?? ''),
    queryFn: () => api.chat.get({ conversationId: conversationId! }),
    enabled: conversationId !== null,
  });
}

export function useCreateConversation() {
  const api = useApi();
  return useMutation({ mutationFn: (params: { projectId: string; lanes: ChatModel[]; systemPrompt?: string; sampling?: ChatSampling }) => api.chat.create(params) });
}

export function useChatActions() {
  const api = useApi();
  return {
    send: useMutation({ mutationFn: (params: { conversationId: string; text: string; fromTurn?: number }) => api.chat.send(params) }),
    regenerate: useMutation({ mutationFn: (conversationId: string) => api.chat.regenerate({ conversationId }) }),
    stop: useMutation({ mutationFn: (conversationId: string) => api.chat.stop({ conversationId }) }),
    decide: useMutation({ mutationFn: (params: { conversationId: string; callId: string; approve: boolean }) => api.chat.decide(params) }),
    update: useMutation({ mutationFn: (params: { conversationId: string; title?: string; systemPrompt?: string; sampling?: ChatSampling }) => api.chat.update(params) }),
    remove: useMutation({ mutationFn: (conversationId: string) => api.chat.delete({ conversationId }) }),
  };
}

export function useRuntimes(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: testKeys.runtimes(projectId), queryFn: () => api.runtime.list({ projectId }) });
}

export function useSetRuntime() {
  const api = useApi();
  return useMutation({ mutationFn: (params: { projectId: string; toolId: string; binding: RuntimeBinding | null; policy: ToolPolicy }) => api.runtime.set(params) });
}

export function useRunTool() {
  const api = useApi();
  return useMutation({ mutationFn: (params: { projectId: string; tool: string; arguments: Record<string, unknown>; approved?: boolean }) => api.runtime.run(params) });
}

export function useSecrets(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: testKeys.secrets(projectId), queryFn: () => api.runtime.listSecrets({ projectId }) });
}

export function useSetSecret() {
  const api = useApi();
  return useMutation({ mutationFn: (params: { projectId: string; name: string; value: string | null }) => api.runtime.setSecret(params) });
}

export function useWorkspaceFile() {
  const api = useApi();
  return {
    read: useMutation({ mutationFn: (params: { projectId: string; path: string }) => api.runtime.readWorkspaceFile(params) }),
    open: useMutation({ mutationFn: (params: { projectId: string; path: string }) => api.runtime.openWorkspaceFile(params) }),
  };
}

export function useMcpServers(projectId: string) {
  const api = useApi();
  return useQuery({ queryKey: testKeys.mcpServers(projectId), queryFn: () => api.runtime.listMcpServers({ projectId }) });
}

export function useMcpActions() {
  const api = useApi();
  return {
    add: useMutation({ mutationFn: (params: { projectId: string; name: string; command: string; args: string[] }) => api.runtime.addMcpServer(params) }),
    start: useMutation({ mutationFn: (params: { serverId: string; confirmed: boolean }) => api.runtime.startMcpServer(params) }),
    importTools: useMutation({ mutationFn: (params: { serverId: string; names?: string[] }) => api.runtime.importMcpTools(params) }),
    remove: useMutation({ mutationFn: (serverId: string) => api.runtime.deleteMcpServer({ serverId }) }),
  };
}
