import { useId, useState } from 'react';
import type { ChatModelOption, ProjectSummary } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { BindingsPanel } from './BindingsPanel';
import { ChatView } from './ChatView';
import { McpPanel } from './McpPanel';
import { useChatModels, useConversation, useConversations, useCreateConversation, useLiveTestQueries } from './queries';

const keyOf = (option: ChatModelOption) => JSON.stringify(option.model);

/** The Test step: chat with a model (or two side by side) that calls the project's tools for real, and set how each tool runs. */
export function TestStep({ project }: { project: ProjectSummary }) {
  const t = useT();
  const projectId = project.id;
  useLiveTestQueries(projectId);
  const models = useChatModels(projectId);
  const conversations = useConversations(projectId);
  const create = useCreateConversation();
  const ids = { model: useId(), compare: useId() };
  const options = models.data ?? [];
  const [modelKey, setModelKey] = useState('');
  const [compareKey, setCompareKey] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const list = conversations.data ?? [];
  const currentId = openId ?? list[0]?.id ?? null;
  const conversation = useConversation(projectId, currentId);
  const chosen = options.find((o) => keyOf(o) === modelKey) ?? options[0];
  const compared = options.find((o) => keyOf(o) === compareKey);

  function start() {
    if (!chosen) return;
    create.mutate({ projectId, lanes: compared ? [chosen.model, compared.model] : [chosen.model] }, { onSuccess: (created) => setOpenId(created.id) });
  }

  return (
    <section className="test-step" aria-labelledby="test-step-title">
      <div className="toolbar">
        <h2 id="test-step-title">{t('test.title')}</h2>
      </div>
      <p className="hint">{t('test.intro')}</p>
      <div className="test-layout">
        <aside className="panel-card conversation-list" aria-label={t('test.conversations.title')}>
          <h3>{t('test.new.title')}</h3>
          {options.length === 0 ? (
            <p className="hint">{models.isPending ? t('common.loading') : t('test.new.noModels')}</p>
          ) : (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                start();
              }}
            >
              <label className="field" htmlFor={ids.model}>
                <span>{t('test.new.model')}</span>
                <ModelSelect id={ids.model} options={options} value={chosen ? keyOf(chosen) : ''} onChange={setModelKey} />
              </label>
              <label className="field" htmlFor={ids.compare}>
                <span>{t('test.new.compare')}</span>
                <ModelSelect id={ids.compare} options={options} value={compareKey} onChange={setCompareKey} none={t('test.new.compareNone')} />
              </label>
              <button type="submit" className="primary" disabled={create.isPending}>
                {t('test.new.start')}
              </button>
            </form>
          )}
          <ErrorMessage error={models.error ?? create.error ?? conversations.error} />
          <h3>{t('test.conversations.title')}</h3>
          <ul className="plain-list">
            {list.map((c) => (
              <li key={c.id}>
                <button type="button" className={c.id === currentId ? 'list-item selected' : 'list-item'} aria-current={c.id === currentId} onClick={() => setOpenId(c.id)}>
                  {c.title}
                  <span className="hint"> · {c.lanes.map((l) => l.label).join(' | ')}</span>
                </button>
              </li>
            ))}
          </ul>
        </aside>
        <div className="test-main">
          {conversation.data ? <ChatView project={project} conversation={conversation.data} /> : <p className="hint">{t('test.chat.none')}</p>}
          <ErrorMessage error={conversation.error} />
        </div>
      </div>
      <BindingsPanel project={project} />
      <McpPanel project={project} />
    </section>
  );
}

function ModelSelect({ id, options, value, onChange, none }: { id: string; options: ChatModelOption[]; value: string; onChange(key: string): void; none?: string }) {
  const t = useT();
  const groups = ['run', 'export', 'base'] as const;
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
      {none !== undefined && <option value="">{none}</option>}
      {groups.map((group) => {
        const inGroup = options.filter((o) => o.group === group);
        return inGroup.length === 0 ? null : (
          <optgroup key={group} label={t(`test.model.group.${group}`)}>
            {inGroup.map((o) => (
              <option key={keyOf(o)} value={keyOf(o)}>
                {o.label}
              </option>
            ))}
          </optgroup>
        );
      })}
    </select>
  );
}
