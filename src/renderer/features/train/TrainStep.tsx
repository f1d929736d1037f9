import { useState } from 'react';
import type { ProjectSummary } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { BasePanel } from './BasePanel';
import { GetModelPanel } from './GetModelPanel';
import { HardwarePanel } from './HardwarePanel';
import { ImportAdapterPanel } from './ImportAdapterPanel';
import { useLiveTrainQueries, useRun, useRuns } from './queries';
import { RunForm } from './RunForm';
import { RunList } from './RunList';
import { RunView } from './RunView';

/** The Train step: pick a base, start LoRA runs on a frozen dataset version, watch, stop, resume and compare them. */
export function TrainStep({ project }: { project: ProjectSummary }) {
  const t = useT();
  const projectId = project.id;
  useLiveTrainQueries(projectId);
  const runs = useRuns(projectId);
  const [selected, setSelected] = useState<string | null>(null);
  const runId = selected ?? runs.data?.[0]?.id ?? null;
  const run = useRun(projectId, runId);

  return (
    <section className="train-step" aria-labelledby="train-step-title">
      <div className="toolbar">
        <h2 id="train-step-title">{t('train.title')}</h2>
      </div>
      <div className="train-columns">
        <div className="train-setup">
          <BasePanel projectId={projectId} />
          <GetModelPanel />
          <RunForm projectId={projectId} onStarted={setSelected} />
          <ImportAdapterPanel projectId={projectId} onImported={setSelected} />
          <HardwarePanel />
        </div>
        <div className="train-runs">
          <section className="panel-card" aria-labelledby="train-runs-title">
            <h3 id="train-runs-title">{t('train.runs.title')}</h3>
            <RunList runs={runs.data ?? []} selectedId={runId} onSelect={setSelected} />
            <ErrorMessage error={runs.error ?? run.error} />
          </section>
          {run.data && <RunView projectId={projectId} run={run.data} onStarted={setSelected} />}
        </div>
      </div>
    </section>
  );
}
