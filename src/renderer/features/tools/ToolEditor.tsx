import { useEffect, useId, useMemo, useState } from 'react';
import type { StoredTool } from '../../../shared/contract';
import type { JsonSchemaObject, ToolDefinition, ToolProblem } from '../../../shared/tools/types';
import { useDebouncedValue } from '../../app/useDebouncedValue';
import { useUnsavedChanges } from '../../app/UnsavedChanges';
import { ErrorMessage } from '../../components/ErrorMessage';
import { EditorActions } from '../../components/EditorActions';
import { ProblemList } from '../../components/ProblemList';
import { useT } from '../../i18n/I18nProvider';
import { PropertyForm, propertyPointer } from './PropertyForm';
import { useCreateTool, useToolValidation, useUpdateTool } from './queries';

interface ToolEditorProps {
  projectId: string;
  /** null for a new tool. */
  tool: StoredTool | null;
  onSaved(tool: StoredTool): void;
  onClose(): void;
}

const EMPTY_PARAMETERS: JsonSchemaObject = { type: 'object', properties: {} };

function formatJson(value: JsonSchemaObject): string {
  return JSON.stringify(value, null, 2);
}

/** Problems are shown where they belong: about the tool, about one property, or about the schema. */
function groupProblems(problems: readonly ToolProblem[], propertyNames: readonly string[]) {
  const isPropertyProblem = (problem: ToolProblem) =>
    propertyNames.some((name) => {
      const pointer = propertyPointer(name);
      return problem.pointer === pointer || problem.pointer.startsWith(`${pointer}/`);
    });
  return {
    tool: problems.filter((problem) => problem.pointer === ''),
    schema: problems.filter((problem) => problem.pointer !== '' && !isPropertyProblem(problem)),
  };
}

export function ToolEditor({ projectId, tool, onSaved, onClose }: ToolEditorProps) {
  const t = useT();
  const ids = { name: useId(), description: useId(), json: useId() };
  const initial = useMemo(() => {
    const parameters = tool?.parameters ?? EMPTY_PARAMETERS;
    return { name: tool?.name ?? '', description: tool?.description ?? '', json: formatJson(parameters) };
  }, [tool]);
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [parameters, setParameters] = useState<JsonSchemaObject>(tool?.parameters ?? EMPTY_PARAMETERS);
  const [jsonText, setJsonText] = useState(initial.json);
  const [jsonError, setJsonError] = useState<string | null>(null);

  const dirty = name !== initial.name || description !== initial.description || jsonText !== initial.json;
  const { setDirty, guard } = useUnsavedChanges();
  useEffect(() => {
    setDirty(dirty);
    return () => setDirty(false);
  }, [dirty, setDirty]);

  // The form and the JSON text are two views of one schema: each edit updates the other.
  function editParameters(next: JsonSchemaObject) {
    setParameters(next);
    setJsonText(formatJson(next));
    setJsonError(null);
  }
  function editJson(text: string) {
    setJsonText(text);
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(t('editor.jsonNotObject'));
      setParameters(parsed as JsonSchemaObject);
      setJsonError(null);
    } catch (error) {
      setJsonError(error instanceof Error ? error.message : String(error));
    }
  }

  const draft: ToolDefinition | null = useMemo(() => {
    if (jsonError) return null;
    const definition: ToolDefinition = { name, description, parameters };
    return tool?.binding ? { ...definition, binding: tool.binding } : definition;
  }, [name, description, parameters, jsonError, tool]);
  const create = useCreateTool(projectId);
  const update = useUpdateTool(projectId);
  const save = tool ? update : create;
  const validatedDraft = useDebouncedValue(draft, 300);
  const validation = useToolValidation(projectId, tool?.id, validatedDraft);
  const problems = validation.data ?? [];
  const upToDate = validatedDraft === draft && !validation.isFetching && validation.isSuccess;
  const hasErrors = problems.some((problem) => problem.severity === 'error');
  // Main validates again on save, so only errors known for this very draft block the button.
  const saveBlocked = !draft || save.isPending || (upToDate && hasErrors);

  const propertyNames = Object.keys((parameters['properties'] as object | undefined) ?? {});
  const grouped = groupProblems(problems, propertyNames);

  function submit() {
    if (!draft || saveBlocked) return;
    const onSuccess = (saved: StoredTool) => {
      setDirty(false);
      onSaved(saved);
    };
    if (tool) update.mutate({ toolId: tool.id, tool: draft }, { onSuccess });
    else create.mutate(draft, { onSuccess });
  }

  return (
    <form
      className="tool-editor"
      aria-label={tool ? t('editor.editTitle', { name: tool.name }) : t('editor.newTitle')}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !event.defaultPrevented) guard(onClose);
      }}
    >
      <h3>{tool ? t('editor.editTitle', { name: tool.name }) : t('editor.newTitle')}</h3>
      <div className="field">
        <label htmlFor={ids.name}>{t('editor.name')}</label>
        <input id={ids.name} value={name} onChange={(event) => setName(event.target.value)} autoComplete="off" spellCheck={false} required />
      </div>
      <div className="field">
        <label htmlFor={ids.description}>{t('editor.description')}</label>
        <textarea id={ids.description} rows={3} value={description} onChange={(event) => setDescription(event.target.value)} />
      </div>
      <ProblemList problems={grouped.tool} />

      <PropertyForm parameters={parameters} problems={problems} disabled={jsonError !== null} onChange={editParameters} />
      {jsonError && <p className="hint">{t('editor.formNeedsJson')}</p>}

      <div className="field">
        <label htmlFor={ids.json}>{t('editor.json')}</label>
        <textarea
          id={ids.json}
          className="code"
          rows={14}
          spellCheck={false}
          value={jsonText}
          aria-invalid={jsonError ? true : undefined}
          onChange={(event) => editJson(event.target.value)}
        />
        {jsonError && (
          <span className="field-error" role="alert">
            {t('editor.jsonInvalid', { message: jsonError })}
          </span>
        )}
      </div>
      <ProblemList problems={grouped.schema} />

      <ErrorMessage error={save.error} />
      <EditorActions
        status={jsonError ? '' : !upToDate ? t('editor.checking') : hasErrors ? t('editor.fixErrors') : t('editor.valid')}
        onCancel={() => guard(onClose)}
        saveDisabled={saveBlocked}
      />
    </form>
  );
}
