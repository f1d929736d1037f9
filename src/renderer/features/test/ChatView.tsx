import { useState } from 'react';
import type { ChatMessage, ChatSampling, Conversation, ProjectSummary, WorkspaceFile } from '../../../shared/contract';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { CallCard } from './CallCard';
import { MessageText } from './MessageText';
import { useAppInfo, useChatActions, useStreamingText, useWorkspaceFile } from './queries';
import { SamplingForm } from './SamplingForm';

/** One conversation: a column per lane (one model, or two side by side), the composer, the conversation's settings. */
export function ChatView({ project, conversation }: { project: ProjectSummary; conversation: Conversation }) {
  const t = useT();
  const actions = useChatActions();
  const streamed = useStreamingText(conversation.id);
  const info = useAppInfo();
  const workspace = useWorkspaceFile();
  const [draft, setDraft] = useState('');
  const [editingTurn, setEditingTurn] = useState<number | null>(null);
  const [viewing, setViewing] = useState<WorkspaceFile | null>(null);
  const busy = conversation.busy.length > 0;
  const turns = conversation.messages.reduce((n, m) => Math.max(n, m.turn + 1), 0);
  const callsById = new Map(conversation.calls.map((c) => [c.callId, c]));
  const error = actions.send.error ?? actions.regenerate.error ?? actions.decide.error ?? actions.update.error ?? workspace.read.error;

  function send() {
    const text = draft.trim();
    if (text === '' || busy) return;
    actions.send.mutate({ conversationId: conversation.id, text, ...(editingTurn !== null ? { fromTurn: editingTurn } : {}) }, {
      onSuccess: () => {
        setDraft('');
        setEditingTurn(null);
      },
    });
  }

  function openFile(path: string) {
    const view = () => workspace.read.mutate({ projectId: project.id, path }, { onSuccess: setViewing });
    // The desktop app opens text and documents with the system's opener; anything else, and serve mode, views it read-only.
    if (info.data?.mode === 'electron') workspace.open.mutate({ projectId: project.id, path }, { onError: view });
    else view();
  }

  return (
    <section className="chat-view" aria-label={t('test.chat.label', { title: conversation.title })}>
      <details className="chat-settings">
        <summary>{t('test.settings.title')}</summary>
        <SamplingForm
          key={conversation.id}
          systemPrompt={conversation.systemPrompt}
          sampling={conversation.sampling}
          disabled={busy}
          onSave={(systemPrompt: string, sampling: ChatSampling) => actions.update.mutate({ conversationId: conversation.id, systemPrompt, sampling })}
        />
      </details>
      <div className={conversation.lanes.length > 1 ? 'chat-lanes chat-lanes-two' : 'chat-lanes'}>
        {conversation.lanes.map((lane, index) => {
          const messages = conversation.messages.filter((m) => m.lane === index);
          const results = new Map(messages.flatMap((m) => (m.message.role === 'tool' ? [[m.message.toolCallId, m.message.content] as const] : [])));
          const writing = conversation.busy.includes(index) ? (streamed[index] ?? conversation.streaming[index] ?? '') : '';
          return (
            <section key={index} className="chat-lane" aria-label={t('test.lane.label', { model: lane.label })}>
              <h3 className="chat-lane-title">{lane.label}</h3>
              <ol className="chat-messages" aria-live="polite">
                {messages.map((m) => (
                  <MessageItem
                    key={m.seq}
                    item={m}
                    results={results}
                    callsById={callsById}
                    onEdit={busy ? null : () => {
                      setEditingTurn(m.turn);
                      setDraft(m.message.role === 'user' ? m.message.content : '');
                    }}
                    onDecide={(callId, approve) => actions.decide.mutate({ conversationId: conversation.id, callId, approve })}
                    onOpenFile={openFile}
                  />
                ))}
                {conversation.busy.includes(index) && (
                  <li className="chat-message chat-assistant chat-writing">
                    {writing === '' ? <span className="hint">{t('test.chat.thinking')}</span> : <MessageText text={writing} />}
                  </li>
                )}
              </ol>
              {conversation.notices[index] && <p className="hint notice">{conversation.notices[index]}</p>}
            </section>
          );
        })}
      </div>
      <ErrorMessage error={error} />
      <form
        className="chat-composer"
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        {editingTurn !== null && (
          <p className="hint">
            {t('test.composer.editing', { n: editingTurn + 1 })}{' '}
            <button type="button" className="link-button" onClick={() => (setEditingTurn(null), setDraft(''))}>
              {t('common.cancel')}
            </button>
          </p>
        )}
        <textarea
          aria-label={t('test.composer.label')}
          placeholder={t('test.composer.placeholder')}
          value={draft}
          rows={3}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              send();
            }
          }}
        />
        <div className="toolbar-actions">
          <button type="submit" className="primary" disabled={busy || draft.trim() === ''}>
            {editingTurn !== null ? t('test.composer.resend') : t('test.composer.send')}
          </button>
          {busy ? (
            <button type="button" onClick={() => actions.stop.mutate(conversation.id)}>
              {t('test.composer.stop')}
            </button>
          ) : (
            <button type="button" disabled={turns === 0} onClick={() => actions.regenerate.mutate(conversation.id)}>
              {t('test.composer.regenerate')}
            </button>
          )}
        </div>
      </form>
      {viewing && (
        <Dialog title={viewing.path} onClose={() => setViewing(null)} wide>
          <pre className="workspace-file" aria-label={t('test.file.content')}>
            {viewing.content}
          </pre>
          {viewing.truncated && <p className="hint">{t('test.file.truncated')}</p>}
          <div className="dialog-actions">
            <button type="button" onClick={() => setViewing(null)} autoFocus>
              {t('test.file.close')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

interface MessageItemProps {
  item: ChatMessage;
  results: ReadonlyMap<string, string>;
  callsById: ReadonlyMap<string, Conversation['calls'][number]>;
  onEdit: (() => void) | null;
  onDecide(callId: string, approve: boolean): void;
  onOpenFile(path: string): void;
}

function MessageItem({ item, results, callsById, onEdit, onDecide, onOpenFile }: MessageItemProps) {
  const t = useT();
  const { message } = item;
  if (message.role === 'tool' || message.role === 'system') return null;
  if (message.role === 'user') {
    return (
      <li className="chat-message chat-user">
        <MessageText text={message.content} />
        {onEdit && (
          <button type="button" className="link-button" onClick={onEdit}>
            {t('test.message.edit')}
          </button>
        )}
      </li>
    );
  }
  return (
    <li className="chat-message chat-assistant">
      {message.content.trim() !== '' && <MessageText text={message.content.trim()} />}
      {message.toolCalls.map((call) => (
        <CallCard key={call.id} call={call} logged={callsById.get(call.id)} result={results.get(call.id)} onDecide={(approve) => onDecide(call.id, approve)} onOpenFile={onOpenFile} />
      ))}
      {item.tokens !== undefined && (
        <p className="hint chat-meta">
          {t('test.message.meta', { tokens: item.tokens, seconds: ((item.ms ?? 0) / 1000).toFixed(1) })}
          {item.finished === false ? ` · ${t('test.message.cut')}` : ''}
        </p>
      )}
    </li>
  );
}
