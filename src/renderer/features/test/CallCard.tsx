import type { ChatToolCall } from '../../../shared/contract';
import type { ToolCall } from '../../../shared/data/conversation';
import { useT } from '../../i18n/I18nProvider';
import { MessageText } from './MessageText';

interface CallCardProps {
  call: ToolCall;
  /** The call as it ran (absent until the runner took it). */
  logged: ChatToolCall | undefined;
  result: string | undefined;
  onDecide(approve: boolean): void;
  onOpenFile(path: string): void;
}

/** One tool call between the text: name, full arguments, status, duration, result, and the approval when it waits. */
export function CallCard({ call, logged, result, onDecide, onOpenFile }: CallCardProps) {
  const t = useT();
  const status = logged?.status ?? 'running';
  const waiting = status === 'waiting-approval';
  return (
    <article className={`call-card call-${status}`} aria-label={t('test.call.label', { name: call.name })}>
      <header className="call-header">
        <span className="mono">{call.name}</span>
        <span className={`state state-${status}`}>{t(`test.call.status.${status}`)}</span>
        {logged?.decision && <span className="hint">{t(`test.call.decision.${logged.decision}`)}</span>}
        {logged?.ms != null && <span className="hint">{t('test.call.ms', { ms: Math.round(logged.ms) })}</span>}
      </header>
      <pre className="call-arguments" aria-label={t('test.call.arguments')}>
        {JSON.stringify(call.arguments, null, 2)}
      </pre>
      {waiting && (
        <div className="approval" role="group" aria-label={t('test.approval.label')}>
          <p>{t('test.approval.question', { name: call.name })}</p>
          <div className="toolbar-actions">
            <button type="button" className="primary" onClick={() => onDecide(true)}>
              {t('test.approval.approve')}
            </button>
            <button type="button" onClick={() => onDecide(false)}>
              {t('test.approval.deny')}
            </button>
          </div>
        </div>
      )}
      {result !== undefined && (
        <details className="call-result" open={result.length < 600}>
          <summary>{t('test.call.result')}</summary>
          <MessageText text={result} />
        </details>
      )}
      {(logged?.files ?? []).map((file) => (
        <button key={file} type="button" className="link-button" onClick={() => onOpenFile(file)}>
          {t('test.call.openFile', { file })}
        </button>
      ))}
    </article>
  );
}
