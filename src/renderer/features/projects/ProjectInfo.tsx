import type { ProjectSummary } from '../../../shared/contract';
import { useT } from '../../i18n/I18nProvider';

/** Where the project's tools may read and write files: worth seeing before running any of them. */
export function ProjectInfo({ project }: { project: ProjectSummary }) {
  const t = useT();
  return (
    <div className="project-info">
      <h1 className="project-title">{project.name}</h1>
      <span className="hint">{t('projects.toolCount', { count: project.toolCount })}</span>
      <span className="workspace">
        {t('projects.workspace')} <code data-testid="workspace-path">{project.workspacePath}</code>
      </span>
    </div>
  );
}
