import { useId, useState } from 'react';
import type { BaseModel } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { formatBytes, formatCount } from './format';
import { useAddBase, useModels, useProjectBase, useSetProjectBase, useUseDemoBase } from './queries';

/** The project's base model: chosen from the library, added from a path, or the generated demo base. */
export function BasePanel({ projectId }: { projectId: string }) {
  const t = useT();
  const ids = { path: useId(), pick: useId(), title: useId() };
  const base = useProjectBase(projectId);
  const models = useModels();
  const setBase = useSetProjectBase(projectId);
  const addBase = useAddBase(projectId);
  const demo = useUseDemoBase(projectId);
  const [path, setPath] = useState('');
  const current = base.data ?? null;

  return (
    <section className="panel-card" aria-labelledby={ids.title}>
      <h3 id={ids.title}>{t('train.base.title')}</h3>
      {current ? <ModelFacts model={current} /> : <p className="hint">{t('train.base.none')}</p>}
      <div className="field-row">
        <div className="field">
          <label htmlFor={ids.pick}>{t('train.base.library')}</label>
          <select id={ids.pick} value={current?.id ?? ''} onChange={(event) => setBase.mutate(event.target.value || null)} disabled={setBase.isPending}>
            <option value="">{t('train.base.noneChosen')}</option>
            {(models.data ?? []).map((model) => (
              <option key={model.id} value={model.id}>
                {model.displayName} — {model.path}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={() => demo.mutate()} disabled={demo.isPending}>
          {demo.isPending ? t('train.base.demoPending') : t('train.base.useDemo')}
        </button>
      </div>
      <form
        className="field-row"
        onSubmit={(event) => {
          event.preventDefault();
          const trimmed = path.trim();
          if (trimmed) addBase.mutate(trimmed, { onSuccess: () => setPath('') });
        }}
      >
        <div className="field">
          <label htmlFor={ids.path}>{t('train.base.addPath')}</label>
          <input id={ids.path} value={path} placeholder="/models/Qwen2.5-0.5B-Instruct-f16.gguf" onChange={(event) => setPath(event.target.value)} spellCheck={false} />
        </div>
        <button type="submit" disabled={!path.trim() || addBase.isPending}>
          {addBase.isPending ? t('train.base.adding') : t('train.base.add')}
        </button>
      </form>
      <ErrorMessage error={base.error ?? models.error ?? setBase.error ?? addBase.error ?? demo.error} />
    </section>
  );
}

function ModelFacts({ model }: { model: BaseModel }) {
  const t = useT();
  const info = model.info;
  return (
    <div className="model-facts">
      <p>
        <strong>{model.displayName}</strong> <span className="hint">{model.path}</span>
      </p>
      <dl className="facts">
        <dt>{t('train.base.architecture')}</dt>
        <dd>{info.architecture}</dd>
        <dt>{t('train.base.parameters')}</dt>
        <dd>{formatCount(info.parameterCount)}</dd>
        <dt>{t('train.base.types')}</dt>
        <dd>{info.tensorTypes.map((entry) => `${entry.type} ×${entry.tensors}`).join(', ')}</dd>
        <dt>{t('train.base.context')}</dt>
        <dd>{info.contextLength ?? '—'}</dd>
        <dt>{t('train.base.vocabulary')}</dt>
        <dd>{formatCount(info.vocabularySize)}</dd>
        <dt>{t('train.base.size')}</dt>
        <dd>{formatBytes(model.sizeBytes)}</dd>
        <dt>{t('train.base.toolCalling')}</dt>
        <dd>{info.toolCalling.supported ? t('train.base.toolCallingYes') : info.toolCalling.reason}</dd>
      </dl>
      {model.fileState !== 'ok' && <p className="field-error">{t(model.fileState === 'missing' ? 'train.base.missing' : 'train.base.changed')}</p>}
    </div>
  );
}
