import { useState } from 'react';
import type { McpServerInfo, McpToolSummary, ProjectSummary } from '../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { useMcpActions, useMcpServers } from './queries';

/** MCP servers (stdio): added by their command, started only once the user saw the full command line; their tools import into the project. */
export function McpPanel({ project }: { project: ProjectSummary }) {
  const t = useT();
  const servers = useMcpServers(project.id);
  const actions = useMcpActions();
  const [name, setName] = useState('');
  const [command, setCommand] = useState('');
  const [args, setArgs] = useState('');
  const [confirming, setConfirming] = useState<McpServerInfo | null>(null);
  const [listed, setListed] = useState<{ serverId: string; tools: McpToolSummary[] } | null>(null);
  const [imported, setImported] = useState<string[] | null>(null);

  function start(server: McpServerInfo, confirmed: boolean) {
    actions.start.mutate({ serverId: server.id, confirmed }, { onSuccess: (result) => setListed({ serverId: server.id, tools: result.tools }) });
  }

  return (
    <section className="panel-card" aria-labelledby="mcp-title">
      <h3 id="mcp-title">{t('test.mcp.title')}</h3>
      <p className="hint">{t('test.mcp.intro')}</p>
      <form
        className="field-row"
        onSubmit={(event) => {
          event.preventDefault();
          actions.add.mutate({ projectId: project.id, name: name.trim(), command: command.trim(), args: args.split('\n').filter((a) => a !== '') }, { onSuccess: () => (setName(''), setCommand(''), setArgs('')) });
        }}
      >
        <label className="field">
          <span>{t('test.mcp.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('test.mcp.command')}</span>
          <input className="mono" value={command} placeholder="/usr/bin/node" onChange={(e) => setCommand(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('test.mcp.args')}</span>
          <textarea className="mono" rows={2} value={args} onChange={(e) => setArgs(e.target.value)} />
        </label>
        <button type="submit" disabled={name.trim() === '' || command.trim() === ''}>
          {t('test.mcp.add')}
        </button>
      </form>
      <ErrorMessage error={servers.error ?? actions.add.error ?? actions.start.error ?? actions.importTools.error ?? actions.remove.error} />
      <ul className="plain-list">
        {(servers.data ?? []).map((server) => (
          <li key={server.id} className="mcp-server">
            <strong>{server.name}</strong> <span className="mono hint">{server.commandLine}</span>{' '}
            <button type="button" disabled={actions.start.isPending} onClick={() => (server.approvedAt === null ? setConfirming(server) : start(server, false))}>
              {t('test.mcp.start')}
            </button>
            <button type="button" onClick={() => actions.remove.mutate(server.id)}>
              {t('test.mcp.remove')}
            </button>
            {listed?.serverId === server.id && (
              <div>
                <ul aria-label={t('test.mcp.tools', { name: server.name })}>
                  {listed.tools.map((tool) => (
                    <li key={tool.name}>
                      <span className="mono">{tool.name}</span> {tool.readOnly && <span className="hint">{t('test.mcp.readOnly')}</span>} <span className="hint">{tool.description}</span>
                    </li>
                  ))}
                </ul>
                <button type="button" className="primary" disabled={actions.importTools.isPending} onClick={() => actions.importTools.mutate({ serverId: server.id }, { onSuccess: (result) => setImported(result.imported) })}>
                  {t('test.mcp.import', { n: listed.tools.length })}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {imported && <p className="status">{t('test.mcp.imported', { names: imported.join(', ') })}</p>}
      {confirming && (
        <ConfirmDialog title={t('test.mcp.confirmTitle', { name: confirming.name })} confirmLabel={t('test.mcp.start')} onCancel={() => setConfirming(null)} onConfirm={() => (start(confirming, true), setConfirming(null))}>
          <p>{t('test.mcp.confirmBody')}</p>
          <pre className="mono wrap">{confirming.commandLine}</pre>
        </ConfirmDialog>
      )}
    </section>
  );
}
