import { useEffect, useId, useState } from 'react';
import { LORA_TARGETS, TRAIN_BACKENDS, type LoraTarget, type TrainBackend, type TrainSettings } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/catalogs';
import { useVersions } from '../data/queries';
import { EstimateView } from './EstimateView';
import { useEstimate, useProjectBase, useStartRun, useTrainDefaults } from './queries';

type NumericSetting = 'rank' | 'alpha' | 'learningRate' | 'epochs' | 'contextLength' | 'threads' | 'checkpointEvery';

/** The editable numbers, each with its label and one-line explanation. */
const NUMERIC: ReadonlyArray<{ key: NumericSetting; min: number; step: number | 'any' }> = [
  { key: 'rank', min: 1, step: 1 },
  { key: 'alpha', min: 1, step: 'any' },
  { key: 'learningRate', min: 0, step: 'any' },
  { key: 'epochs', min: 1, step: 1 },
  { key: 'contextLength', min: 64, step: 64 },
  { key: 'threads', min: 1, step: 1 },
  { key: 'checkpointEvery', min: 1, step: 1 },
];

/** Product names, the same in every language. */
const BACKEND_NAMES: Record<Exclude<TrainBackend, 'auto' | 'cpu'>, string> = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal' };

const label = (key: string) => `train.setting.${key}` as MessageKey;
const hint = (key: string) => `train.setting.${key}.hint` as MessageKey;

/** A new run: which frozen version, and the settings (defaults suited to the base's size). */
export function RunForm({ projectId, onStarted }: { projectId: string; onStarted(runId: string): void }) {
  const t = useT();
  const ids = { version: useId(), maxSteps: useId(), backend: useId(), title: useId() };
  const versions = useVersions(projectId);
  const base = useProjectBase(projectId);
  const defaults = useTrainDefaults(projectId, base.data?.id ?? null);
  const start = useStartRun(projectId);
  const estimate = useEstimate(projectId);
  const [versionId, setVersionId] = useState('');
  const [settings, setSettings] = useState<TrainSettings | null>(null);

  useEffect(() => {
    if (defaults.data) setSettings(defaults.data);
  }, [defaults.data]);
  const chosenVersion = versionId || versions.data?.[0]?.id || '';
  const ready = chosenVersion !== '' && settings !== null && base.data !== null;

  function setNumber(key: NumericSetting, value: number) {
    setSettings((current) => (current ? { ...current, [key]: value } : current));
  }

  function toggleTarget(target: LoraTarget, on: boolean) {
    setSettings((current) =>
      current ? { ...current, targets: on ? LORA_TARGETS.filter((name) => name === target || current.targets.includes(name)) : current.targets.filter((name) => name !== target) } : current,
    );
  }

  return (
    <form
      className="panel-card run-form"
      aria-labelledby={ids.title}
      onSubmit={(event) => {
        event.preventDefault();
        if (ready && settings) start.mutate({ versionId: chosenVersion, settings }, { onSuccess: (run) => onStarted(run.id) });
      }}
    >
      <h3 id={ids.title}>{t('train.new.title')}</h3>
      {versions.data?.length === 0 && <p className="hint">{t('train.new.noVersion')}</p>}
      {base.data === null && <p className="hint">{t('train.new.noBase')}</p>}
      <div className="field">
        <label htmlFor={ids.version}>{t('train.new.version')}</label>
        <select id={ids.version} value={chosenVersion} onChange={(event) => setVersionId(event.target.value)}>
          {(versions.data ?? []).map((version) => (
            <option key={version.id} value={version.id}>
              {t('train.new.versionOption', { name: version.name, train: version.trainCount, eval: version.evalCount })}
            </option>
          ))}
        </select>
      </div>
      {settings && (
        <div className="settings-grid">
          {NUMERIC.map(({ key, min, step }) => (
            <SettingField key={key} name={key} min={min} step={step} value={settings[key]} onChange={(value) => setNumber(key, value)} />
          ))}
          <div className="field">
            <label htmlFor={ids.maxSteps}>{t(label('maxSteps'))}</label>
            <input
              id={ids.maxSteps}
              type="number"
              min={1}
              step={1}
              value={settings.maxSteps ?? ''}
              placeholder={t('train.setting.maxSteps.none')}
              onChange={(event) => setSettings({ ...settings, maxSteps: Number.isFinite(event.target.valueAsNumber) ? event.target.valueAsNumber : null })}
            />
            <span className="hint">{t(hint('maxSteps'))}</span>
          </div>
          <div className="field">
            <label htmlFor={ids.backend}>{t(label('backend'))}</label>
            <select id={ids.backend} value={settings.backend ?? 'auto'} onChange={(event) => setSettings({ ...settings, backend: event.target.value as TrainBackend })}>
              {TRAIN_BACKENDS.map((backend) => (
                <option key={backend} value={backend}>
                  {backend === 'auto' || backend === 'cpu' ? t(`train.setting.backend.${backend}`) : BACKEND_NAMES[backend]}
                </option>
              ))}
            </select>
            <span className="hint">{t(hint('backend'))}</span>
          </div>
          <fieldset className="field targets">
            <legend>{t(label('targets'))}</legend>
            {LORA_TARGETS.map((target) => (
              <label key={target} className="field-inline">
                <input type="checkbox" checked={settings.targets.includes(target)} onChange={(event) => toggleTarget(target, event.target.checked)} />
                <span>{target}</span>
              </label>
            ))}
            <span className="hint">{t(hint('targets'))}</span>
          </fieldset>
        </div>
      )}
      <div className="field-row">
        <button type="submit" className="primary" disabled={!ready || start.isPending || !settings || settings.targets.length === 0}>
          {t('train.new.start')}
        </button>
        <button
          type="button"
          disabled={!ready || estimate.isPending || !settings || settings.targets.length === 0}
          onClick={() => settings && estimate.mutate({ versionId: chosenVersion, settings })}
        >
          {estimate.isPending ? t('train.estimate.running') : t('train.estimate.run')}
        </button>
      </div>
      {estimate.data && !estimate.isPending && <EstimateView estimate={estimate.data} />}
      <ErrorMessage error={versions.error ?? defaults.error ?? start.error ?? estimate.error} />
    </form>
  );
}

function SettingField({ name, value, min, step, onChange }: { name: NumericSetting; value: number; min: number; step: number | 'any'; onChange(value: number): void }) {
  const t = useT();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{t(label(name))}</label>
      <input id={id} type="number" min={min} step={step} value={Number.isFinite(value) ? value : ''} onChange={(event) => onChange(event.target.valueAsNumber)} />
      <span className="hint">{t(hint(name))}</span>
    </div>
  );
}
