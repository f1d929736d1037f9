import { useState, type ReactNode } from 'react';
import { useT } from '../i18n/I18nProvider';
import { Dialog } from './Dialog';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** When set, the confirm button stays disabled until the user has typed exactly this text. */
  typeToConfirm?: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const { title, children, confirmLabel, typeToConfirm, danger = false, busy = false, onConfirm, onCancel } = props;
  const t = useT();
  const [typed, setTyped] = useState('');
  const confirmed = typeToConfirm === undefined || typed === typeToConfirm;

  return (
    <Dialog title={title} onClose={onCancel}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          if (confirmed && !busy) onConfirm();
        }}
      >
        <div className="dialog-body">{children}</div>
        {typeToConfirm !== undefined && (
          <label className="field">
            <span>{t('confirm.typeName', { name: typeToConfirm })}</span>
            <input autoFocus value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" />
          </label>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onCancel} autoFocus={typeToConfirm === undefined}>
            {t('common.cancel')}
          </button>
          <button type="submit" className={danger ? 'danger' : 'primary'} disabled={!confirmed || busy}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
