import { useId, useState } from 'react';
import type { EvalResultSummary } from '../../../shared/contract';
import { SAMPLE_KINDS } from '../../../shared/data/conversation';
import type { Metrics } from '../../../shared/eval/metrics';
import { useT } from '../../i18n/I18nProvider';
import { formatDelta, formatMetric, METRIC_KEYS, METRIC_LABELS, metricValue, type MetricKey } from './metricFormat';

/** Base and tuned side by side, overall and per kind, for one figure at a time; the difference is marked better or worse. */
export function ScoreTable({ base, tuned }: { base: EvalResultSummary | undefined; tuned: EvalResultSummary | undefined }) {
  const t = useT();
  const metricId = useId();
  const [metric, setMetric] = useState<MetricKey>('exactCall');
  const kinds = SAMPLE_KINDS.filter((kind) => base?.scores.byKind[kind] ?? tuned?.scores.byKind[kind]);
  const rows: Array<{ key: string; label: string; base: Metrics | undefined; tuned: Metrics | undefined }> = [
    { key: 'overall', label: t('evaluate.scores.overall'), base: base?.scores.overall, tuned: tuned?.scores.overall },
    ...kinds.map((kind) => ({ key: kind, label: kind, base: base?.scores.byKind[kind], tuned: tuned?.scores.byKind[kind] })),
  ];
  return (
    <div className="score-table">
      <label htmlFor={metricId}>{t('evaluate.scores.metric')}</label>{' '}
      <select id={metricId} value={metric} onChange={(event) => setMetric(event.target.value as MetricKey)}>
        {METRIC_KEYS.map((key) => (
          <option key={key} value={key}>
            {t(METRIC_LABELS[key])}
          </option>
        ))}
      </select>
      <table className="run-table" aria-label={t('evaluate.scores.title')}>
        <thead>
          <tr>
            <th scope="col">{t('evaluate.scores.kind')}</th>
            <th scope="col">{t('evaluate.scores.cases')}</th>
            <th scope="col">{t('evaluate.variant.base')}</th>
            <th scope="col">{t('evaluate.variant.tuned')}</th>
            <th scope="col">{t('evaluate.scores.delta')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const b = metricValue(row.base, metric);
            const tu = metricValue(row.tuned, metric);
            const delta = formatDelta(b, tu, metric);
            return (
              <tr key={row.key} data-kind={row.key}>
                <th scope="row">{row.label}</th>
                <td>{row.tuned?.n ?? row.base?.n ?? 0}</td>
                <td data-variant="base">{formatMetric(b, metric)}</td>
                <td data-variant="tuned">{formatMetric(tu, metric)}</td>
                <td className={delta.better === null ? undefined : delta.better ? 'delta-better' : 'delta-worse'}>{delta.text}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
