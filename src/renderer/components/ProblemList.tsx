import type { ToolProblem } from '../../shared/tools/types';
import { useT } from '../i18n/I18nProvider';

/** Problems as the user can act on them: severity, where (JSON pointer) and what. */
export function ProblemList({ problems, showToolName = false }: { problems: readonly ToolProblem[]; showToolName?: boolean }) {
  const t = useT();
  if (problems.length === 0) return null;
  return (
    <ul className="problems">
      {problems.map((problem, index) => (
        <li key={index} className={`problem problem-${problem.severity}`}>
          <span className="problem-severity">
            {problem.severity === 'error' ? t('problem.error') : t('problem.warning')}
          </span>
          {showToolName && problem.toolName && <span className="problem-tool">{problem.toolName}</span>}
          <code className="problem-pointer" title={t('problem.pointerHint')}>
            {problem.pointer === '' ? t('problem.wholeTool') : problem.pointer}
          </code>
          <span className="problem-message">{problem.message}</span>
        </li>
      ))}
    </ul>
  );
}
