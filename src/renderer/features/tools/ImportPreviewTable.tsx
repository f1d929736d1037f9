import type { ToolImportResult } from '../../../shared/tools/types';
import { ProblemList } from '../../components/ProblemList';
import { useT } from '../../i18n/I18nProvider';

interface ImportPreviewTableProps {
  result: ToolImportResult;
  excluded: ReadonlySet<number>;
  onExcludedChange(excluded: ReadonlySet<number>): void;
}

/** One row per tool read, with its problems; tools with errors cannot be included. */
export function ImportPreviewTable({ result, excluded, onExcludedChange }: ImportPreviewTableProps) {
  const t = useT();

  function toggle(index: number, include: boolean) {
    const next = new Set(excluded);
    if (include) next.delete(index);
    else next.add(index);
    onExcludedChange(next);
  }

  return (
    <div className="table-scroll">
      <table className="preview-table">
        <thead>
          <tr>
            <th scope="col">{t('import.include')}</th>
            <th scope="col">{t('import.toolName')}</th>
            <th scope="col">{t('import.toolDescription')}</th>
            <th scope="col">{t('import.problems')}</th>
          </tr>
        </thead>
        <tbody>
          {result.tools.map((tool, index) => {
            const problems = result.problems.filter((problem) => problem.toolIndex === index);
            const hasErrors = problems.some((problem) => problem.severity === 'error');
            return (
              <tr key={index} className={hasErrors ? 'has-errors' : undefined} data-tool={tool.name}>
                <td>
                  <input
                    type="checkbox"
                    checked={!excluded.has(index)}
                    disabled={hasErrors}
                    title={hasErrors ? t('import.cannotInclude') : undefined}
                    aria-label={t('import.includeNamed', { name: tool.name })}
                    onChange={(event) => toggle(index, event.target.checked)}
                  />
                </td>
                <td>
                  <code>{tool.name}</code>
                </td>
                <td className="preview-description">{tool.description}</td>
                <td>{problems.length > 0 ? <ProblemList problems={problems} /> : <span className="ok">{t('import.noProblems')}</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
