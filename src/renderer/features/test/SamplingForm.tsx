import { useId, useState } from 'react';
import type { ChatSampling } from '../../../shared/contract';
import type { MessageKey } from '../../i18n/catalogs';
import { useT } from '../../i18n/I18nProvider';

const FIELDS: Array<{ key: keyof ChatSampling; label: MessageKey; min: number; max: number; step: number }> = [
  { key: 'temperature', label: 'test.sampling.temperature', min: 0, max: 2, step: 0.05 },
  { key: 'topP', label: 'test.sampling.topP', min: 0, max: 1, step: 0.01 },
  { key: 'topK', label: 'test.sampling.topK', min: 0, max: 1000, step: 1 },
  { key: 'seed', label: 'test.sampling.seed', min: 0, max: 2 ** 32 - 1, step: 1 },
  { key: 'maxTokens', label: 'test.sampling.maxTokens', min: 16, max: 8192, step: 1 },
  { key: 'maxRounds', label: 'test.sampling.maxRounds', min: 1, max: 16, step: 1 },
];

/** A conversation's system prompt and sampling; temperature 0 decodes greedily, as Evaluate does. */
export function SamplingForm({ systemPrompt, sampling, disabled, onSave }: { systemPrompt: string; sampling: ChatSampling; disabled: boolean; onSave(systemPrompt: string, sampling: ChatSampling): void }) {
  const t = useT();
  const baseId = useId();
  const [prompt, setPrompt] = useState(systemPrompt);
  const [values, setValues] = useState<Record<keyof ChatSampling, string>>(() => Object.fromEntries(FIELDS.map((f) => [f.key, String(sampling[f.key])])) as Record<keyof ChatSampling, string>);
  const parsed = FIELDS.map((f) => ({ ...f, value: Number(values[f.key]) }));
  const invalid = parsed.filter((f) => values[f.key].trim() === '' || !Number.isFinite(f.value) || f.value < f.min || f.value > f.max || (f.step === 1 && !Number.isInteger(f.value)));
  return (
    <form
      className="form-grid"
      onSubmit={(event) => {
        event.preventDefault();
        if (invalid.length === 0) onSave(prompt, Object.fromEntries(parsed.map((f) => [f.key, f.value])) as unknown as ChatSampling);
      }}
    >
      <label className="field" htmlFor={`${baseId}-system`}>
        <span>{t('test.settings.systemPrompt')}</span>
        <textarea id={`${baseId}-system`} rows={3} value={prompt} onChange={(event) => setPrompt(event.target.value)} />
      </label>
      <div className="field-row">
        {FIELDS.map((f) => (
          <label key={f.key} className="field" htmlFor={`${baseId}-${f.key}`}>
            <span>{t(f.label)}</span>
            <input id={`${baseId}-${f.key}`} type="number" min={f.min} max={f.max} step={f.step} value={values[f.key]} aria-invalid={invalid.some((i) => i.key === f.key)} onChange={(event) => setValues({ ...values, [f.key]: event.target.value })} />
          </label>
        ))}
      </div>
      <button type="submit" disabled={disabled || invalid.length > 0}>
        {t('test.settings.save')}
      </button>
    </form>
  );
}
