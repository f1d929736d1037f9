import { useState } from 'react';
import { ErrorMessage } from '../components/ErrorMessage';
import { ProjectBar } from '../features/projects/ProjectBar';
import { DataStep } from '../features/data/DataStep';
import { EvaluateStep } from '../features/evaluate/EvaluateStep';
import { ExportStep } from '../features/export/ExportStep';
import { ProjectInfo } from '../features/projects/ProjectInfo';
import { useOpenProject, useProjects } from '../features/projects/queries';
import { TestStep } from '../features/test/TestStep';
import { ToolsStep } from '../features/tools/ToolsStep';
import { TrainStep } from '../features/train/TrainStep';
import { useT } from '../i18n/I18nProvider';
import { LocaleSwitcher } from '../i18n/LocaleSwitcher';
import { ConnectionBanner } from './ConnectionBanner';
import { StepBar } from './StepBar';
import type { StepId } from './steps';
import { useUnsavedChanges } from './UnsavedChanges';
import { useLiveQueries } from './useLiveQueries';

export function App() {
  useLiveQueries();
  const t = useT();
  const projects = useProjects();
  const openProject = useOpenProject();
  const { guard } = useUnsavedChanges();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [step, setStep] = useState<StepId>('tools');

  const list = projects.data ?? [];
  // Without an explicit choice (first load, or the chosen project was deleted) the most recent one opens.
  const current = list.find((project) => project.id === selectedId) ?? list[0] ?? null;

  function open(id: string) {
    guard(() => {
      setSelectedId(id);
      openProject.mutate({ id });
    });
  }

  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">{t('app.name')}</span>
        <ProjectBar projects={list} current={current} onOpen={open} />
        <LocaleSwitcher />
      </header>
      <ConnectionBanner />
      <StepBar current={step} onSelect={(next) => guard(() => setStep(next))} />
      <main className="app-main">
        <ErrorMessage error={projects.error ?? openProject.error} />
        {projects.isPending ? (
          <p className="hint">{t('common.loading')}</p>
        ) : current ? (
          <>
            <ProjectInfo project={current} />
            {step === 'tools' ? (
              <ToolsStep key={current.id} project={current} />
            ) : step === 'data' ? (
              <DataStep key={current.id} project={current} />
            ) : step === 'train' ? (
              <TrainStep key={current.id} project={current} />
            ) : step === 'evaluate' ? (
              <EvaluateStep key={current.id} project={current} />
            ) : step === 'export' ? (
              <ExportStep key={current.id} project={current} />
            ) : (
              <TestStep key={current.id} project={current} />
            )}
          </>
        ) : (
          <p className="empty">{t('projects.none')}</p>
        )}
      </main>
    </div>
  );
}
