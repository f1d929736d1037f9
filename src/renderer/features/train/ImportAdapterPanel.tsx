import { useId, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { useImportAdapter, useProjectBase } from './queries';

/** A LoRA trained elsewhere (a PEFT folder or a GGUF adapter) for the project's base, added as a finished run. */
export function ImportAdapterPanel({ projectId, onImported }: { projectId: string; onImported(runId: string): void }) {
  const t = useT();
  const pathId = useId();
  const base = useProjectBase(projectId);
  const importAdapter = useImportAdapter(projectId);
  const [path, setPath] = useState('');
  const model = base.data ?? null;
  return (
    <details className="panel-card import-adapter">
      <summary>{t('train.import.title')}</summary>
      <p className="hint">{t('train.import.hint')}</p>
      {model === null ? (
        <p className="hint">{t('train.import.noBase')}</p>
      ) : (
        <form
          className="field"
          onSubmit={(event) => {
            event.preventDefault();
            if (path.trim() !== '') importAdapter.mutate({ modelId: model.id, path: path.trim() }, { onSuccess: (run) => onImported(run.id) });
          }}
        >
          <label htmlFor={pathId}>{t('train.import.path')}</label>
          <input id={pathId} value={path} placeholder="/home/me/lora-out" spellCheck={false} onChange={(event) => setPath(event.target.value)} />
          <button type="submit" disabled={importAdapter.isPending || path.trim() === ''}>
            {t('train.import.start', { base: model.displayName })}
          </button>
        </form>
      )}
      {importAdapter.data && <p role="status">{t('train.import.done', { seq: importAdapter.data.seq })}</p>}
      <ErrorMessage error={importAdapter.error ?? base.error} />
    </details>
  );
}
