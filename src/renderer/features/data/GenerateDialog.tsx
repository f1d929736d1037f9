import { useId, useState } from 'react';
import { GENERATE_COUNT_MAX, type DataLocale, type GeneratorChoice, type JobProgress } from '../../../shared/contract';
import { SAMPLE_KINDS, type SampleKind } from '../../../shared/data/conversation';
import { DEFAULT_AUGMENTATIONS } from '../../../shared/data/synthesis/augment';
import { DEFAULT_MIX } from '../../../shared/data/synthesis/synthesizer';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useI18n } from '../../i18n/I18nProvider';
import { JobProgressView } from './JobProgressView';
import { KIND_LABELS } from './labels';
import { useJobProgress } from '../../app/useJobProgress';
import { useGenerate } from './queries';

interface GenerateDialogProps {
  projectId: string;
  onFinished(progress: JobProgress): void;
  onClose(): void;
}

const randomSeed = () => Math.floor(Math.random() * 1_000_000);

interface TeacherFields {
  source: 'local' | 'endpoint';
  modelPath: string;
  baseUrl: string;
  model: string;
  apiKey: string;
  semanticCheck: boolean;
}

/** The generator the form describes, or null while a teacher field it needs is empty. */
function generatorOf(kind: 'schema' | 'teacher', fields: TeacherFields): GeneratorChoice | null {
  if (kind === 'schema') return { kind: 'schema' };
  const semanticCheck = fields.semanticCheck;
  if (fields.source === 'local') return fields.modelPath.trim() ? { kind: 'teacher', teacher: { kind: 'local', modelPath: fields.modelPath.trim() }, semanticCheck } : null;
  if (!/^https?:\/\//i.test(fields.baseUrl.trim()) || !fields.model.trim()) return null;
  const apiKey = fields.apiKey.trim();
  return { kind: 'teacher', teacher: { kind: 'endpoint', baseUrl: fields.baseUrl.trim(), model: fields.model.trim(), ...(apiKey ? { apiKey } : {}) }, semanticCheck };
}

/** Settings for schema-driven or teacher synthesis, then the running job's progress in the same dialog. */
export function GenerateDialog({ projectId, onFinished, onClose }: GenerateDialogProps) {
  const { t, locale } = useI18n();
  const ids = { count: useId(), seed: useId(), distractors: useId(), masking: useId(), language: useId(), modelPath: useId(), baseUrl: useId(), model: useId(), apiKey: useId() };
  const [count, setCount] = useState(500);
  const [seed, setSeed] = useState(randomSeed);
  const [mix, setMix] = useState<Record<SampleKind, number>>({ ...DEFAULT_MIX });
  const [augmentations, setAugmentations] = useState({ ...DEFAULT_AUGMENTATIONS });
  const [language, setLanguage] = useState<DataLocale>(locale);
  const [generatorKind, setGeneratorKind] = useState<'schema' | 'teacher'>('schema');
  const [teacher, setTeacher] = useState<TeacherFields>({ source: 'endpoint', modelPath: '', baseUrl: 'http://127.0.0.1:8080/v1', model: '', apiKey: '', semanticCheck: false });
  const generator = generatorOf(generatorKind, teacher);
  const generate = useGenerate(projectId);
  const jobId = generate.data?.jobId ?? null;
  const progress = useJobProgress(jobId);
  const finished = progress !== null && progress.state !== 'running';
  const mixTotal = SAMPLE_KINDS.reduce((sum, kind) => sum + mix[kind], 0);
  const valid = Number.isInteger(count) && count >= 1 && count <= GENERATE_COUNT_MAX && Number.isInteger(seed) && seed >= 0 && mixTotal > 0 && generator !== null;

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
            if (valid && generator) generate.mutate({ count, seed, mix, augmentations, locale: language, generator });
          }}
        >
          <p className="hint">{t('data.generate.intro')}</p>
          <fieldset className="generator-choice">
            <legend>{t('data.generate.generator')}</legend>
            <label className="checkbox">
              <input type="radio" name="generator" checked={generatorKind === 'schema'} onChange={() => setGeneratorKind('schema')} />
              <span>{t('data.generate.generatorSchema')}</span>
            </label>
            <label className="checkbox">
              <input type="radio" name="generator" checked={generatorKind === 'teacher'} onChange={() => setGeneratorKind('teacher')} />
              <span>{t('data.generate.generatorTeacher')}</span>
            </label>
            {generatorKind === 'teacher' && (
              <div className="teacher-fields">
                <p className="hint">{t('data.generate.teacherHint')}</p>
                <label className="checkbox">
                  <input type="radio" name="teacher-source" checked={teacher.source === 'endpoint'} onChange={() => setTeacher({ ...teacher, source: 'endpoint' })} />
                  <span>{t('data.generate.teacherEndpoint')}</span>
                </label>
                <label className="checkbox">
                  <input type="radio" name="teacher-source" checked={teacher.source === 'local'} onChange={() => setTeacher({ ...teacher, source: 'local' })} />
                  <span>{t('data.generate.teacherLocal')}</span>
                </label>
                {teacher.source === 'local' ? (
                  <div className="field">
                    <label htmlFor={ids.modelPath}>{t('data.generate.teacherModelPath')}</label>
                    <input id={ids.modelPath} type="text" placeholder="/models/qwen2.5-7b-instruct-q4_k_m.gguf" value={teacher.modelPath} onChange={(event) => setTeacher({ ...teacher, modelPath: event.target.value })} />
                  </div>
                ) : (
                  <div className="field-row">
                    <div className="field">
                      <label htmlFor={ids.baseUrl}>{t('data.generate.teacherBaseUrl')}</label>
                      <input id={ids.baseUrl} type="url" value={teacher.baseUrl} onChange={(event) => setTeacher({ ...teacher, baseUrl: event.target.value })} />
                    </div>
                    <div className="field">
                      <label htmlFor={ids.model}>{t('data.generate.teacherModel')}</label>
                      <input id={ids.model} type="text" value={teacher.model} onChange={(event) => setTeacher({ ...teacher, model: event.target.value })} />
                    </div>
                    <div className="field">
                      <label htmlFor={ids.apiKey}>{t('data.generate.teacherApiKey')}</label>
                      <input id={ids.apiKey} type="password" autoComplete="off" value={teacher.apiKey} onChange={(event) => setTeacher({ ...teacher, apiKey: event.target.value })} />
                    </div>
                  </div>
                )}
                <label className="checkbox">
                  <input type="checkbox" checked={teacher.semanticCheck} onChange={(event) => setTeacher({ ...teacher, semanticCheck: event.target.checked })} />
                  <span>{t('data.generate.semanticCheck')}</span>
                </label>
              </div>
            )}
          </fieldset>
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
