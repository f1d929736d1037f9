import { useState } from 'react';
import type { ProjectSummary, ToolRuntimeInfo } from '../../../shared/contract';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { MessageText } from './MessageText';
import { useRunTool } from './queries';

/** Runs one tool without a model, through the same policy and jail as the chat: "ask" shows the full arguments first. */
export function TryToolDialog({ project, runtime, onClose }: { project: ProjectSummary; runtime: ToolRuntimeInfo; onClose(): void }) {
  const t = useT();
  const run = useRunTool();
  const [text, setText] = useState('{}');
  const [confirming, setConfirming] = useState<Record<string, unknown> | null>(null);
  const [parseError, setParseError] = useState<string | null>(null);

  function parsed(): Record<string, unknown> | null {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Reported below.
    }
    setParseError(t('test.try.notObject'));
    return null;
  }

  function submit() {
    setParseError(null);
    const args = parsed();
    if (!args) return;
    if (runtime.policy === 'ask') setConfirming(args);
    else run.mutate({ projectId: project.id, tool: runtime.name, arguments: args });
  }

  return (
    <Dialog title={t('test.try.title', { name: runtime.name })} onClose={onClose} wide>
      {confirming ? (
        <div className="approval" role="group" aria-label={t('test.approval.label')}>
          <p>{t('test.approval.question', { name: runtime.name })}</p>
          <pre className="call-arguments">{JSON.stringify(confirming, null, 2)}</pre>
          <div className="dialog-actions">
            <button type="button" onClick={() => (run.mutate({ projectId: project.id, tool: runtime.name, arguments: confirming, approved: false }), setConfirming(null))}>
              {t('test.approval.deny')}
            </button>
            <button type="button" className="primary" onClick={() => (run.mutate({ projectId: project.id, tool: runtime.name, arguments: confirming, approved: true }), setConfirming(null))}>
              {t('test.approval.approve')}
            </button>
          </div>
        </div>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <label className="field">
            <span>{t('test.try.arguments')}</span>
            <textarea className="mono" rows={6} value={text} onChange={(event) => setText(event.target.value)} autoFocus />
          </label>
          {parseError && <p className="field-error">{parseError}</p>}
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              {t('test.file.close')}
            </button>
            <button type="submit" className="primary" disabled={run.isPending}>
              {t('test.try.run')}
            </button>
          </div>
        </form>
      )}
      <ErrorMessage error={run.error} />
      {run.data && (
        <div className="try-result" aria-label={t('test.try.result')}>
          <p className={run.data.ok ? 'status' : 'field-error'}>{t(run.data.ok ? 'test.try.ok' : 'test.try.failed', { ms: Math.round(run.data.ms) })}</p>
          <MessageText text={run.data.content} />
          {run.data.files.map((file) => (
            <p key={file} className="hint">
              {t('test.try.wrote', { file })}
            </p>
          ))}
        </div>
      )}
    </Dialog>
  );
}
