import { useState } from 'react';
import type { StoredTool } from '../../../shared/contract';
import { useT } from '../../i18n/I18nProvider';

interface ToolListProps {
  tools: readonly StoredTool[];
  selectedId: string | null;
  onSelect(tool: StoredTool): void;
  onDelete(tool: StoredTool): void;
  onReorder(ordered: StoredTool[]): void;
}

function moved(tools: readonly StoredTool[], from: number, to: number): StoredTool[] {
  const next = [...tools];
  const [tool] = next.splice(from, 1);
  if (tool) next.splice(to, 0, tool);
  return next;
}

function propertyCount(tool: StoredTool): number {
  const properties = tool.parameters['properties'];
  return typeof properties === 'object' && properties !== null ? Object.keys(properties).length : 0;
}

/** The project's tools in order. Reorder by dragging, with the arrow buttons, or Alt+↑/↓ on a tool. */
export function ToolList({ tools, selectedId, onSelect, onDelete, onReorder }: ToolListProps) {
  const t = useT();
  const [dragIndex, setDragIndex] = useState<number | null>(null);

  function move(from: number, to: number) {
    if (to < 0 || to >= tools.length || from === to) return;
    onReorder(moved(tools, from, to));
  }

  return (
    <ol className="tool-list" aria-label={t('tools.listLabel')}>
      {tools.map((tool, index) => (
        <li
          key={tool.id}
          className={[
            'tool-item',
            tool.id === selectedId ? 'selected' : '',
            dragIndex === index ? 'dragging' : '',
          ].join(' ')}
          draggable
          onDragStart={(event) => {
            setDragIndex(index);
            event.dataTransfer.effectAllowed = 'move';
          }}
          onDragOver={(event) => {
            if (dragIndex !== null) event.preventDefault();
          }}
          onDrop={(event) => {
            event.preventDefault();
            if (dragIndex !== null) move(dragIndex, index);
            setDragIndex(null);
          }}
          onDragEnd={() => setDragIndex(null)}
        >
          <button
            type="button"
            className="tool-open"
            aria-current={tool.id === selectedId ? 'true' : undefined}
            aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
            onClick={() => onSelect(tool)}
            onKeyDown={(event) => {
              if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
              event.preventDefault();
              move(index, event.key === 'ArrowUp' ? index - 1 : index + 1);
            }}
          >
            <span className="tool-name">{tool.name}</span>
            <span className="tool-description">{tool.description || t('tools.noDescription')}</span>
            <span className="tool-meta">{t('tools.propertyCount', { count: propertyCount(tool) })}</span>
          </button>
          <div className="tool-item-actions">
            <button type="button" className="icon" onClick={() => move(index, index - 1)} disabled={index === 0} aria-label={t('tools.moveUp', { name: tool.name })} title={t('tools.moveUp', { name: tool.name })}>
              ↑
            </button>
            <button type="button" className="icon" onClick={() => move(index, index + 1)} disabled={index === tools.length - 1} aria-label={t('tools.moveDown', { name: tool.name })} title={t('tools.moveDown', { name: tool.name })}>
              ↓
            </button>
            <button type="button" className="icon danger-quiet" onClick={() => onDelete(tool)} aria-label={t('tools.deleteNamed', { name: tool.name })} title={t('tools.deleteNamed', { name: tool.name })}>
              ✕
            </button>
          </div>
        </li>
      ))}
    </ol>
  );
}
