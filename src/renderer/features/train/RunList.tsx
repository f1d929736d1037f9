import type { TrainingRun } from '../../../shared/contract';
import { useT } from '../../i18n/I18nProvider';
import { formatLoss } from './format';
import { runStateKey } from './runState';

/** The project's runs side by side: settings and losses, newest first; a row opens the run. */
export function RunList({ runs, selectedId, onSelect }: { runs: TrainingRun[]; selectedId: string | null; onSelect(runId: string): void }) {
  const t = useT();
  if (runs.length === 0) return <p className="hint">{t('train.runs.none')}</p>;
  return (
    <table className="run-table">
      <caption className="visually-hidden">{t('train.runs.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('train.runs.run')}</th>
          <th scope="col">{t('train.runs.state')}</th>
          <th scope="col">{t('train.runs.step')}</th>
          <th scope="col">{t('train.runs.loss')}</th>
          <th scope="col">{t('train.runs.valLoss')}</th>
          <th scope="col">{t('train.runs.settings')}</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id} aria-selected={run.id === selectedId} className={run.id === selectedId ? 'selected' : undefined}>
            <th scope="row">
              <button type="button" className="link" onClick={() => onSelect(run.id)}>
                {t('train.runs.name', { seq: run.seq })}
              </button>
            </th>
            <td data-state={run.state}>{t(runStateKey(run))}</td>
            <td>
              {run.step}/{run.totalSteps || '—'}
            </td>
            <td>{formatLoss(run.loss)}</td>
            <td>{formatLoss(run.valLoss)}</td>
            <td className="hint">
              r{run.settings.rank} α{run.settings.alpha} lr {run.settings.learningRate} · {run.settings.contextLength} tok · {run.settings.targets.length} targets
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
