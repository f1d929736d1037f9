import { useState } from 'react';
import type { ProjectSummary, StoredTool, ToolExportFormat } from '../../../shared/contract';
import { useUnsavedChanges } from '../../app/UnsavedChanges';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { downloadText } from './downloadText';
import { ImportDialog } from './ImportDialog';
import { useDeleteTool, useExportTools, useReorderTools, useTools } from './queries';
import { ToolEditor } from './ToolEditor';
import { ToolList } from './ToolList';

type Editing = { kind: 'new' } | { kind: 'tool'; id: string } | null;

export function ToolsStep({ project }: { project: ProjectSummary }) {
  const t = useT();
  const projectId = project.id;
  const tools = useTools(projectId);
  const reorder = useReorderTools(projectId);
  const remove = useDeleteTool(projectId);
  const exporter = useExportTools(projectId);
  const { guard } = useUnsavedChanges();
  const [editing, setEditing] = useState<Editing>(null);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<StoredTool | null>(null);
  const [status, setStatus] = useState('');

  const list = tools.data ?? [];
  const editedTool = editing?.kind === 'tool' ? (list.find((tool) => tool.id === editing.id) ?? null) : null;
  const editorOpen = editing?.kind === 'new' || editedTool !== null;

  function exportAs(format: ToolExportFormat) {
    exporter.mutate(format, {
      onSuccess: ({ fileName, text }) => {
        downloadText(fileName, text);
        setStatus(t('tools.exported', { fileName }));
      },
    });
  }

  return (
    <section className="tools-step" aria-labelledby="tools-step-title">
      <div className="toolbar">
        <h2 id="tools-step-title">{t('tools.title')}</h2>
        <div className="toolbar-actions">
          <button type="button" className="primary" onClick={() => setImporting(true)}>
            {t('tools.import')}
          </button>
          <button type="button" onClick={() => guard(() => setEditing({ kind: 'new' }))}>
            {t('tools.new')}
          </button>
          <span className="toolbar-separator" aria-hidden="true" />
          <button type="button" onClick={() => exportAs('openai')} disabled={list.length === 0 || exporter.isPending}>
            {t('tools.exportOpenAi')}
          </button>
          <button type="button" onClick={() => exportAs('mcp')} disabled={list.length === 0 || exporter.isPending}>
            {t('tools.exportMcp')}
          </button>
        </div>
      </div>
      <p className="status" role="status" aria-live="polite">
        {status}
      </p>
      <ErrorMessage error={tools.error ?? reorder.error ?? exporter.error} />

      <div className="tools-layout">
        <div className="tools-column">
          {tools.isPending ? (
            <p className="hint">{t('common.loading')}</p>
          ) : list.length === 0 ? (
            <p className="empty">{t('tools.empty')}</p>
          ) : (
            <ToolList
              tools={list}
              selectedId={editing?.kind === 'tool' ? editing.id : null}
              onSelect={(tool) => guard(() => setEditing({ kind: 'tool', id: tool.id }))}
              onDelete={(tool) => {
                remove.reset();
                setDeleting(tool);
              }}
              onReorder={reorder.reorder}
            />
          )}
          {list.length > 1 && <p className="hint">{t('tools.reorderHint')}</p>}
        </div>
        <div className="editor-column">
          {editorOpen ? (
            <ToolEditor
              // A different tool (or a new one) starts from a clean draft.
              key={editing?.kind === 'tool' ? editing.id : 'new'}
              projectId={projectId}
              tool={editedTool}
              onSaved={(saved) => {
                setEditing({ kind: 'tool', id: saved.id });
                setStatus(t('tools.saved', { name: saved.name }));
              }}
              onClose={() => setEditing(null)}
            />
          ) : (
            <p className="empty">{t('tools.pickOne')}</p>
          )}
        </div>
      </div>

      {importing && (
        <ImportDialog
          projectId={projectId}
          onClose={() => setImporting(false)}
          onImported={(count) => {
            setImporting(false);
            setStatus(t('tools.imported', { count }));
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t('tools.deleteTitle', { name: deleting.name })}
          confirmLabel={t('tools.deleteConfirm')}
          danger
          busy={remove.isPending}
          onCancel={() => setDeleting(null)}
          onConfirm={() =>
            remove.mutate(deleting.id, {
              onSuccess: () => {
                if (editing?.kind === 'tool' && editing.id === deleting.id) setEditing(null);
                setDeleting(null);
              },
            })
          }
        >
          <p>{t('tools.deleteBody', { name: deleting.name })}</p>
          <ErrorMessage error={remove.error} />
        </ConfirmDialog>
      )}
    </section>
  );
}
