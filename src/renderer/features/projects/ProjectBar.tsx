import { useState } from 'react';
import type { ProjectSummary } from '../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { ProjectNameDialog } from './ProjectNameDialog';
import { useCreateProject, useDeleteProject, useDuplicateProject, useRenameProject } from './queries';

type OpenDialog = 'create' | 'rename' | 'duplicate' | 'delete' | null;

interface ProjectBarProps {
  projects: readonly ProjectSummary[];
  current: ProjectSummary | null;
  /** Opens a project (after the unsaved-changes guard, which the caller applies). */
  onOpen(id: string): void;
}

/** The project picker (recent first) and the project actions, all in the header. */
export function ProjectBar({ projects, current, onOpen }: ProjectBarProps) {
  const t = useT();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const create = useCreateProject();
  const rename = useRenameProject();
  const duplicate = useDuplicateProject();
  const remove = useDeleteProject();

  function show(next: OpenDialog) {
    for (const mutation of [create, rename, duplicate, remove]) mutation.reset();
    setDialog(next);
  }
  const close = () => setDialog(null);
  function openAndClose(id: string) {
    close();
    onOpen(id);
  }

  return (
    <div className="project-bar">
      <label className="field-inline">
        <span>{t('projects.picker')}</span>
        <select
          value={current?.id ?? ''}
          onChange={(event) => onOpen(event.target.value)}
          disabled={projects.length === 0}
          data-testid="project-picker"
        >
          {projects.map((project) => (
            <option key={project.id} value={project.id}>
              {project.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => show('create')}>
        {t('projects.new')}
      </button>
      <button type="button" onClick={() => show('rename')} disabled={!current}>
        {t('projects.rename')}
      </button>
      <button type="button" onClick={() => show('duplicate')} disabled={!current}>
        {t('projects.duplicate')}
      </button>
      <button type="button" className="danger-quiet" onClick={() => show('delete')} disabled={!current}>
        {t('projects.delete')}
      </button>

      {dialog === 'create' && (
        <ProjectNameDialog
          title={t('projects.createTitle')}
          submitLabel={t('projects.create')}
          initialName=""
          busy={create.isPending}
          error={create.error}
          onCancel={close}
          onSubmit={(name) => create.mutate({ name }, { onSuccess: (project) => openAndClose(project.id) })}
        />
      )}
      {dialog === 'rename' && current && (
        <ProjectNameDialog
          title={t('projects.renameTitle', { name: current.name })}
          submitLabel={t('projects.rename')}
          initialName={current.name}
          busy={rename.isPending}
          error={rename.error}
          onCancel={close}
          onSubmit={(name) => rename.mutate({ id: current.id, name }, { onSuccess: close })}
        />
      )}
      {dialog === 'duplicate' && current && (
        <ProjectNameDialog
          title={t('projects.duplicateTitle', { name: current.name })}
          submitLabel={t('projects.duplicate')}
          initialName={t('projects.copyName', { name: current.name })}
          busy={duplicate.isPending}
          error={duplicate.error}
          onCancel={close}
          onSubmit={(name) =>
            duplicate.mutate({ id: current.id, name }, { onSuccess: (project) => openAndClose(project.id) })
          }
        />
      )}
      {dialog === 'delete' && current && (
        <ConfirmDialog
          title={t('projects.deleteTitle', { name: current.name })}
          confirmLabel={t('projects.deleteConfirm')}
          typeToConfirm={current.name}
          danger
          busy={remove.isPending}
          onCancel={close}
          onConfirm={() => remove.mutate({ id: current.id }, { onSuccess: close })}
        >
          <p>{t('projects.deleteBody', { count: current.toolCount, path: current.workspacePath })}</p>
          <ErrorMessage error={remove.error} />
        </ConfirmDialog>
      )}
    </div>
  );
}
