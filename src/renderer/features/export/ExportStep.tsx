import { useId, useState } from 'react';
import { DEFAULT_EXPORT_PACKAGES, EXPORT_PACKAGES, MODEL_PACKAGES, QUANT_TYPES, type ExportPackage, type ExportParams, type ProjectSummary, type QuantType } from '../../../shared/contract';
import { useJobProgress } from '../../app/useJobProgress';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CheckboxGroup } from '../../components/CheckboxGroup';
import { CancelJobButton, JobStatus } from '../../components/JobStatus';
import { useT } from '../../i18n/I18nProvider';
import { formatBytes } from '../train/format';
import { useRuns } from '../train/queries';
import { useEvalResults, useLiveEvalQueries } from '../evaluate/queries';
import { ExportCard } from './ExportCard';
import { useExportEstimate, useExports, useLiveExportQueries, useStartExport } from './queries';

const PACKAGE_LABELS = {
  gguf: 'export.package.gguf',
  adapter: 'export.package.adapter',
  ollama: 'export.package.ollama',
  'llama-server': 'export.package.llamaServer',
  lmstudio: 'export.package.lmstudio',
  llamafactory: 'export.package.llamafactory',
  axolotl: 'export.package.axolotl',
} as const;

/** The Export step: merge a run's adapter, quantize, package for llama.cpp, Ollama and LM Studio, and check every file with the project's evaluation. */
export function ExportStep({ project }: { project: ProjectSummary }) {
  const t = useT();
  const projectId = project.id;
  useLiveExportQueries(projectId);
  useLiveEvalQueries(projectId);
  const runs = useRuns(projectId);
  const exports = useExports(projectId);
  const results = useEvalResults(projectId);
  const estimate = useExportEstimate();
  const start = useStartExport();
  const ids = { run: useId(), adapter: useId(), threads: useId(), hfRepo: useId() };
  const finished = (runs.data ?? []).filter((run) => run.state === 'done');
  const [runChoice, setRunChoice] = useState<string | null>(null);
  const run = finished.find((r) => r.id === runChoice) ?? finished[0];
  const [step, setStep] = useState('');
  const [quants, setQuants] = useState<QuantType[]>(['Q4_K_M', 'Q8_0']);
  const [packages, setPackages] = useState<ExportPackage[]>([...DEFAULT_EXPORT_PACKAGES]);
  const [hfRepo, setHfRepo] = useState('');
  const [gate, setGate] = useState(true);
  const [threads, setThreads] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const progress = useJobProgress(jobId);
  const running = progress?.state === 'running' || (jobId !== null && progress === null);
  const checkpoints = run?.artifacts.filter((a) => a.kind === 'checkpoint') ?? [];
  const needsQuants = packages.some((p) => MODEL_PACKAGES.includes(p));
  const needsRepo = packages.includes('llamafactory') || packages.includes('axolotl');

  function params(): ExportParams | null {
    if (!run) return null;
    return {
      projectId,
      runId: run.id,
      ...(step !== '' ? { checkpointStep: Number(step) } : {}),
      ...(needsQuants ? { quants } : {}),
      packages,
      ...(needsRepo && hfRepo.trim() !== '' ? { hfRepo: hfRepo.trim() } : {}),
      gate,
      ...(/^\d+$/.test(threads) && Number(threads) > 0 ? { threads: Number(threads) } : {}),
    };
  }

  const changed = () => estimate.reset();

  return (
    <section className="export-step" aria-labelledby="export-step-title">
      <div className="toolbar">
        <h2 id="export-step-title">{t('export.title')}</h2>
      </div>
      <p className="hint">{t('export.intro')}</p>
      <section className="panel-card" aria-labelledby="export-form-title">
        <h3 id="export-form-title">{t('export.form.title')}</h3>
        {!run ? (
          <p className="hint">{t('export.form.noRuns')}</p>
        ) : (
          <form
            className="form-grid"
            onSubmit={(event) => {
              event.preventDefault();
              const p = params();
              if (p) start.mutate(p, { onSuccess: ({ jobId: started }) => setJobId(started) });
            }}
          >
            <label htmlFor={ids.run}>{t('export.form.run')}</label>
            <select
              id={ids.run}
              value={run.id}
              onChange={(event) => {
                setRunChoice(event.target.value);
                setStep('');
                changed();
              }}
            >
              {finished.map((r) => (
                <option key={r.id} value={r.id}>
                  {t('train.runs.name', { seq: r.seq })}
                </option>
              ))}
            </select>
            <label htmlFor={ids.adapter}>{t('export.form.adapter')}</label>
            <select
              id={ids.adapter}
              value={step}
              onChange={(event) => {
                setStep(event.target.value);
                changed();
              }}
            >
              <option value="">{t('export.form.finalAdapter')}</option>
              {checkpoints.map((c) => (
                <option key={c.step} value={String(c.step)}>
                  {t('export.form.checkpoint', { step: c.step })}
                </option>
              ))}
            </select>
            <CheckboxGroup
              legend={t('export.form.quants')}
              options={QUANT_TYPES}
              chosen={quants}
              disabled={!needsQuants}
              onChange={(next) => {
                setQuants(next);
                changed();
              }}
            />
            <CheckboxGroup
              legend={t('export.form.packages')}
              options={EXPORT_PACKAGES}
              chosen={packages}
              labelOf={(pkg) => t(PACKAGE_LABELS[pkg])}
              onChange={(next) => {
                setPackages(next);
                changed();
              }}
            />
            {needsRepo && (
              <>
                <label htmlFor={ids.hfRepo}>{t('export.form.hfRepo')}</label>
                <input id={ids.hfRepo} placeholder="Qwen/Qwen2.5-0.5B-Instruct" value={hfRepo} onChange={(event) => setHfRepo(event.target.value)} />
              </>
            )}
            <label>
              <input type="checkbox" checked={gate} onChange={(event) => setGate(event.target.checked)} /> {t('export.form.gate')}
            </label>
            <label htmlFor={ids.threads}>{t('evaluate.form.threads')}</label>
            <input id={ids.threads} inputMode="numeric" placeholder={t('evaluate.form.threadsDefault')} value={threads} onChange={(event) => setThreads(event.target.value)} />
            <div className="actions">
              <button type="button" onClick={() => {
                  const p = params();
                  if (p) estimate.mutate(p);
                }} disabled={estimate.isPending || packages.length === 0 || (needsQuants && quants.length === 0)}>
                {t('export.form.estimate')}
              </button>
              <button type="submit" disabled={running || start.isPending || packages.length === 0 || (needsQuants && quants.length === 0)}>
                {t('export.form.start')}
              </button>
              {running && jobId !== null && <CancelJobButton jobId={jobId} label={t('evaluate.form.cancel')} />}
            </div>
          </form>
        )}
        {estimate.data && (
          <div className="export-estimate" role="status" aria-label={t('export.estimate.title')}>
            <p>
              {t('export.estimate.total', { total: formatBytes(estimate.data.totalBytes), free: formatBytes(estimate.data.freeBytes) })}{' '}
              {estimate.data.files.map((f) => `${f.quant} ${formatBytes(f.bytes)}`).join(' · ')}
            </p>
            {estimate.data.warnings.length > 0 && (
              <ul className="warnings">
                {estimate.data.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {progress && <JobStatus progress={progress} label={t('export.progress')} stateText={(state) => t(`export.state.${state}`)} testId="export-state" />}
        <ErrorMessage error={start.error ?? estimate.error ?? runs.error ?? exports.error} />
      </section>
      {(exports.data ?? []).map((record) => (
        <ExportCard key={record.id} record={record} gate={(results.data ?? []).filter((r) => record.evalJobId !== null && r.jobId === record.evalJobId)} />
      ))}
    </section>
  );
}
