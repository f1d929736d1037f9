import type { CountEntry } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { MessageKey } from '../../i18n/catalogs';
import { useT } from '../../i18n/I18nProvider';
import { BarChart, type Bar } from './BarChart';
import { CHECK_LABELS, KIND_LABELS, labelOf, STATUS_LABELS } from './labels';
import { useDataStats } from './queries';

/** The mix and balance of the project's samples, with the warnings main found. */
export function DataCharts({ projectId }: { projectId: string }) {
  const t = useT();
  const stats = useDataStats(projectId);
  const bars = (entries: readonly CountEntry[], labels?: Record<string, MessageKey>): Bar[] =>
    entries.map(({ key, count }) => ({ key, count, label: labels ? labelOf(labels, key, t) : key }));

  if (!stats.data) return stats.error ? <ErrorMessage error={stats.error} /> : <p className="hint">{t('common.loading')}</p>;
  const data = stats.data;
  return (
    <section className="data-charts" aria-label={t('data.tab.charts')}>
      <p>{t('data.charts.total', { count: data.total })}</p>
      <div className="chart-grid">
        <BarChart title={t('data.charts.byKind')} bars={bars(data.byKind, KIND_LABELS)} />
        <BarChart title={t('data.charts.byTool')} bars={bars(data.byTool)} />
        <BarChart title={t('data.charts.byStatus')} bars={bars(data.byStatus, STATUS_LABELS)} />
        <BarChart title={t('data.charts.byFailedCheck')} bars={bars(data.byFailedCheck, CHECK_LABELS)} tone="danger" />
      </div>
      <section className="balance-warnings" aria-label={t('data.charts.warnings')}>
        <h3>{t('data.charts.warnings')}</h3>
        {data.warnings.length === 0 ? (
          <p className="ok">{t('data.charts.noWarnings')}</p>
        ) : (
          <ul className="problems">
            {data.warnings.map((warning, index) => (
              <li key={index} className="problem problem-warning">
                <span className="problem-severity">{t('problem.warning')}</span>
                {warning.tool && <span className="problem-tool">{warning.argument ? `${warning.tool}.${warning.argument}` : warning.tool}</span>}
                <span className="problem-message">{warning.message}</span>
              </li>
            ))}
          </ul>
        )}
        {data.duplicates.length > 0 && (
          <p className="hint">{t('data.charts.duplicates', { groups: data.duplicates.length, samples: data.duplicates.reduce((sum, group) => sum + group.sampleIds.length, 0) })}</p>
        )}
      </section>
    </section>
  );
}
