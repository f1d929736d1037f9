import { useState } from 'react';
import type { ProjectSummary } from '../../../shared/contract';
import { useUnsavedChanges } from '../../app/UnsavedChanges';
import { useT } from '../../i18n/I18nProvider';
import { DataCharts } from './DataCharts';
import { GenerateDialog } from './GenerateDialog';
import { ImportDialog } from './ImportDialog';
import { useLiveDataQueries } from './queries';
import { ReviewPanel } from './ReviewPanel';
import { VersionsPanel } from './VersionsPanel';

const TABS = ['review', 'charts', 'versions'] as const;
type Tab = (typeof TABS)[number];

/** The Data step: make samples (generate, import), review them, then split, freeze and export. */
export function DataStep({ project }: { project: ProjectSummary }) {
  const t = useT();
  const projectId = project.id;
  useLiveDataQueries(projectId);
  const { guard } = useUnsavedChanges();
  const [tab, setTab] = useState<Tab>('review');
  const [dialog, setDialog] = useState<'generate' | 'import' | null>(null);
  const [status, setStatus] = useState('');

  return (
    <section className="data-step" aria-labelledby="data-step-title">
      <div className="toolbar">
        <h2 id="data-step-title">{t('data.title')}</h2>
        <div className="toolbar-actions">
          <button type="button" className="primary" onClick={() => setDialog('generate')} disabled={project.toolCount === 0} title={project.toolCount === 0 ? t('data.needsTools') : undefined}>
            {t('data.generate.open')}
          </button>
          <button type="button" onClick={() => setDialog('import')}>
            {t('data.import.open')}
          </button>
        </div>
      </div>
      <p className="status" role="status" aria-live="polite">
        {status}
      </p>
      <div className="tabs" role="tablist" aria-label={t('data.tabs')}>
        {TABS.map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`data-tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`data-panel-${id}`}
            onClick={() => guard(() => setTab(id))}
          >
            {t(`data.tab.${id}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`data-panel-${tab}`} aria-labelledby={`data-tab-${tab}`} className="tab-panel">
        {tab === 'review' && <ReviewPanel projectId={projectId} onStatus={setStatus} />}
        {tab === 'charts' && <DataCharts projectId={projectId} />}
        {tab === 'versions' && <VersionsPanel projectId={projectId} onStatus={setStatus} />}
      </div>

      {dialog === 'generate' && (
        <GenerateDialog
          projectId={projectId}
          onClose={() => setDialog(null)}
          onFinished={(progress) => {
            setDialog(null);
            setStatus(t(progress.state === 'done' ? 'data.generate.done' : 'data.generate.stopped', { count: progress.done }));
          }}
        />
      )}
      {dialog === 'import' && (
        <ImportDialog
          projectId={projectId}
          onClose={() => setDialog(null)}
          onImported={(summary) => {
            setDialog(null);
            setStatus(t('data.import.done', { count: summary.imported }));
          }}
        />
      )}
    </section>
  );
}
