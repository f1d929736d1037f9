import { useEffect, useId, useState, type InputHTMLAttributes } from 'react';

type CommitOnBlurInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'onBlur'> & {
  value: string;
  /** Returns a message when the text cannot be used; the text then stays for the user to fix. */
  check?(text: string): string | null;
  onCommit(text: string): void;
};

/**
 * An input whose text is only applied on blur or Enter, for values that are parsed
 * (enum lists, numbers, property names) and would fight the user if applied per keystroke.
 */
export function CommitOnBlurInput({ value, check, onCommit, ...rest }: CommitOnBlurInputProps) {
  const [draft, setDraft] = useState(value);
  const [editing, setEditing] = useState(false);
  const messageId = useId();
  const problem = editing ? null : (check?.(draft) ?? null);

  // Follow changes made elsewhere (e.g. in the JSON view) unless the user is typing here.
  useEffect(() => {
    if (!editing) setDraft((current) => (check?.(current) ? current : value));
  }, [value, editing, check]);

  function commit() {
    setEditing(false);
    if (draft !== value && !check?.(draft)) onCommit(draft);
  }

  return (
    <>
      <input
        {...rest}
        value={draft}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? messageId : undefined}
        onChange={(event) => {
          setEditing(true);
          setDraft(event.target.value);
        }}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            commit();
          }
        }}
      />
      {problem && (
        <span id={messageId} className="field-error">
          {problem}
        </span>
      )}
    </>
  );
}
