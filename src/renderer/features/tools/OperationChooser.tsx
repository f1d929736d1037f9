import { useId } from 'react';
import { operationFacets, type OperationFilter } from '../../../shared/tools/operationFilter';
import type { ToolDefinition } from '../../../shared/tools/types';
import { useT } from '../../i18n/I18nProvider';

/** Chooses OpenAPI operations by tag, path prefix and method; the preview below follows the choice. */
export function OperationChooser({ tools, filter, onChange }: { tools: readonly ToolDefinition[]; filter: OperationFilter; onChange(filter: OperationFilter): void }) {
  const t = useT();
  const ids = { title: useId(), prefix: useId() };
  const facets = operationFacets(tools);
  const toggle = (values: readonly string[], value: string, on: boolean) => (on ? [...values, value] : values.filter((v) => v !== value));
  return (
    <fieldset className="operation-chooser" aria-labelledby={ids.title}>
      <legend id={ids.title}>{t('import.operations.title')}</legend>
      {facets.tags.length > 0 && (
        <div className="chooser-row" role="group" aria-label={t('import.operations.tags')}>
          <span className="hint">{t('import.operations.tags')}</span>
          {facets.tags.map(([tag, count]) => (
            <label key={tag} className="field-inline">
              <input type="checkbox" checked={filter.tags.includes(tag)} onChange={(event) => onChange({ ...filter, tags: toggle(filter.tags, tag, event.target.checked) })} />
              <span>
                {tag} ({count})
              </span>
            </label>
          ))}
        </div>
      )}
      <div className="chooser-row" role="group" aria-label={t('import.operations.methods')}>
        <span className="hint">{t('import.operations.methods')}</span>
        {facets.methods.map(([method, count]) => (
          <label key={method} className="field-inline">
            <input type="checkbox" checked={filter.methods.includes(method)} onChange={(event) => onChange({ ...filter, methods: toggle(filter.methods, method, event.target.checked) })} />
            <span>
              {method} ({count})
            </span>
          </label>
        ))}
      </div>
      <div className="field">
        <label htmlFor={ids.prefix}>{t('import.operations.prefix')}</label>
        <input
          id={ids.prefix}
          value={filter.pathPrefixes.join(' ')}
          placeholder="/api/lights /api/scenes"
          spellCheck={false}
          onChange={(event) => onChange({ ...filter, pathPrefixes: event.target.value.split(/\s+/).filter((prefix) => prefix !== '') })}
        />
      </div>
      <p className="hint">{t('import.operations.hint')}</p>
    </fieldset>
  );
}
