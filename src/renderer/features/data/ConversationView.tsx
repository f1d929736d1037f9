import type { StoredSample } from '../../../shared/contract';
import type { Message, ToolCall } from '../../../shared/data/conversation';
import { useT } from '../../i18n/I18nProvider';
import { CheckList } from './CheckList';
import { KIND_LABELS, STATUS_LABELS } from './labels';

/** Tool results are often JSON: shown indented when they are, as written when not. */
export function prettyText(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : text;
  } catch {
    return text;
  }
}

/** One sample read as a conversation: turns in order, calls and results as structured blocks, then its checks. */
export function ConversationView({ stored, onEdit }: { stored: StoredSample; onEdit(): void }) {
  const t = useT();
  const { sample } = stored;
  return (
    <article className="conversation" aria-label={t('data.view.title', { seq: stored.seq })}>
      <header className="conversation-head">
        <h3>{t('data.view.title', { seq: stored.seq })}</h3>
        <span className="hint">{t(KIND_LABELS[stored.kind ?? 'unknown'])}</span>
        <span className={`status-chip status-${stored.status}`}>{t(STATUS_LABELS[stored.status])}</span>
        {stored.split && <span className="hint">{t(`data.split.${stored.split}`)}</span>}
        <button type="button" onClick={onEdit} aria-keyshortcuts="Enter">
          {t('data.view.edit')}
        </button>
      </header>
      <CheckList checks={stored.checks} label={t('data.checks.title')} />
      <ol className="turns">
        {sample.messages.map((message, index) => (
          <Turn key={index} message={message} />
        ))}
      </ol>
      {sample.tools.length > 0 && (
        <details className="offered-tools">
          <summary>{t('data.view.offeredTools', { count: sample.tools.length })}</summary>
          <ul>
            {sample.tools.map((tool) => (
              <li key={tool.name}>
                <code>{tool.name}</code> <span className="hint">{tool.description}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </article>
  );
}

function Turn({ message }: { message: Message }) {
  const t = useT();
  return (
    <li className={`turn turn-${message.role}`}>
      <span className="turn-role">{t(`data.role.${message.role}`)}</span>
      {message.role === 'tool' ? (
        <div className="tool-block tool-result">
          <span className="tool-block-title">
            {t('data.view.resultOf')} <code>{message.name}</code>
          </span>
          <pre>{prettyText(message.content)}</pre>
        </div>
      ) : (
        message.content && <p className="turn-text">{message.content}</p>
      )}
      {message.role === 'assistant' && message.toolCalls.map((call) => <CallBlock key={call.id} call={call} />)}
    </li>
  );
}

function CallBlock({ call }: { call: ToolCall }) {
  const t = useT();
  return (
    <div className="tool-block tool-call">
      <span className="tool-block-title">
        {t('data.view.calls')} <code>{call.name}</code>
      </span>
      <pre>{JSON.stringify(call.arguments, null, 2)}</pre>
    </div>
  );
}
