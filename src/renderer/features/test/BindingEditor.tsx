import { useId, useState, type ReactNode } from 'react';
import { BUILTIN_TOOLS, defaultPolicy, TOOL_POLICIES, type RuntimeBinding, type ToolPolicy } from '../../../shared/chat/bindings';
import type { ProjectSummary, ToolRuntimeInfo } from '../../../shared/contract';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { useMcpServers, useSetRuntime, useSetSecret } from './queries';

type Kind = RuntimeBinding['kind'] | 'none';
const KINDS: Kind[] = ['none', 'builtin', 'http', 'script', 'mcp', 'mock'];

/** The fields of every kind at once, so switching kinds loses nothing typed; only the chosen kind's are saved. */
interface Draft {
  kind: Kind;
  builtin: string;
  pathArgument: string;
  contentArgument: string;
  pathFrom: 'path' | 'title';
  baseUrl: string;
  method: string;
  pathTemplate: string;
  params: string;
  headers: string;
  command: string;
  args: string;
  timeoutMs: string;
  serverId: string;
  mcpTool: string;
  mockMode: 'fixed' | 'example';
  response: string;
}

function draftOf(binding: RuntimeBinding | null): Draft {
  const d: Draft = { kind: binding?.kind ?? 'none', builtin: 'write_file', pathArgument: '', contentArgument: '', pathFrom: 'path', baseUrl: '', method: 'GET', pathTemplate: '', params: '[]', headers: '[]', command: '', args: '', timeoutMs: '', serverId: '', mcpTool: '', mockMode: 'example', response: '' };
  if (!binding) return d;
  switch (binding.kind) {
    case 'builtin':
      return { ...d, builtin: binding.builtin, pathArgument: binding.pathArgument ?? '', contentArgument: binding.contentArgument ?? '', pathFrom: binding.pathFrom ?? 'path' };
    case 'http':
      return { ...d, baseUrl: binding.baseUrl, method: binding.method, pathTemplate: binding.pathTemplate, params: JSON.stringify(binding.params, null, 2), headers: JSON.stringify(binding.headers ?? [], null, 2), timeoutMs: binding.timeoutMs ? String(binding.timeoutMs) : '' };
    case 'script':
      return { ...d, command: binding.command, args: (binding.args ?? []).join('\n'), timeoutMs: binding.timeoutMs ? String(binding.timeoutMs) : '' };
    case 'mcp':
      return { ...d, serverId: binding.serverId, mcpTool: binding.tool };
    case 'mock':
      return { ...d, mockMode: binding.mode, response: binding.response ?? '' };
  }
}

/** The binding a draft describes; main checks it again against the contract's schema. */
function bindingOf(d: Draft): RuntimeBinding | null {
  const timeout = /^\d+$/.test(d.timeoutMs) ? { timeoutMs: Number(d.timeoutMs) } : {};
  switch (d.kind) {
    case 'none':
      return null;
    case 'builtin':
      return { kind: 'builtin', builtin: d.builtin as (typeof BUILTIN_TOOLS)[number], ...(d.pathArgument ? { pathArgument: d.pathArgument } : {}), ...(d.contentArgument ? { contentArgument: d.contentArgument } : {}), pathFrom: d.pathFrom };
    case 'http':
      return { kind: 'http', baseUrl: d.baseUrl.trim(), method: d.method as 'GET', pathTemplate: d.pathTemplate, params: JSON.parse(d.params) as [], headers: JSON.parse(d.headers) as [], ...timeout };
    case 'script':
      return { kind: 'script', command: d.command.trim(), args: d.args.split('\n').filter((a) => a !== ''), ...timeout };
    case 'mcp':
      return { kind: 'mcp', serverId: d.serverId, tool: d.mcpTool };
    case 'mock':
      return { kind: 'mock', mode: d.mockMode, ...(d.mockMode === 'fixed' ? { response: d.response } : {}) };
  }
}

export function BindingEditor({ project, runtime, secretNames, onClose }: { project: ProjectSummary; runtime: ToolRuntimeInfo; secretNames: string[]; onClose(): void }) {
  const t = useT();
  const save = useSetRuntime();
  const setSecret = useSetSecret();
  const servers = useMcpServers(project.id);
  const [draft, setDraft] = useState<Draft>(() => draftOf(runtime.binding ?? runtime.suggested));
  // A tool not bound yet starts with the policy its suggested binding (an imported HTTP operation) calls for.
  const [policy, setPolicy] = useState<ToolPolicy>(runtime.binding === null && runtime.suggested ? defaultPolicy(runtime.suggested) : runtime.policy);
  const [secretName, setSecretName] = useState('');
  const [secretValue, setSecretValue] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });

  function submit() {
    let binding: RuntimeBinding | null;
    try {
      binding = bindingOf(draft);
    } catch {
      setParseError(t('test.binding.jsonError'));
      return;
    }
    setParseError(null);
    save.mutate({ projectId: project.id, toolId: runtime.toolId, binding, policy }, { onSuccess: onClose });
  }

  return (
    <Dialog title={t('test.binding.title', { name: runtime.name })} onClose={onClose} wide>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <div className="field-row">
          <SelectField label={t('test.binding.kind')} value={draft.kind} onChange={(e) => {
              const kind = e.target.value as Kind;
              setDraft({ ...draft, kind });
              setPolicy(defaultPolicy(bindingOfSafe({ ...draft, kind })));
            }}>
              {KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`test.binding.kind.${kind}`)}
                </option>
              ))}
            </SelectField>
          <SelectField label={t('test.bindings.policy')} value={policy} onChange={(e) => setPolicy(e.target.value as ToolPolicy)}>
              {TOOL_POLICIES.map((p) => (
                <option key={p} value={p}>
                  {t(`test.policy.${p}`)}
                </option>
              ))}
            </SelectField>
        </div>
        {draft.kind === 'builtin' && (
          <>
            <SelectField label={t('test.binding.builtin')} value={draft.builtin} onChange={(e) => set({ builtin: e.target.value })}>
                {BUILTIN_TOOLS.map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </SelectField>
            <div className="field-row">
              <TextField label={t('test.binding.pathArgument')} value={draft.pathArgument} onChange={(v) => set({ pathArgument: v })} placeholder="path" mono />
              <TextField label={t('test.binding.contentArgument')} value={draft.contentArgument} onChange={(v) => set({ contentArgument: v })} placeholder="content" mono />
              <SelectField label={t('test.binding.pathFrom')} value={draft.pathFrom} onChange={(e) => set({ pathFrom: e.target.value as 'path' | 'title' })}>
                  <option value="path">{t('test.binding.pathFrom.path')}</option>
                  <option value="title">{t('test.binding.pathFrom.title')}</option>
                </SelectField>
            </div>
          </>
        )}
        {draft.kind === 'http' && (
          <>
            <div className="field-row">
              <TextField label={t('test.binding.baseUrl')} value={draft.baseUrl} onChange={(v) => set({ baseUrl: v })} placeholder="http://127.0.0.1:8080/api" mono />
              <SelectField label={t('test.binding.method')} value={draft.method} onChange={(e) => set({ method: e.target.value })}>
                  {['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </SelectField>
              <TextField label={t('test.binding.pathTemplate')} value={draft.pathTemplate} onChange={(v) => set({ pathTemplate: v })} placeholder="/items/{id}" mono />
            </div>
            <TextField label={t('test.binding.params')} value={draft.params} onChange={(v) => set({ params: v })} mono rows={4} />
            <TextField label={t('test.binding.headers')} value={draft.headers} onChange={(v) => set({ headers: v })} mono rows={3} placeholder={'[{"name": "Authorization", "secret": "api-token"}]'} />
            <fieldset className="secrets">
              <legend>{t('test.secrets.title')}</legend>
              <p className="hint">{secretNames.length > 0 ? t('test.secrets.known', { names: secretNames.join(', ') }) : t('test.secrets.none')}</p>
              <div className="field-row">
                <TextField label={t('test.secrets.name')} value={secretName} onChange={setSecretName} mono />
                <label className="field">
                  <span>{t('test.secrets.value')}</span>
                  <input type="password" autoComplete="off" value={secretValue} onChange={(e) => setSecretValue(e.target.value)} />
                </label>
                <button type="button" disabled={secretName === '' || secretValue === ''} onClick={() => setSecret.mutate({ projectId: project.id, name: secretName, value: secretValue }, { onSuccess: () => setSecretValue('') })}>
                  {t('test.secrets.save')}
                </button>
              </div>
              <ErrorMessage error={setSecret.error} />
            </fieldset>
          </>
        )}
        {draft.kind === 'script' && (
          <>
            <TextField label={t('test.binding.command')} value={draft.command} onChange={(v) => set({ command: v })} placeholder="/home/me/bin/lookup" mono />
            <TextField label={t('test.binding.args')} value={draft.args} onChange={(v) => set({ args: v })} mono rows={3} />
            <p className="hint">{t('test.binding.scriptHint')}</p>
          </>
        )}
        {(draft.kind === 'script' || draft.kind === 'http') && <TextField label={t('test.binding.timeoutMs')} value={draft.timeoutMs} onChange={(v) => set({ timeoutMs: v })} placeholder="30000" />}
        {draft.kind === 'mcp' && (
          <div className="field-row">
            <SelectField label={t('test.binding.server')} value={draft.serverId} onChange={(e) => set({ serverId: e.target.value })}>
                <option value="">—</option>
                {(servers.data ?? []).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </SelectField>
            <TextField label={t('test.binding.mcpTool')} value={draft.mcpTool} onChange={(v) => set({ mcpTool: v })} mono />
          </div>
        )}
        {draft.kind === 'mock' && (
          <>
            <SelectField label={t('test.binding.mockMode')} value={draft.mockMode} onChange={(e) => set({ mockMode: e.target.value as 'fixed' | 'example' })}>
                <option value="example">{t('test.binding.mock.example')}</option>
                <option value="fixed">{t('test.binding.mock.fixed')}</option>
              </SelectField>
            {draft.mockMode === 'fixed' && <TextField label={t('test.binding.response')} value={draft.response} onChange={(v) => set({ response: v })} rows={4} mono />}
          </>
        )}
        {parseError && <p className="field-error">{parseError}</p>}
        <ErrorMessage error={save.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={save.isPending}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function bindingOfSafe(draft: Draft): RuntimeBinding | null {
  try {
    return bindingOf(draft);
  } catch {
    return null;
  }
}

function SelectField({ label, value, onChange, children }: { label: string; value: string; onChange(event: { target: { value: string } }): void; children: ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={onChange}>
        {children}
      </select>
    </div>
  );
}

function TextField({ label, value, onChange, placeholder, mono = false, rows }: { label: string; value: string; onChange(value: string): void; placeholder?: string; mono?: boolean; rows?: number }) {
  const id = useId();
  const className = mono ? 'mono' : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {rows ? <textarea id={id} className={className} rows={rows} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} /> : <input id={id} className={className} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />}
    </div>
  );
}
