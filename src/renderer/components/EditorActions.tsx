import { useT } from '../i18n/I18nProvider';

/** The footer every editor form shares: a live status line, Cancel and Save. */
export function EditorActions({ status, onCancel, saveDisabled }: { status: string; onCancel: () => void; saveDisabled: boolean }) {
  const t = useT();
  return (
    <div className="editor-actions" aria-live="polite">
      <span className="hint">{status}</span>
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      <button type="submit" className="primary" disabled={saveDisabled}>
        {t('common.save')}
      </button>
    </div>
  );
}
