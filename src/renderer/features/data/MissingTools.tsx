import { useState } from 'react';
import type { ToolDefinition } from '../../../shared/tools/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { useImportMissingTools } from './queries';

/** OpenAI `tools` JSON, the format the Tools import reads most directly. */
function openAiToolsText(tools: readonly ToolDefinition[]): string {
  return JSON.stringify(tools.map(({ name, description, parameters }) => ({ type: 'function', function: { name, description, parameters } })));
}

/** Tools the imported samples call that the project lacks, offered for import in one click. */
export function MissingTools({ projectId, tools }: { projectId: string; tools: readonly ToolDefinition[] }) {
  const t = useT();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(tools.map((tool) => tool.name)));
  const importTools = useImportMissingTools(projectId);
  const picked = tools.filter((tool) => chosen.has(tool.name));

  function toggle(name: string, on: boolean) {
    const next = new Set(chosen);
    if (on) next.add(name);
    else next.delete(name);
    setChosen(next);
  }

  if (importTools.isSuccess) {
    return <p className="ok">{t('data.import.toolsAdded', { count: importTools.data.imported.length })}</p>;
  }
  return (
    <section className="missing-tools" aria-label={t('data.import.missingTools')}>
      <h3>{t('data.import.missingTools')}</h3>
      <p className="hint">{t('data.import.missingToolsHint')}</p>
      <ul>
        {tools.map((tool) => (
          <li key={tool.name}>
            <label className="checkbox">
              <input type="checkbox" checked={chosen.has(tool.name)} onChange={(event) => toggle(tool.name, event.target.checked)} />
              <code>{tool.name}</code>
            </label>
            <span className="hint"> {tool.description}</span>
          </li>
        ))}
      </ul>
      <ErrorMessage error={importTools.error} />
      <button type="button" disabled={picked.length === 0 || importTools.isPending} onClick={() => importTools.mutate(openAiToolsText(picked))}>
        {t('data.import.addTools', { count: picked.length })}
      </button>
    </section>
  );
}
