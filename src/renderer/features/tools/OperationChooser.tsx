import { useId, useState } from 'react';
import { operationFacets, type OperationFilter } from '../../../shared/tools/operationFilter';
import type { ToolDefinition } from '../../../shared/tools/types';
import { useT } from '../../i18n/I18nProvider';

/** Chooses OpenAPI operations by tag, path prefix and method; the preview below follows the choice. */
export function OperationChooser({ tools, filter, onChange }: { tools: readonly ToolDefinition[]; filter: OperationFilter; onChange(filter: OperationFilter): void }) {
  const t = useT();
  const ids = { title: useId(), prefix: useId() };
  const facets = operationFacets(tools);
  // The text as typed: re-joining the parsed prefixes would swallow the space before the next one.
  const [prefixText, setPrefixText] = useState(filter.pathPrefixes.join(' '));
  return (
    <fieldset className="operation-chooser" aria-labelledby={ids.title}>
      <legend id={ids.title}>{t('import.operations.title')}</legend>
      {facets.tags.length > 0 && (
        <FacetGroup label={t('import.operations.tags')} facets={facets.tags} chosen={filter.tags} onChange={(tags) => onChange({ ...filter, tags })} />
      )}
      <FacetGroup label={t('import.operations.methods')} facets={facets.methods} chosen={filter.methods} onChange={(methods) => onChange({ ...filter, methods })} />
      <div className="field">
        <label htmlFor={ids.prefix}>{t('import.operations.prefix')}</label>
        <input
          id={ids.prefix}
          value={prefixText}
          placeholder="/api/lights /api/scenes"
          spellCheck={false}
          onChange={(event) => {
            setPrefixText(event.target.value);
            onChange({ ...filter, pathPrefixes: event.target.value.split(/\s+/).filter((prefix) => prefix !== '') });
          }}
        />
      </div>
      <p className="hint">{t('import.operations.hint')}</p>
    </fieldset>
  );
}

/** One kind of choice (tags, methods): a checkbox per value, with how many operations have it. */
function FacetGroup({ label, facets, chosen, onChange }: { label: string; facets: Array<[string, number]>; chosen: readonly string[]; onChange(values: string[]): void }) {
  return (
    <div className="chooser-row" role="group" aria-label={label}>
      <span className="hint">{label}</span>
      {facets.map(([value, count]) => (
        <label key={value} className="field-inline">
          <input
            type="checkbox"
            checked={chosen.includes(value)}
            onChange={(event) => onChange(event.target.checked ? [...chosen, value] : chosen.filter((v) => v !== value))}
          />
          <span>
            {value} ({count})
          </span>
        </label>
      ))}
    </div>
  );
}
