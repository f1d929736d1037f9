import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useT } from '../i18n/I18nProvider';

interface UnsavedChanges {
  /** An editor reports whether it holds changes that are not saved. */
  setDirty(dirty: boolean): void;
  /** Runs `action` now, or after the user agrees to discard unsaved changes. */
  guard(action: () => void): void;
}

const UnsavedChangesContext = createContext<UnsavedChanges | null>(null);

export function UnsavedChangesProvider({ children }: { children: ReactNode }) {
  const t = useT();
  const [dirty, setDirty] = useState(false);
  const [pending, setPending] = useState<(() => void) | null>(null);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const guard = useCallback(
    (action: () => void) => {
      if (dirty) setPending(() => action);
      else action();
    },
    [dirty],
  );
  const value = useMemo(() => ({ setDirty, guard }), [guard]);

  return (
    <UnsavedChangesContext.Provider value={value}>
      {children}
      {pending && (
        <ConfirmDialog
          title={t('unsaved.title')}
          confirmLabel={t('unsaved.discard')}
          danger
          onCancel={() => setPending(null)}
          onConfirm={() => {
            setDirty(false);
            setPending(null);
            pending();
          }}
        >
          <p>{t('unsaved.body')}</p>
        </ConfirmDialog>
      )}
    </UnsavedChangesContext.Provider>
  );
}

export function useUnsavedChanges(): UnsavedChanges {
  const value = useContext(UnsavedChangesContext);
  if (!value) throw new Error('UnsavedChangesProvider is missing above this component.');
  return value;
}
