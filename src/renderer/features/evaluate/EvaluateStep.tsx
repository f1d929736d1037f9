import { useId, useState } from 'react';
import type { EvalResultSummary, ProjectSummary, RunVariant } from '../../../shared/contract';
import { RUN_VARIANTS } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CheckboxGroup } from '../../components/CheckboxGroup';
import { CancelJobButton, JobStatus } from '../../components/JobStatus';
import { useJobProgress } from '../../app/useJobProgress';
import { useT } from '../../i18n/I18nProvider';
import { useExports, useLiveExportQueries } from '../export/queries';
import { useRuns } from '../train/queries';
import { ExportScores } from './ExportScores';
import { FailureBrowser } from './FailureBrowser';
import { useEvalResult, useEvalResults, useLiveEvalQueries, useStartEvaluation } from './queries';
import { ScoreTable } from './ScoreTable';

const VARIANT_LABELS = { base: 'evaluate.variant.base', tuned: 'evaluate.variant.tuned' } as const;
const STATE_LABELS = {
  running: 'evaluate.state.running',
  done: 'evaluate.state.done',
  cancelled: 'evaluate.state.cancelled',
  failed: 'evaluate.state.failed',
  interrupted: 'evaluate.state.interrupted',
} as const;

/** The newest stored result of each variant for a run. */
function latestOf(results: readonly EvalResultSummary[], runId: string | null): Partial<Record<RunVariant, EvalResultSummary>> {
  const latest: Partial<Record<RunVariant, EvalResultSummary>> = {};
  for (const result of results) if (result.runId === runId && (result.variant === 'base' || result.variant === 'tuned')) latest[result.variant] ??= result; // newest first
  return latest;
}

/** The Evaluate step: BFCL-style scores of a run's base and tuned model on the eval split, and a browser of what failed. */
export function EvaluateStep({ project }: { project: ProjectSummary }) {
  const t = useT();
  const projectId = project.id;
  useLiveEvalQueries(projectId);
  const runs = useRuns(projectId);
  const results = useEvalResults(projectId);
  const start = useStartEvaluation();
  const ids = { run: useId(), threads: useId(), parallel: useId(), maxTokens: useId() };
  useLiveExportQueries(projectId);
  const exports = useExports(projectId);
  const finished = (runs.data ?? []).filter((run) => run.state === 'done');
  const exported = (exports.data ?? []).filter((e) => e.state === 'done' && e.quants.length > 0);
  const [runChoice, setRunChoice] = useState<string | null>(null);
  // an export is chosen as `export:<id>`: every file of it is evaluated next to its run's base and tuned
  const exportId = runChoice?.startsWith('export:') ? runChoice.slice('export:'.length) : null;
  const runId = exportId !== null ? null : (runChoice ?? finished[0]?.id ?? null);
  const exportJob = exportId !== null ? (results.data ?? []).find((r) => r.exportId === exportId)?.jobId : undefined;
  const exportResults = exportJob !== undefined ? (results.data ?? []).filter((r) => r.jobId === exportJob) : [];
  const [variants, setVariants] = useState<RunVariant[]>([...RUN_VARIANTS]);
  const [threads, setThreads] = useState('');
  const [parallel, setParallel] = useState('2');
  const [maxTokens, setMaxTokens] = useState('512');
  const [jobId, setJobId] = useState<string | null>(null);
  const progress = useJobProgress(jobId);
  const running = progress?.state === 'running' || (jobId !== null && progress === null);

  const latest = latestOf(results.data ?? [], runId);
  const [shown, setShown] = useState<RunVariant | null>(null);
  const browsed = shown !== null && latest[shown] ? latest[shown] : (latest.tuned ?? latest.base);
  const detail = useEvalResult(projectId, browsed?.id ?? null);

  function evaluate() {
    if (runId === null && exportId === null) return;
    const count = (text: string) => (/^\d+$/.test(text) ? Number(text) : undefined);
    start.mutate(
      {
        projectId,
        ...(exportId !== null ? { exportId } : { runId: runId!, variants }),
        ...(count(threads) ? { threads: count(threads) } : {}),
        ...(count(parallel) ? { parallel: count(parallel) } : {}),
        ...(count(maxTokens) ? { maxTokens: count(maxTokens) } : {}),
      },
      { onSuccess: ({ jobId: started }) => setJobId(started) },
    );
  }

  return (
    <section className="evaluate-step" aria-labelledby="evaluate-step-title">
      <div className="toolbar">
        <h2 id="evaluate-step-title">{t('evaluate.title')}</h2>
      </div>
      <p className="hint">{t('evaluate.intro')}</p>
      <section className="panel-card" aria-labelledby="evaluate-form-title">
        <h3 id="evaluate-form-title">{t('evaluate.form.title')}</h3>
        {finished.length === 0 ? (
          <p className="hint">{t('evaluate.form.noRuns')}</p>
        ) : (
          <form
            className="form-grid"
            onSubmit={(event) => {
              event.preventDefault();
              evaluate();
            }}
          >
            <label htmlFor={ids.run}>{t('evaluate.form.run')}</label>
            <select id={ids.run} value={runChoice ?? runId ?? ''} onChange={(event) => setRunChoice(event.target.value)}>
              {finished.map((run) => (
                <option key={run.id} value={run.id}>
                  {t('train.runs.name', { seq: run.seq })}
                </option>
              ))}
              {exported.map((e) => (
                <option key={e.id} value={`export:${e.id}`}>
                  {t('evaluate.form.export', { name: e.name, quants: e.quants.join(', ') })}
                </option>
              ))}
            </select>
            <CheckboxGroup
              legend={t('evaluate.form.variants')}
              options={RUN_VARIANTS}
              chosen={variants}
              labelOf={(variant) => t(VARIANT_LABELS[variant])}
              onChange={setVariants}
              hidden={exportId !== null}
            />
            <label htmlFor={ids.threads}>{t('evaluate.form.threads')}</label>
            <input id={ids.threads} inputMode="numeric" placeholder={t('evaluate.form.threadsDefault')} value={threads} onChange={(event) => setThreads(event.target.value)} />
            <label htmlFor={ids.parallel}>{t('evaluate.form.parallel')}</label>
            <input id={ids.parallel} inputMode="numeric" value={parallel} onChange={(event) => setParallel(event.target.value)} />
            <label htmlFor={ids.maxTokens}>{t('evaluate.form.maxTokens')}</label>
            <input id={ids.maxTokens} inputMode="numeric" value={maxTokens} onChange={(event) => setMaxTokens(event.target.value)} />
            <p className="hint">{t('evaluate.form.decoding')}</p>
            <div className="actions">
              <button type="submit" disabled={running || (exportId === null && variants.length === 0) || start.isPending}>
                {t('evaluate.form.start')}
              </button>
              {running && jobId !== null && <CancelJobButton jobId={jobId} label={t('evaluate.form.cancel')} />}
            </div>
          </form>
        )}
        {progress && <JobStatus progress={progress} label={t('evaluate.progress')} stateText={(state) => t(STATE_LABELS[state])} testId="eval-state" />}
        <ErrorMessage error={start.error ?? runs.error ?? results.error} />
      </section>

      {exportResults.length > 0 && (
        <section className="panel-card" aria-labelledby="evaluate-export-title">
          <h3 id="evaluate-export-title">{t('evaluate.scores.title')}</h3>
          <ExportScores projectId={projectId} results={exportResults} />
        </section>
      )}
      {exportId === null && (latest.base ?? latest.tuned) && (
        <section className="panel-card" aria-labelledby="evaluate-scores-title">
          <h3 id="evaluate-scores-title">{t('evaluate.scores.title')}</h3>
          <ul className="hint">
            {RUN_VARIANTS.map((variant) => {
              const result = latest[variant];
              return result ? (
                <li key={variant}>
                  {t('evaluate.scores.source', { variant: t(VARIANT_LABELS[variant]), model: result.model.label, set: result.setName, decoding: result.decoding, seconds: Math.round(result.seconds) })}
                </li>
              ) : null;
            })}
          </ul>
          <ScoreTable base={latest.base} tuned={latest.tuned} />
          <div className="actions" role="group" aria-label={t('evaluate.failures.show')}>
            {RUN_VARIANTS.filter((variant) => latest[variant]).map((variant) => (
              <button key={variant} type="button" aria-pressed={browsed?.variant === variant} onClick={() => setShown(variant)}>
                {t('evaluate.failures.of', { variant: t(VARIANT_LABELS[variant]) })}
              </button>
            ))}
          </div>
        </section>
      )}
      <ErrorMessage error={detail.error} />
      {exportId === null && detail.data && <FailureBrowser key={detail.data.id} projectId={projectId} result={detail.data} />}
    </section>
  );
}
