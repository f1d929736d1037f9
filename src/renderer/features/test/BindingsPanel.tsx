import { useState } from 'react';
import type { ProjectSummary, ToolRuntimeInfo } from '../../../shared/contract';
import type { RuntimeBinding } from '../../../shared/chat/bindings';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { BindingEditor } from './BindingEditor';
import { useRuntimes, useSecrets } from './queries';
import { TryToolDialog } from './TryToolDialog';

export function bindingSummary(binding: RuntimeBinding | null): string {
  if (binding === null) return '—';
  switch (binding.kind) {
    case 'builtin':
      return binding.builtin;
    case 'http':
      return `${binding.method} ${binding.baseUrl}${binding.pathTemplate}`;
    case 'script':
      return binding.command;
    case 'mcp':
      return `MCP ${binding.tool}`;
    case 'mock':
      return `mock (${binding.mode})`;
  }
}

/** How each tool of the project runs when the model calls it, its approval policy, and a Try button. */
export function BindingsPanel({ project }: { project: ProjectSummary }) {
  const t = useT();
  const runtimes = useRuntimes(project.id);
  const secrets = useSecrets(project.id);
  const [editing, setEditing] = useState<ToolRuntimeInfo | null>(null);
  const [trying, setTrying] = useState<ToolRuntimeInfo | null>(null);
  return (
    <section className="panel-card" aria-labelledby="bindings-title">
      <h3 id="bindings-title">{t('test.bindings.title')}</h3>
      <p className="hint">{t('test.bindings.intro')}</p>
      {secrets.data && <p className="hint">{t(secrets.data.storage === 'safeStorage' ? 'test.secrets.safeStorage' : 'test.secrets.file')}</p>}
      <ErrorMessage error={runtimes.error} />
      <table className="run-table" aria-label={t('test.bindings.title')}>
        <thead>
          <tr>
            <th>{t('test.bindings.tool')}</th>
            <th>{t('test.bindings.binding')}</th>
            <th>{t('test.bindings.policy')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(runtimes.data ?? []).map((runtime) => (
            <tr key={runtime.toolId}>
              <td className="mono">{runtime.name}</td>
              <td>{bindingSummary(runtime.binding)}</td>
              <td>{t(`test.policy.${runtime.policy}`)}</td>
              <td className="toolbar-actions">
                <button type="button" onClick={() => setEditing(runtime)} aria-label={t('test.bindings.editFor', { name: runtime.name })}>
                  {t('test.bindings.edit')}
                </button>
                <button type="button" onClick={() => setTrying(runtime)} aria-label={t('test.bindings.tryFor', { name: runtime.name })}>
                  {t('test.bindings.try')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && <BindingEditor project={project} runtime={editing} secretNames={secrets.data?.names ?? []} onClose={() => setEditing(null)} />}
      {trying && <TryToolDialog project={project} runtime={trying} onClose={() => setTrying(null)} />}
    </section>
  );
}
