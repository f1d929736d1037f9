import { useEffect, useId, useMemo, useState } from 'react';
import type { SampleCheck, StoredSample } from '../../../shared/contract';
import { parseSample } from '../../../shared/data/conversation';
import { useDebouncedValue } from '../../app/useDebouncedValue';
import { useUnsavedChanges } from '../../app/UnsavedChanges';
import { ErrorMessage } from '../../components/ErrorMessage';
import { EditorActions } from '../../components/EditorActions';
import { useT } from '../../i18n/I18nProvider';
import { CheckList, failedChecksAt } from './CheckList';
import { useSampleVerification, useUpdateSample } from './queries';
import { callPointer, draftOf, sampleOfDraft, withCall, withContent, type MessageDraft, type SampleDraft } from './sampleDraft';

interface SampleEditorProps {
  projectId: string;
  stored: StoredSample;
  onSaved(stored: StoredSample): void;
  onClose(): void;
}

type Mode = 'form' | 'json';

const toJson = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * Edits one sample in two views of the same data: a form (message texts, call names, argument
 * JSON) and the raw sample JSON. Every change is checked by main (debounced), nothing is saved
 * until Save; leaving with changes asks first.
 */
export function SampleEditor({ projectId, stored, onSaved, onClose }: SampleEditorProps) {
  const t = useT();
  const jsonId = useId();
  const initial = useMemo(() => draftOf(stored.sample), [stored.sample]);
  const initialText = useMemo(() => {
    const result = sampleOfDraft(initial);
    return 'sample' in result ? toJson(result.sample) : '';
  }, [initial]);
  const [mode, setMode] = useState<Mode>('form');
  const [draft, setDraft] = useState<SampleDraft>(initial);
  const [jsonText, setJsonText] = useState(initialText);

  // What would be saved now, or why nothing can be.
  const candidate = useMemo((): { value: unknown; text: string } | { problem: string } => {
    if (mode === 'form') {
      const result = sampleOfDraft(draft);
      return 'sample' in result ? { value: result.sample, text: toJson(result.sample) } : { problem: `${result.problem.pointer}: ${result.problem.message}` };
    }
    try {
      return { value: JSON.parse(jsonText) as unknown, text: jsonText };
    } catch (error) {
      return { problem: t('editor.jsonInvalid', { message: error instanceof Error ? error.message : String(error) }) };
    }
  }, [mode, draft, jsonText, t]);
  const value = 'value' in candidate ? candidate.value : null;
  const dirty = 'problem' in candidate || candidate.text !== initialText;

  const { setDirty, guard } = useUnsavedChanges();
  useEffect(() => {
    setDirty(dirty);
    return () => setDirty(false);
  }, [dirty, setDirty]);

  const checked = useDebouncedValue(value, 300);
  const verification = useSampleVerification(projectId, checked);
  const checks = verification.data ?? [];
  const upToDate = checked === value && !verification.isFetching && verification.isSuccess;
  const failing = checks.some((check) => !check.ok);
  const update = useUpdateSample(projectId);
  const saveBlocked = value === null || update.isPending || !dirty;

  function switchTo(next: Mode) {
    if (next === mode) return;
    if (next === 'json') {
      if ('text' in candidate) setJsonText(candidate.text);
      setMode('json');
      return;
    }
    // The form needs a structurally valid sample; otherwise the user stays in the JSON and sees why.
    const parsed = value === null ? null : parseSample(value);
    if (parsed && 'sample' in parsed) {
      setDraft(draftOf(parsed.sample));
      setMode('form');
    }
  }
  const formBlocked = mode === 'json' && (value === null || !('sample' in parseSample(value)));

  return (
    <form
      className="sample-editor"
      aria-label={t('data.editor.title', { seq: stored.seq })}
      onSubmit={(event) => {
        event.preventDefault();
        if (saveBlocked) return;
        update.mutate(
          { sampleId: stored.id, sample: value },
          {
            onSuccess: (saved) => {
              setDirty(false);
              onSaved(saved);
            },
          },
        );
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !event.defaultPrevented) guard(onClose);
      }}
    >
      <header className="conversation-head">
        <h3>{t('data.editor.title', { seq: stored.seq })}</h3>
        <div className="segmented" role="group" aria-label={t('data.editor.view')}>
          <button type="button" aria-pressed={mode === 'form'} onClick={() => switchTo('form')} disabled={formBlocked} title={formBlocked ? t('data.editor.formNeedsSample') : undefined}>
            {t('data.editor.form')}
          </button>
          <button type="button" aria-pressed={mode === 'json'} onClick={() => switchTo('json')} disabled={mode === 'form' && value === null}>
            {t('data.editor.json')}
          </button>
        </div>
      </header>
      {mode === 'form' ? (
        <ol className="turns">
          {draft.messages.map((message, index) => (
            <TurnEditor key={index} index={index} message={message} checks={checks} onDraft={(change) => setDraft(change)} />
          ))}
        </ol>
      ) : (
        <div className="field">
          <label htmlFor={jsonId}>{t('data.editor.jsonLabel')}</label>
          <textarea
            id={jsonId}
            className="code"
            rows={24}
            spellCheck={false}
            value={jsonText}
            aria-invalid={'problem' in candidate ? true : undefined}
            onChange={(event) => setJsonText(event.target.value)}
          />
        </div>
      )}
      {'problem' in candidate && (
        <p className="field-error" role="alert">
          {candidate.problem}
        </p>
      )}
      <CheckList checks={checks} label={t('data.checks.title')} />
      <ErrorMessage error={verification.error ?? update.error} />
      <EditorActions
        status={value === null ? '' : !upToDate ? t('editor.checking') : failing ? t('data.editor.checksFail') : t('data.editor.checksPass')}
        onCancel={() => guard(onClose)}
        saveDisabled={saveBlocked}
      />
    </form>
  );
}

interface TurnEditorProps {
  index: number;
  message: MessageDraft;
  checks: readonly SampleCheck[];
  onDraft(change: (draft: SampleDraft) => SampleDraft): void;
}

function TurnEditor({ index, message, checks, onDraft }: TurnEditorProps) {
  const t = useT();
  const role = t(`data.role.${message.role}`);
  return (
    <li className={`turn turn-${message.role}`}>
      <label className="field">
        <span>{message.role === 'tool' ? t('data.editor.resultOf', { name: message.name }) : role}</span>
        <textarea
          className={message.role === 'tool' ? 'code' : undefined}
          rows={message.role === 'tool' || message.content.length > 160 ? 4 : 2}
          value={message.content}
          aria-label={t('data.editor.messageText', { index: index + 1, role })}
          onChange={(event) => {
            const content = event.target.value;
            onDraft((draft) => withContent(draft, index, content));
          }}
        />
      </label>
      {'calls' in message &&
        message.calls.map((call, callIndex) => {
          const pointer = callPointer(index, callIndex);
          return (
            <fieldset key={call.id} className="tool-block tool-call" aria-label={t('data.editor.call', { name: call.name })}>
              <label className="field">
                <span>{t('data.editor.callName')}</span>
                <input
                  className="code"
                  value={call.name}
                  spellCheck={false}
                  onChange={(event) => {
                    const name = event.target.value;
                    onDraft((draft) => withCall(draft, index, callIndex, { name }));
                  }}
                />
              </label>
              <label className="field">
                <span>{t('data.editor.arguments')}</span>
                <textarea
                  className="code"
                  rows={Math.min(12, call.argumentsText.split('\n').length + 1)}
                  spellCheck={false}
                  value={call.argumentsText}
                  onChange={(event) => {
                    const argumentsText = event.target.value;
                    onDraft((draft) => withCall(draft, index, callIndex, { argumentsText }));
                  }}
                />
              </label>
              <CheckList checks={failedChecksAt(checks, pointer)} label={t('data.editor.callChecks', { name: call.name })} />
            </fieldset>
          );
        })}
    </li>
  );
}
