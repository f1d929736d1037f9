import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import type { SampleRow } from '../../../shared/contract';
import { useT } from '../../i18n/I18nProvider';
import { CHECK_LABELS, KIND_LABELS, labelOf, STATUS_LABELS } from './labels';
import { PAGE_SIZE } from './queries';
import { isSelected, type Selection } from './selection';

export type PointerMode = 'only' | 'toggle' | 'range';

interface SampleTableProps {
  /** null until the first page has answered. */
  total: number | null;
  rows: ReadonlyMap<number, readonly SampleRow[]>;
  selection: Selection;
  cursor: number | null;
  onVisiblePages(pages: number[]): void;
  onPointer(index: number, mode: PointerMode): void;
  onOpen(index: number): void;
  onKeyDown(event: KeyboardEvent<HTMLDivElement>): void;
}

const ROW_HEIGHT = 30;

export function rowAt(rows: ReadonlyMap<number, readonly SampleRow[]>, index: number): SampleRow | undefined {
  return rows.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
}

function pointerMode(event: MouseEvent): PointerMode {
  if (event.shiftKey) return 'range';
  return event.ctrlKey || event.metaKey ? 'toggle' : 'only';
}

/**
 * The review table: only the rows in view exist in the DOM, and only the pages they fall in are
 * fetched, so 100,000 samples scroll like 100. Keyboard focus stays on the grid; the cursor row
 * is its active descendant.
 */
export function SampleTable({ total, rows, selection, cursor, onVisiblePages, onPointer, onOpen, onKeyDown }: SampleTableProps) {
  const t = useT();
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = total ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // The sticky header row sits above the rows inside the same scroller.
    scrollMargin: ROW_HEIGHT,
    scrollPaddingStart: ROW_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const firstPage = Math.floor(first / PAGE_SIZE);
  const lastPage = Math.floor(last / PAGE_SIZE);

  useEffect(() => {
    const pages: number[] = [];
    for (let page = firstPage; page <= lastPage; page++) pages.push(page);
    onVisiblePages(pages);
  }, [firstPage, lastPage, onVisiblePages]);

  useEffect(() => {
    if (cursor !== null && cursor < count) virtualizer.scrollToIndex(cursor, { align: 'auto' });
  }, [cursor, count, virtualizer]);

  return (
    <div
      ref={scrollRef}
      className="sample-table"
      role="grid"
      tabIndex={0}
      aria-label={t('data.table.label')}
      aria-rowcount={count + 1}
      aria-multiselectable
      aria-activedescendant={cursor !== null && cursor < count ? `sample-row-${cursor}` : undefined}
      aria-keyshortcuts="ArrowUp ArrowDown J K Enter A R F Delete Control+A Control+Z"
      onKeyDown={onKeyDown}
    >
      <div className="sample-row sample-head" role="row" aria-rowindex={1}>
        <span role="columnheader">#</span>
        <span role="columnheader">{t('data.column.kind')}</span>
        <span role="columnheader">{t('data.column.status')}</span>
        <span role="columnheader">{t('data.column.split')}</span>
        <span role="columnheader">{t('data.column.firstUser')}</span>
        <span role="columnheader">{t('data.column.tools')}</span>
        <span role="columnheader">{t('data.column.checks')}</span>
      </div>
      <div className="sample-body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rowAt(rows, item.index);
          const selected = row ? isSelected(selection, row.id) : false;
          return (
            <div
              key={item.key}
              id={`sample-row-${item.index}`}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={selected}
              className={['sample-row', selected ? 'selected' : '', item.index === cursor ? 'cursor' : ''].join(' ')}
              style={{ transform: `translateY(${item.start - ROW_HEIGHT}px)`, height: ROW_HEIGHT }}
              data-sample-id={row?.id}
              onMouseDown={(event) => {
                // Keep the grid focused (for the keyboard) and stop shift-click from selecting text. Focusing must
                // not scroll: the click would then end on another element and never fire.
                event.preventDefault();
                scrollRef.current?.focus({ preventScroll: true });
              }}
              onClick={(event) => onPointer(item.index, pointerMode(event))}
              onDoubleClick={() => onOpen(item.index)}
            >
              {row ? <SampleCells row={row} /> : <span role="gridcell" className="loading-cell">{t('common.loading')}</span>}
            </div>
          );
        })}
      </div>
      {total === 0 && <p className="empty">{t('data.table.empty')}</p>}
    </div>
  );
}

function SampleCells({ row }: { row: SampleRow }) {
  const t = useT();
  const failed = row.failedChecks.map((check) => labelOf(CHECK_LABELS, check, t)).join(', ');
  return (
    <>
      <span role="gridcell" className="num">
        {row.seq}
      </span>
      <span role="gridcell">{t(KIND_LABELS[row.kind ?? 'unknown'])}</span>
      <span role="gridcell">
        <span className={`status-chip status-${row.status}`}>{t(STATUS_LABELS[row.status])}</span>
      </span>
      <span role="gridcell">{row.split ? t(`data.split.${row.split}`) : '—'}</span>
      <span role="gridcell" className="ellipsis" title={row.firstUserText}>
        {row.firstUserText}
      </span>
      <span role="gridcell" className="ellipsis code" title={row.toolsCalled.join(', ')}>
        {row.toolsCalled.length > 0 ? row.toolsCalled.join(', ') : <span className="hint">{t('data.noCall')}</span>}
      </span>
      <span role="gridcell" className={row.checksOk ? 'ok' : 'check-failed ellipsis'} title={failed || undefined}>
        {row.checksOk ? `✓ ${t('data.checks.pass')}` : `✗ ${failed}`}
      </span>
    </>
  );
}
