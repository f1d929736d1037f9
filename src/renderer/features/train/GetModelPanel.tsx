import { useId, useState } from 'react';
import type { CatalogModel, DownloadInfo } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { formatBytes } from './format';
import { useCancelDownload, useCatalog, useDownloads, useStartDownload } from './queries';

/** "Get a model": curated bases downloaded into the shared library, with progress, cancel and resume. */
export function GetModelPanel() {
  const t = useT();
  const ids = { title: useId(), endpoint: useId() };
  const catalog = useCatalog();
  const downloads = useDownloads();
  const start = useStartDownload();
  const [endpoint, setEndpoint] = useState('');
  const latest = (uri: string): DownloadInfo | undefined => (downloads.data ?? []).filter((d) => d.uri === uri).at(-1);
  const download = (uri: string) => start.mutate({ uri, ...(endpoint.trim() ? { endpoint: endpoint.trim() } : {}) });

  return (
    <details className="panel-card get-model">
      <summary id={ids.title}>{t('train.get.title')}</summary>
      <p className="hint">{t('train.get.hint')}</p>
      <ul className="catalog" aria-labelledby={ids.title}>
        {(catalog.data ?? []).map((entry) => (
          <CatalogRow key={entry.id} entry={entry} download={latest(entry.uri)} onDownload={() => download(entry.uri)} />
        ))}
      </ul>
      <div className="field">
        <label htmlFor={ids.endpoint}>{t('train.get.endpoint')}</label>
        <input id={ids.endpoint} value={endpoint} placeholder="https://huggingface.co/" onChange={(event) => setEndpoint(event.target.value)} spellCheck={false} />
      </div>
      <ErrorMessage error={catalog.error ?? downloads.error ?? start.error} />
    </details>
  );
}

function CatalogRow({ entry, download, onDownload }: { entry: CatalogModel; download: DownloadInfo | undefined; onDownload(): void }) {
  const t = useT();
  const cancel = useCancelDownload();
  const running = download?.state === 'running';
  return (
    <li>
      <div>
        <strong>{entry.name}</strong> <span className="hint">≈{formatBytes(entry.sizeBytes)} · {entry.license} · {entry.repo}</span>
      </div>
      <div className="hint">{entry.note}</div>
      {download && (
        <div role="status">
          {running && <progress max={download.totalBytes || 1} value={download.downloadedBytes} aria-label={t('train.get.progress', { name: entry.name })} />}
          {t(`train.get.state.${download.state}`, { done: formatBytes(download.downloadedBytes), total: formatBytes(download.totalBytes) })}
          {download.message && <span className="hint"> — {download.message}</span>}
        </div>
      )}
      {running ? (
        <button type="button" onClick={() => download && cancel.mutate(download.id)}>
          {t('train.get.cancel')}
        </button>
      ) : (
        download?.state !== 'done' && (
          <button type="button" onClick={onDownload}>
            {download ? t('train.get.resume') : t('train.get.download')}
          </button>
        )
      )}
    </li>
  );
}
