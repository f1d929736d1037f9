import type { EvalResultSummary, ExportRecord } from '../../../shared/contract';
import { useT } from '../../i18n/I18nProvider';
import { ExportScores } from '../evaluate/ExportScores';
import { formatBytes } from '../train/format';

/** One export: its folder, files with hashes, the tensors that kept another type, and the quality gate's scores next to base and tuned. */
export function ExportCard({ record, gate }: { record: ExportRecord; gate: EvalResultSummary[] }) {
  const t = useT();
  return (
    <section className="panel-card export-card" aria-label={t('export.card.title', { name: record.name })}>
      <h3>
        {t('export.card.title', { name: record.name })} <span className={`state state-${record.state}`}>{t(`export.state.${record.state}`)}</span>
      </h3>
      <p className="hint">
        {t('export.card.where', { dir: record.dir })}
        {record.seconds !== null ? ` · ${Math.round(record.seconds)} s` : ''}
      </p>
      {record.message && <p className="hint">{record.message}</p>}
      {gate.length > 0 && <ExportScores projectId={record.projectId} results={gate} />}
      {record.files.length > 0 && (
        <table className="run-table" aria-label={t('export.files.title')}>
          <thead>
            <tr>
              <th>{t('export.files.name')}</th>
              <th>{t('export.files.type')}</th>
              <th>{t('export.files.size')}</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {record.files.map((file) => (
              <tr key={file.name}>
                <td>
                  <code>{file.name}</code>
                </td>
                <td>{file.quant ?? file.role}</td>
                <td>{formatBytes(file.bytes)}</td>
                <td>
                  <code title={file.sha256 ?? ''}>{file.sha256 ? `${file.sha256.slice(0, 12)}…` : ''}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {record.fallbacks.length > 0 && (
        <details>
          <summary>{t('export.fallbacks', { count: record.fallbacks.length })}</summary>
          <ul>
            {record.fallbacks.map((f) => (
              <li key={`${f.quant}/${f.tensor}`}>
                {f.quant}: <code>{f.tensor}</code> → {f.type}
              </li>
            ))}
          </ul>
        </details>
      )}
      {record.warnings.length > 0 && (
        <ul className="warnings">
          {record.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
