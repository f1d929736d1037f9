import { useId, useState } from 'react';
import { GENERATE_COUNT_MAX, type DataLocale, type JobProgress } from '../../../shared/contract';
import { SAMPLE_KINDS, type SampleKind } from '../../../shared/data/conversation';
import { DEFAULT_AUGMENTATIONS } from '../../../shared/data/synthesis/augment';
import { DEFAULT_MIX } from '../../../shared/data/synthesis/synthesizer';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useI18n } from '../../i18n/I18nProvider';
import { JobProgressView } from './JobProgressView';
import { KIND_LABELS } from './labels';
import { useGenerate, useJobProgress } from './queries';

interface GenerateDialogProps {
  projectId: string;
  onFinished(progress: JobProgress): void;
  onClose(): void;
}

const randomSeed = () => Math.floor(Math.random() * 1_000_000);

/** Settings for schema-driven synthesis, then the running job's progress in the same dialog. */
export function GenerateDialog({ projectId, onFinished, onClose }: GenerateDialogProps) {
  const { t, locale } = useI18n();
  const ids = { count: useId(), seed: useId(), distractors: useId(), masking: useId(), language: useId() };
  const [count, setCount] = useState(500);
  const [seed, setSeed] = useState(randomSeed);
  const [mix, setMix] = useState<Record<SampleKind, number>>({ ...DEFAULT_MIX });
  const [augmentations, setAugmentations] = useState({ ...DEFAULT_AUGMENTATIONS });
  const [language, setLanguage] = useState<DataLocale>(locale);
  const generate = useGenerate(projectId);
  const jobId = generate.data?.jobId ?? null;
  const progress = useJobProgress(jobId);
  const finished = progress !== null && progress.state !== 'running';
  const mixTotal = SAMPLE_KINDS.reduce((sum, kind) => sum + mix[kind], 0);
  const valid = Number.isInteger(count) && count >= 1 && count <= GENERATE_COUNT_MAX && Number.isInteger(seed) && seed >= 0 && mixTotal > 0;

  function close() {
    if (finished) onFinished(progress);
    else onClose();
  }

  return (
    <Dialog title={t('data.generate.title')} onClose={jobId && !finished ? () => undefined : close} wide>
      {jobId ? (
        <>
          <JobProgressView jobId={jobId} progress={progress} />
          <div className="dialog-actions">
            <button type="button" className="primary" onClick={close} disabled={!finished}>
              {t('data.close')}
            </button>
          </div>
        </>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (valid) generate.mutate({ count, seed, mix, augmentations, locale: language });
          }}
        >
          <p className="hint">{t('data.generate.intro')}</p>
          <div className="field-row">
            <div className="field">
              <label htmlFor={ids.count}>{t('data.generate.count')}</label>
              <input id={ids.count} type="number" min={1} max={GENERATE_COUNT_MAX} value={count} onChange={(event) => setCount(event.target.valueAsNumber)} />
            </div>
            <div className="field">
              <label htmlFor={ids.seed}>{t('data.seed')}</label>
              <input id={ids.seed} type="number" min={0} value={seed} onChange={(event) => setSeed(event.target.valueAsNumber)} />
            </div>
            <div className="field">
              <label htmlFor={ids.language}>{t('data.generate.language')}</label>
              <select id={ids.language} value={language} onChange={(event) => setLanguage(event.target.value as DataLocale)}>
                <option value="en">English</option>
                <option value="zh-CN">中文</option>
              </select>
            </div>
          </div>
          <fieldset className="mix-grid">
            <legend>{t('data.generate.mix')}</legend>
            {SAMPLE_KINDS.map((kind) => (
              <label key={kind} className="mix-item">
                <span>{t(KIND_LABELS[kind])}</span>
                <input
                  type="number"
                  min={0}
                  max={1000}
                  value={mix[kind]}
                  onChange={(event) => setMix({ ...mix, [kind]: Math.max(0, event.target.valueAsNumber || 0) })}
                />
                <span className="hint">{mixTotal > 0 ? `${Math.round((mix[kind] / mixTotal) * 100)}%` : '—'}</span>
              </label>
            ))}
          </fieldset>
          <fieldset className="augmentations">
            <legend>{t('data.generate.augmentations')}</legend>
            <label className="checkbox">
              <input type="checkbox" checked={augmentations.shuffleTools} onChange={(event) => setAugmentations({ ...augmentations, shuffleTools: event.target.checked })} />
              <span>{t('data.generate.shuffleTools')}</span>
            </label>
            <label className="checkbox">
              <input type="checkbox" checked={augmentations.valueFormats} onChange={(event) => setAugmentations({ ...augmentations, valueFormats: event.target.checked })} />
              <span>{t('data.generate.valueFormats')}</span>
            </label>
            <label className="field-inline" htmlFor={ids.distractors}>
              <span>{t('data.generate.distractors')}</span>
              <input id={ids.distractors} type="number" min={0} max={8} value={augmentations.distractors} onChange={(event) => setAugmentations({ ...augmentations, distractors: clamp(event.target.valueAsNumber, 0, 8) })} />
            </label>
            <label className="field-inline" htmlFor={ids.masking}>
              <span>{t('data.generate.nameMasking')}</span>
              <input
                id={ids.masking}
                type="number"
                min={0}
                max={100}
                step={5}
                value={Math.round(augmentations.nameMasking * 100)}
                onChange={(event) => setAugmentations({ ...augmentations, nameMasking: clamp(event.target.valueAsNumber, 0, 100) / 100 })}
              />
              <span>%</span>
            </label>
          </fieldset>
          <ErrorMessage error={generate.error} />
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="primary" disabled={!valid || generate.isPending}>
              {t('data.generate.start', { count: Number.isFinite(count) ? count : 0 })}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : min;
}
