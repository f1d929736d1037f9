import { useState } from 'react';
import { PROJECT_NAME_MAX } from '../../../shared/contract';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';

interface ProjectNameDialogProps {
  title: string;
  submitLabel: string;
  initialName: string;
  busy: boolean;
  error: unknown;
  onSubmit(name: string): void;
  onCancel(): void;
}

/** One dialog for create, rename and duplicate: they all ask for a project name. */
export function ProjectNameDialog({ title, submitLabel, initialName, busy, error, onSubmit, onCancel }: ProjectNameDialogProps) {
  const t = useT();
  const [name, setName] = useState(initialName);
  const trimmed = name.trim();
  return (
    <Dialog title={title} onClose={onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (trimmed && !busy) onSubmit(trimmed);
        }}
      >
        <label className="field">
          <span>{t('projects.name')}</span>
          <input
            autoFocus
            required
            maxLength={PROJECT_NAME_MAX}
            value={name}
            onChange={(event) => setName(event.target.value)}
            onFocus={(event) => event.target.select()}
          />
        </label>
        <ErrorMessage error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={!trimmed || busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
