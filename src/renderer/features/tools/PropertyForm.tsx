import type { JsonSchemaObject, ToolProblem } from '../../../shared/tools/types';
import { appendPointer } from '../../../shared/tools/jsonPointer';
import { CommitOnBlurInput } from '../../components/CommitOnBlurInput';
import { ProblemList } from '../../components/ProblemList';
import { useT } from '../../i18n/I18nProvider';
import type { PropertyChange, PropertyRow, SimpleType } from './parameterModel';
import { addProperty, changeProperty, parseEnumText, parseScalar, propertyRows, removeProperty, renameProperty, SIMPLE_TYPES } from './parameterModel';

interface PropertyFormProps {
  parameters: JsonSchemaObject;
  problems: readonly ToolProblem[];
  disabled: boolean;
  onChange(parameters: JsonSchemaObject): void;
}

export function propertyPointer(name: string): string {
  return appendPointer('', 'properties', name);
}

function problemsFor(problems: readonly ToolProblem[], name: string): ToolProblem[] {
  const pointer = propertyPointer(name);
  return problems.filter((problem) => problem.pointer === pointer || problem.pointer.startsWith(`${pointer}/`));
}

/** The simple view of the parameters schema: one card per property. */
export function PropertyForm({ parameters, problems, disabled, onChange }: PropertyFormProps) {
  const t = useT();
  const rows = propertyRows(parameters);

  function add() {
    const added = addProperty(parameters, 'new_property');
    onChange(added.parameters);
    // Put the user straight into the new property's name once React has drawn it.
    requestAnimationFrame(() => document.getElementById(`property-name-${added.name}`)?.focus());
  }

  return (
    <fieldset className="property-form" disabled={disabled}>
      <legend>{t('editor.properties')}</legend>
      {rows.length === 0 && <p className="hint">{t('editor.noProperties')}</p>}
      {rows.map((row, index) => (
        // Keyed by position so that renaming a property keeps focus where the user is.
        <PropertyCard
          key={index}
          row={row}
          problems={problemsFor(problems, row.name)}
          onChange={(change) => onChange(changeProperty(parameters, row.name, change))}
          onRename={(to) => onChange(renameProperty(parameters, row.name, to))}
          onRemove={() => onChange(removeProperty(parameters, row.name))}
          nameTaken={(to) => to !== row.name && rows.some((other) => other.name === to)}
        />
      ))}
      <button type="button" onClick={add}>
        {t('editor.addProperty')}
      </button>
    </fieldset>
  );
}

interface PropertyCardProps {
  row: PropertyRow;
  problems: readonly ToolProblem[];
  onChange(change: PropertyChange): void;
  onRename(name: string): void;
  onRemove(): void;
  nameTaken(name: string): boolean;
}

function PropertyCard({ row, problems, onChange, onRename, onRemove, nameTaken }: PropertyCardProps) {
  const t = useT();
  const { type } = row;
  return (
    <div className="property-card" role="group" aria-label={t('editor.propertyGroup', { name: row.name })} data-property={row.name}>
      <div className="property-line">
        <label className="field">
          <span>{t('editor.propertyName')}</span>
          <CommitOnBlurInput
            id={`property-name-${row.name}`}
            value={row.name}
            check={(text) => (text.trim() === '' ? t('editor.nameRequired') : nameTaken(text.trim()) ? t('editor.nameTaken') : null)}
            onCommit={(text) => onRename(text.trim())}
          />
        </label>
        <label className="field">
          <span>{t('editor.propertyType')}</span>
          {type ? (
            <select value={type} onChange={(event) => onChange({ field: 'type', value: event.target.value as SimpleType })}>
              {SIMPLE_TYPES.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          ) : (
            <span className="hint">{t('editor.complexType')}</span>
          )}
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={row.required} onChange={(event) => onChange({ field: 'required', value: event.target.checked })} />
          <span>{t('editor.required')}</span>
        </label>
        <button type="button" className="danger-quiet" onClick={onRemove} aria-label={t('editor.removePropertyNamed', { name: row.name })}>
          {t('editor.removeProperty')}
        </button>
      </div>
      <label className="field">
        <span>{t('editor.propertyDescription')}</span>
        <input value={row.description} onChange={(event) => onChange({ field: 'description', value: event.target.value })} />
      </label>
      {type && (
        <div className="property-line">
          <label className="field">
            <span>{t('editor.enumValues')}</span>
            <CommitOnBlurInput
              value={row.enumText}
              placeholder={t('editor.enumPlaceholder')}
              check={(text) => (parseEnumText(text, type) ? null : t('editor.valueNotType', { type }))}
              onCommit={(text) => onChange({ field: 'enumText', value: text })}
            />
          </label>
          <label className="field">
            <span>{t('editor.defaultValue')}</span>
            <CommitOnBlurInput
              value={row.defaultText}
              check={(text) => (text.trim() === '' || parseScalar(text, type) !== undefined ? null : t('editor.valueNotType', { type }))}
              onCommit={(text) => onChange({ field: 'defaultText', value: text })}
            />
          </label>
        </div>
      )}
      <ProblemList problems={problems} />
    </div>
  );
}
