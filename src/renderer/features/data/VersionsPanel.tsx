import { useId, useState } from 'react';
import { DATA_EXPORT_FORMATS, type DataExportFormat } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useI18n } from '../../i18n/I18nProvider';
import { downloadText } from '../tools/downloadText';
import { FORMAT_LABELS } from './labels';
import { useExportData, useFreeze, useSplit, useVersions } from './queries';

const HASH_SHOWN = 12;

/** Split, freeze and export: the path from reviewed samples to an immutable training set. */
export function VersionsPanel({ projectId, onStatus }: { projectId: string; onStatus(message: string): void }) {
  return (
    <div className="versions-panel">
      <SplitForm projectId={projectId} onStatus={onStatus} />
      <FreezeForm projectId={projectId} onStatus={onStatus} />
      <VersionList projectId={projectId} />
      <ExportForm projectId={projectId} onStatus={onStatus} />
    </div>
  );
}

function SplitForm({ projectId, onStatus }: { projectId: string; onStatus(message: string): void }) {
  const { t } = useI18n();
  const ids = { fraction: useId(), seed: useId() };
  const [percent, setPercent] = useState(10);
  const [seed, setSeed] = useState(1);
  const split = useSplit(projectId);
  const valid = Number.isFinite(percent) && percent >= 0 && percent <= 90 && Number.isInteger(seed) && seed >= 0;
  return (
    <form
      className="panel-card"
      aria-labelledby={`${ids.fraction}-title`}
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) split.mutate({ evalFraction: percent / 100, seed }, { onSuccess: (result) => onStatus(t('data.split.done', result)) });
      }}
    >
      <h3 id={`${ids.fraction}-title`}>{t('data.split.title')}</h3>
      <p className="hint">{t('data.split.hint')}</p>
      <div className="field-row">
        <div className="field">
          <label htmlFor={ids.fraction}>{t('data.split.evalPercent')}</label>
          <input id={ids.fraction} type="number" min={0} max={90} step={1} value={percent} onChange={(event) => setPercent(event.target.valueAsNumber)} />
        </div>
        <div className="field">
          <label htmlFor={ids.seed}>{t('data.seed')}</label>
          <input id={ids.seed} type="number" min={0} value={seed} onChange={(event) => setSeed(event.target.valueAsNumber)} />
        </div>
        <button type="submit" className="primary" disabled={!valid || split.isPending}>
          {t('data.split.run')}
        </button>
      </div>
      <ErrorMessage error={split.error} />
    </form>
  );
}

function FreezeForm({ projectId, onStatus }: { projectId: string; onStatus(message: string): void }) {
  const { t } = useI18n();
  const nameId = useId();
  const [name, setName] = useState('');
  const freeze = useFreeze(projectId);
  return (
    <form
      className="panel-card"
      aria-labelledby={`${nameId}-title`}
      onSubmit={(event) => {
        event.preventDefault();
        const trimmed = name.trim();
        if (!trimmed) return;
        freeze.mutate(trimmed, {
          onSuccess: (version) => {
            setName('');
            onStatus(t('data.versions.frozen', { name: version.name, count: version.sampleCount }));
          },
        });
      }}
    >
      <h3 id={`${nameId}-title`}>{t('data.versions.freezeTitle')}</h3>
      <p className="hint">{t('data.versions.freezeHint')}</p>
      <div className="field-row">
        <div className="field">
          <label htmlFor={nameId}>{t('data.versions.name')}</label>
          <input id={nameId} value={name} maxLength={80} onChange={(event) => setName(event.target.value)} autoComplete="off" />
        </div>
        <button type="submit" className="primary" disabled={!name.trim() || freeze.isPending}>
          {t('data.versions.freeze')}
        </button>
      </div>
      <ErrorMessage error={freeze.error} />
    </form>
  );
}

function VersionList({ projectId }: { projectId: string }) {
  const { t, locale } = useI18n();
  const versions = useVersions(projectId);
  const list = versions.data ?? [];
  return (
    <section className="panel-card" aria-label={t('data.versions.title')}>
      <h3>{t('data.versions.title')}</h3>
      <ErrorMessage error={versions.error} />
      {list.length === 0 ? (
        <p className="hint">{t('data.versions.none')}</p>
      ) : (
        <table className="preview-table versions-table">
          <thead>
            <tr>
              <th scope="col">{t('data.versions.name')}</th>
              <th scope="col">{t('data.versions.created')}</th>
              <th scope="col">{t('data.versions.hash')}</th>
              <th scope="col" className="num">{t('data.versions.samples')}</th>
              <th scope="col" className="num">{t('data.split.train')}</th>
              <th scope="col" className="num">{t('data.split.eval')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((version) => (
              <tr key={version.id} data-version={version.name}>
                <td>{version.name}</td>
                <td>{new Date(version.createdAt).toLocaleString(locale)}</td>
                <td>
                  <code title={version.contentHash}>{version.contentHash.slice(0, HASH_SHOWN)}</code>
                </td>
                <td className="num">{version.sampleCount}</td>
                <td className="num">{version.trainCount}</td>
                <td className="num">{version.evalCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ExportForm({ projectId, onStatus }: { projectId: string; onStatus(message: string): void }) {
  const { t } = useI18n();
  const ids = { format: useId(), version: useId() };
  const versions = useVersions(projectId);
  const [format, setFormat] = useState<DataExportFormat>('openai');
  const [versionId, setVersionId] = useState('');
  const exporter = useExportData(projectId);
  return (
    <form
      className="panel-card"
      aria-labelledby={`${ids.format}-title`}
      onSubmit={(event) => {
        event.preventDefault();
        exporter.mutate(
          { format, versionId: versionId || null },
          {
            onSuccess: (exported) => {
              // Companion files (dataset_info.json, BFCL answers) download next to the main file.
              for (const file of [exported, ...exported.extraFiles]) downloadText(file.fileName, file.text);
              onStatus(t('tools.exported', { fileName: [exported, ...exported.extraFiles].map((file) => file.fileName).join(', ') }));
            },
          },
        );
      }}
    >
      <h3 id={`${ids.format}-title`}>{t('data.export.title')}</h3>
      <div className="field-row">
        <div className="field">
          <label htmlFor={ids.format}>{t('data.export.format')}</label>
          <select id={ids.format} value={format} onChange={(event) => setFormat(event.target.value as DataExportFormat)}>
            {DATA_EXPORT_FORMATS.map((option) => (
              <option key={option} value={option}>
                {t(FORMAT_LABELS[option])}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.version}>{t('data.export.version')}</label>
          <select id={ids.version} value={versionId} onChange={(event) => setVersionId(event.target.value)}>
            <option value="">{t('data.export.current')}</option>
            {(versions.data ?? []).map((version) => (
              <option key={version.id} value={version.id}>
                {version.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={exporter.isPending}>
          {t('data.export.run')}
        </button>
      </div>
      <ErrorMessage error={exporter.error} />
    </form>
  );
}
