import { useState } from 'react';
import type { EvalResultSummary } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { FailureBrowser } from './FailureBrowser';
import { formatDelta, formatMetric } from './metricFormat';
import { useEvalResult } from './queries';

/** Base, tuned, then the files in the order they were written. */
function rank(result: EvalResultSummary): number {
  return result.variant === 'base' ? 0 : result.variant === 'tuned' ? 1 : 2;
}

/**
 * One evaluation of an export's files next to the run's base and tuned model (the quality gate): the main figures
 * per file, each file's exact-call difference to tuned marked, and the failed cases of any row.
 */
export function ExportScores({ projectId, results }: { projectId: string; results: EvalResultSummary[] }) {
  const t = useT();
  const [shown, setShown] = useState<string | null>(null);
  const detail = useEvalResult(projectId, shown);
  const tuned = results.find((r) => r.variant === 'tuned');
  const ordered = [...results].sort((a, b) => rank(a) - rank(b));
  const label = (result: EvalResultSummary) => (result.variant === 'export' ? (result.output ?? result.model.label) : t(result.variant === 'base' ? 'evaluate.variant.base' : 'evaluate.variant.tuned'));
  return (
    <>
      <table className="run-table" aria-label={t('export.gate.title')}>
        <caption>{t('export.gate.title')}</caption>
        <thead>
          <tr>
            <th>{t('export.gate.model')}</th>
            <th>{t('evaluate.metric.exactCall')}</th>
            <th>{t('evaluate.metric.functionName')}</th>
            <th>{t('evaluate.metric.arguments')}</th>
            <th>{t('export.gate.drop')}</th>
            <th>{t('evaluate.failures.show')}</th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((result) => {
            const delta = result.variant === 'export' && tuned ? formatDelta(tuned.scores.overall.exactCall, result.scores.overall.exactCall, 'exactCall') : null;
            return (
              <tr key={result.id} data-testid={`gate-${result.output ?? result.variant}`}>
                <td>{label(result)}</td>
                <td>{formatMetric(result.scores.overall.exactCall, 'exactCall')}</td>
                <td>{formatMetric(result.scores.overall.functionName, 'functionName')}</td>
                <td>{formatMetric(result.scores.overall.arguments, 'arguments')}</td>
                <td className={delta === null || delta.better === null ? undefined : delta.better ? 'delta-better' : 'delta-worse'}>{delta?.text ?? ''}</td>
                <td>
                  <button type="button" aria-pressed={shown === result.id} onClick={() => setShown(shown === result.id ? null : result.id)}>
                    {t('evaluate.failures.of', { variant: label(result) })}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ErrorMessage error={detail.error} />
      {shown !== null && detail.data && <FailureBrowser key={detail.data.id} projectId={projectId} result={detail.data} />}
    </>
  );
}
