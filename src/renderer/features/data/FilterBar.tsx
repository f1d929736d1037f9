import { useEffect, useId, useState } from 'react';
import { SAMPLE_STATUSES, type SampleFilter } from '../../../shared/contract';
import { SAMPLE_KINDS } from '../../../shared/data/conversation';
import { useDebouncedValue } from '../../app/useDebouncedValue';
import { useT } from '../../i18n/I18nProvider';
import { useTools } from '../tools/queries';
import { CHECK_LABELS, CHECK_NAMES, KIND_LABELS, STATUS_LABELS } from './labels';

type ChoiceKey = Exclude<keyof SampleFilter, 'text'>;

/** A copy with `key` set, or without it for '' ("any"): absent keys must not be sent as undefined. */
function withChoice(filter: SampleFilter, key: keyof SampleFilter, value: string): SampleFilter {
  const next: Record<string, string> = { ...filter };
  if (value === '') delete next[key];
  else next[key] = value;
  return next as SampleFilter;
}

/** The table's filters; the text search applies once the user pauses typing. */
export function FilterBar({ projectId, filter, onChange }: { projectId: string; filter: SampleFilter; onChange(filter: SampleFilter): void }) {
  const t = useT();
  const searchId = useId();
  const tools = useTools(projectId);
  const [text, setText] = useState(filter.text ?? '');
  const settled = useDebouncedValue(text.trim().slice(0, 200), 250);

  useEffect(() => {
    if (settled !== (filter.text ?? '')) onChange(withChoice(filter, 'text', settled));
  }, [settled, filter, onChange]);

  const choice = (key: ChoiceKey, label: string, options: readonly { value: string; label: string }[]) => (
    <label className="filter">
      <span>{label}</span>
      <select value={filter[key] ?? ''} onChange={(event) => onChange(withChoice(filter, key, event.target.value))}>
        <option value="">{t('data.filter.any')}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="filter-bar" role="search" aria-label={t('data.filter.label')}>
      <label className="filter filter-search" htmlFor={searchId}>
        <span>{t('data.filter.text')}</span>
        <input id={searchId} type="search" value={text} placeholder={t('data.filter.textPlaceholder')} onChange={(event) => setText(event.target.value)} />
      </label>
      {choice('tool', t('data.filter.tool'), (tools.data ?? []).map((tool) => ({ value: tool.name, label: tool.name })))}
      {choice('kind', t('data.filter.kind'), [...SAMPLE_KINDS, 'unknown' as const].map((kind) => ({ value: kind, label: t(KIND_LABELS[kind]) })))}
      {choice('status', t('data.filter.status'), SAMPLE_STATUSES.map((status) => ({ value: status, label: t(STATUS_LABELS[status]) })))}
      {choice('failedCheck', t('data.filter.failedCheck'), [
        { value: 'any', label: t('data.filter.anyFailure') },
        ...CHECK_NAMES.map((check) => ({ value: check, label: t(CHECK_LABELS[check]) })),
      ])}
      {choice('split', t('data.filter.split'), [
        { value: 'train', label: t('data.split.train') },
        { value: 'eval', label: t('data.split.eval') },
        { value: 'none', label: t('data.split.none') },
      ])}
    </div>
  );
}
