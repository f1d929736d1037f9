import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import type { SampleFilter, SampleRow, SampleStatus } from '../../../shared/contract';
import { useUnsavedChanges } from '../../app/UnsavedChanges';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { ConversationView } from './ConversationView';
import { FilterBar } from './FilterBar';
import { STATUS_LABELS } from './labels';
import { useDeleteSamples, useMatchingIds, useSample, useSamplePages, useSetStatus, useUndo } from './queries';
import { SampleEditor } from './SampleEditor';
import { rowAt, SampleTable, type PointerMode } from './SampleTable';
import { addAll, ALL_MATCHING, NO_SELECTION, resolveSelection, selectedCount, selectOnly, toggle, type Selection } from './selection';

interface UndoEntry {
  token: string;
  /** What undoing brings back, for the button's tooltip. */
  label: string;
}

const STATUS_KEYS: Record<string, SampleStatus> = { a: 'approved', r: 'rejected', f: 'flagged' };
const PAGE_STEP = 20;

function isEditable(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/** Filters, the virtualized table with selection and bulk actions, and the open sample beside it. */
export function ReviewPanel({ projectId, onStatus }: { projectId: string; onStatus(message: string): void }) {
  const t = useT();
  const { guard } = useUnsavedChanges();
  const [filter, setFilter] = useState<SampleFilter>({});
  const [pages, setPages] = useState<number[]>([0]);
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [anchor, setAnchor] = useState<number | null>(null);
  const [cursor, setCursor] = useState<number | null>(null);
  const [keyMove, setKeyMove] = useState<{ index: number; extend: boolean } | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const [editing, setEditing] = useState(false);
  const [undoStack, setUndoStack] = useState<UndoEntry[]>([]);
  const [deleting, setDeleting] = useState<number[] | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const { rows, total, error } = useSamplePages(projectId, filter, pages);
  const count = total ?? 0;
  const chosen = selectedCount(selection, count);
  const readIds = useMatchingIds(projectId);
  const setStatus = useSetStatus(projectId);
  const remove = useDeleteSamples(projectId);
  const undo = useUndo(projectId);
  const open = useSample(projectId, openId);
  const busy = setStatus.isPending || remove.isPending || undo.isPending;

  const onVisiblePages = useCallback((visible: number[]) => {
    setPages((current) => (current.join() === visible.join() ? current : visible));
  }, []);

  const changeFilter = useCallback((next: SampleFilter) => {
    setFilter(next);
    setSelection(NO_SELECTION);
    setAnchor(null);
    setCursor(null);
  }, []);

  /** The ids between two table positions, from the loaded pages when they hold them all. */
  async function idsBetween(a: number, b: number): Promise<number[]> {
    const from = Math.min(a, b);
    const to = Math.max(a, b) + 1;
    const loaded = Array.from({ length: to - from }, (_, offset) => rowAt(rows, from + offset)?.id);
    return loaded.every((id) => id !== undefined) ? (loaded as number[]) : readIds(filter, from, to);
  }

  async function selectedIds(): Promise<number[]> {
    return resolveSelection(selection, selection.all ? await readIds(filter, 0, count) : []);
  }

  /** Moves the cursor (and the open sample) to `index`; unsaved edits are confirmed first. */
  function moveTo(index: number, row: SampleRow | undefined, then: () => void) {
    guard(() => {
      setCursor(index);
      if (row) setOpenId(row.id);
      setEditing(false);
      then();
    });
  }

  function pointer(index: number, mode: PointerMode) {
    const row = rowAt(rows, index);
    if (!row) return;
    moveTo(index, row, () => {
      if (mode === 'range' && anchor !== null) {
        void idsBetween(anchor, index).then((ids) => setSelection((current) => addAll(current, ids)), setActionError);
        return;
      }
      setSelection((current) => (mode === 'toggle' ? toggle(current, row.id) : selectOnly(row.id)));
      setAnchor(index);
    });
  }

  function step(delta: number, extend: boolean) {
    if (count === 0) return;
    const index = Math.min(count - 1, Math.max(0, (cursor ?? -1) + delta));
    moveTo(index, undefined, () => setKeyMove({ index, extend }));
  }

  // A keyboard move lands on its row once that row's page is loaded (End or PageDown may leave the loaded pages).
  useEffect(() => {
    const row = keyMove ? rowAt(rows, keyMove.index) : undefined;
    if (!keyMove || !row) return;
    setKeyMove(null);
    setOpenId(row.id);
    if (keyMove.extend) setSelection((current) => addAll(current, [row.id]));
    else {
      setSelection(selectOnly(row.id));
      setAnchor(keyMove.index);
    }
  }, [keyMove, rows]);

  function run<T>(action: () => Promise<T>) {
    setActionError(null);
    action().catch(setActionError);
  }

  function applyStatus(status: SampleStatus) {
    run(async () => {
      const sampleIds = await selectedIds();
      if (sampleIds.length === 0) return;
      const { changed, undoToken } = await setStatus.mutateAsync({ sampleIds, status });
      const label = t('data.bulk.statusDone', { count: changed, status: t(STATUS_LABELS[status]) });
      if (undoToken) setUndoStack((stack) => [...stack, { token: undoToken, label }]);
      onStatus(label);
    });
  }

  function askDelete() {
    run(async () => {
      const ids = await selectedIds();
      if (ids.length > 0) setDeleting(ids);
    });
  }

  function confirmDelete(sampleIds: number[]) {
    run(async () => {
      const { deleted, undoToken } = await remove.mutateAsync(sampleIds);
      const label = t('data.bulk.deleted', { count: deleted });
      if (undoToken) setUndoStack((stack) => [...stack, { token: undoToken, label }]);
      setDeleting(null);
      setSelection(NO_SELECTION);
      onStatus(label);
    });
  }

  const undoLast = useCallback(() => {
    const last = undoStack[undoStack.length - 1];
    if (!last || undo.isPending) return;
    setUndoStack((stack) => stack.slice(0, -1));
    setActionError(null);
    undo.mutate(last.token, {
      onSuccess: ({ restored }) => onStatus(t('data.bulk.undone', { count: restored })),
      onError: setActionError,
    });
  }, [undoStack, undo, onStatus, t]);

  // Ctrl+Z / Cmd+Z undoes the last bulk change from anywhere in the step, except inside text fields.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'z' && !isEditable(event.target)) {
        event.preventDefault();
        undoLast();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undoLast]);

  function onTableKey(event: KeyboardEvent<HTMLDivElement>) {
    // Letters compare lower-cased: with Shift held, j arrives as J.
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const plain = !event.ctrlKey && !event.metaKey && !event.altKey;
    let handled = true;
    if (key === 'ArrowDown' || (plain && key === 'j')) step(1, event.shiftKey);
    else if (key === 'ArrowUp' || (plain && key === 'k')) step(-1, event.shiftKey);
    else if (key === 'PageDown') step(PAGE_STEP, event.shiftKey);
    else if (key === 'PageUp') step(-PAGE_STEP, event.shiftKey);
    else if (key === 'Home') step(-count, false);
    else if (key === 'End') step(count, false);
    else if (key === 'Enter' && openId !== null) setEditing(true);
    else if (key === ' ' && cursor !== null) {
      const row = rowAt(rows, cursor);
      if (row) setSelection((current) => toggle(current, row.id));
    } else if (plain && Object.hasOwn(STATUS_KEYS, key)) applyStatus(STATUS_KEYS[key] as SampleStatus);
    else if (key === 'Delete') askDelete();
    else if ((event.ctrlKey || event.metaKey) && key === 'a') setSelection(ALL_MATCHING);
    else if (key === 'Escape') setSelection(NO_SELECTION);
    else handled = false;
    if (handled) event.preventDefault();
  }

  const lastUndo = undoStack[undoStack.length - 1];
  return (
    <div className="review">
      <FilterBar projectId={projectId} filter={filter} onChange={(next) => guard(() => changeFilter(next))} />
      <div className="bulk-bar" role="toolbar" aria-label={t('data.bulk.label')}>
        <span className="bulk-count" aria-live="polite">
          {total === null ? t('common.loading') : t('data.bulk.count', { selected: chosen, total: count })}
        </span>
        <button type="button" onClick={() => setSelection(ALL_MATCHING)} disabled={count === 0 || (selection.all && selection.ids.size === 0)} aria-keyshortcuts="Control+A">
          {t('data.bulk.selectAll', { count })}
        </button>
        <button type="button" onClick={() => setSelection(NO_SELECTION)} disabled={chosen === 0}>
          {t('data.bulk.clear')}
        </button>
        <span className="toolbar-separator" aria-hidden="true" />
        <button type="button" onClick={() => applyStatus('approved')} disabled={chosen === 0 || busy} aria-keyshortcuts="A">
          {t('data.bulk.approve')}
        </button>
        <button type="button" onClick={() => applyStatus('rejected')} disabled={chosen === 0 || busy} aria-keyshortcuts="R">
          {t('data.bulk.reject')}
        </button>
        <button type="button" onClick={() => applyStatus('flagged')} disabled={chosen === 0 || busy} aria-keyshortcuts="F">
          {t('data.bulk.flag')}
        </button>
        <button type="button" className="danger-quiet" onClick={askDelete} disabled={chosen === 0 || busy} aria-keyshortcuts="Delete">
          {t('data.bulk.delete')}
        </button>
        <span className="toolbar-separator" aria-hidden="true" />
        <button type="button" onClick={undoLast} disabled={!lastUndo || busy} title={lastUndo?.label} aria-keyshortcuts="Control+Z">
          {t('data.bulk.undo')}
        </button>
      </div>
      <ErrorMessage error={error ?? actionError} />
      <div className="review-layout">
        <SampleTable
          total={total}
          rows={rows}
          selection={selection}
          cursor={cursor !== null && cursor < count ? cursor : null}
          onVisiblePages={onVisiblePages}
          onPointer={pointer}
          onOpen={(index) => {
            const row = rowAt(rows, index);
            if (row) moveTo(index, row, () => setEditing(true));
          }}
          onKeyDown={onTableKey}
        />
        <aside className="sample-pane" aria-label={t('data.view.pane')}>
          {openId === null ? (
            <p className="empty">{t('data.view.pickOne')}</p>
          ) : open.data ? (
            editing ? (
              <SampleEditor
                key={open.data.id}
                projectId={projectId}
                stored={open.data}
                onSaved={(saved) => {
                  setEditing(false);
                  onStatus(t('data.editor.saved', { seq: saved.seq }));
                }}
                onClose={() => setEditing(false)}
              />
            ) : (
              <ConversationView stored={open.data} onEdit={() => setEditing(true)} />
            )
          ) : (
            <>
              <ErrorMessage error={open.error} />
              {open.isPending && <p className="hint">{t('common.loading')}</p>}
            </>
          )}
        </aside>
      </div>
      <p className="hint">{t('data.table.keys')}</p>
      {deleting && (
        <ConfirmDialog
          title={t('data.bulk.deleteTitle', { count: deleting.length })}
          confirmLabel={t('data.bulk.deleteConfirm', { count: deleting.length })}
          danger
          busy={remove.isPending}
          onCancel={() => setDeleting(null)}
          onConfirm={() => confirmDelete(deleting)}
        >
          <p>{t('data.bulk.deleteBody')}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
