import { useId, useState } from 'react';
import type { EvalResultDetail } from '../../../shared/contract';
import type { CaseResult, StepResult } from '../../../shared/eval/metrics';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { useSimilarSamples } from './queries';

const json = (value: unknown) => JSON.stringify(value, null, 1);

function expectedText(step: StepResult): string {
  if (step.expected.length === 0) return '(no call)';
  return step.expected
    .map((call) => `${call.name}(${Object.entries(call.arguments).filter(([, a]) => a.values.length > 0).map(([key, a]) => `${key}=${a.values.map((v) => JSON.stringify(v)).join(' | ')}${a.mayOmit ? ' (optional)' : ''}`).join(', ')})`)
    .join('\n');
}

function producedText(step: StepResult): string {
  if (step.produced === null) return '(a call that cannot be read)';
  if (step.produced.length === 0) return '(no call)';
  return step.produced.map((call) => `${call.name}(${json(call.arguments)})`).join('\n');
}

/** The failed cases of one result: expected against produced, the rule that failed, and the most similar training samples. */
export function FailureBrowser({ projectId, result }: { projectId: string; result: EvalResultDetail }) {
  const t = useT();
  const kindId = useId();
  const [kind, setKind] = useState<string>('');
  const [selected, setSelected] = useState<string | null>(null);
  const failed = result.cases.filter((c) => !c.valid && (kind === '' || c.kind === kind));
  const kinds = [...new Set(result.cases.filter((c) => !c.valid).map((c) => c.kind))];
  const current = failed.find((c) => c.id === selected) ?? failed[0];

  return (
    <section className="panel-card failure-browser" aria-labelledby="failures-title">
      <h3 id="failures-title">{t('evaluate.failures.title', { variant: t(result.variant === 'base' ? 'evaluate.variant.base' : 'evaluate.variant.tuned'), count: result.cases.filter((c) => !c.valid).length })}</h3>
      <label htmlFor={kindId}>{t('evaluate.failures.kind')}</label>{' '}
      <select id={kindId} value={kind} onChange={(event) => setKind(event.target.value)}>
        <option value="">{t('evaluate.failures.allKinds')}</option>
        {kinds.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      {failed.length === 0 ? (
        <p className="hint">{t('evaluate.failures.none')}</p>
      ) : (
        <div className="failure-columns">
          <ul className="failure-list" aria-label={t('evaluate.failures.list')}>
            {failed.map((c) => (
              <li key={c.id}>
                <button type="button" className="link" aria-current={c.id === current?.id} onClick={() => setSelected(c.id)}>
                  {t('evaluate.failures.case', { id: c.id, kind: c.kind })} — {ruleOf(c)}
                </button>
              </li>
            ))}
          </ul>
          {current && <CaseView projectId={projectId} resultId={result.id} evalCase={current} />}
        </div>
      )}
    </section>
  );
}

/** The rule the first failing step broke. */
function ruleOf(evalCase: CaseResult): string {
  for (const step of evalCase.steps) if (!step.verdict.valid) return step.verdict.rule;
  return '';
}

function CaseView({ projectId, resultId, evalCase }: { projectId: string; resultId: string; evalCase: CaseResult }) {
  const t = useT();
  const similar = useSimilarSamples(projectId, resultId, evalCase.id);
  return (
    <article className="case-view" aria-label={t('evaluate.failures.case', { id: evalCase.id, kind: evalCase.kind })}>
      {evalCase.steps.map((step, i) => (
        <div key={i} className="case-step" data-valid={step.verdict.valid}>
          <h4>{t('evaluate.failures.step', { step: i + 1, count: evalCase.steps.length })}</h4>
          {!step.verdict.valid && (
            <p className="rule">
              <strong>{step.verdict.rule}</strong>: {step.verdict.message}
            </p>
          )}
          <div className="compare">
            <div>
              <h5>{t('evaluate.failures.expected')}</h5>
              <pre>{expectedText(step)}</pre>
            </div>
            <div>
              <h5>{t('evaluate.failures.produced')}</h5>
              <pre className={step.verdict.valid ? undefined : 'differs'}>{producedText(step)}</pre>
            </div>
          </div>
          <details>
            <summary>{t('evaluate.failures.text')}</summary>
            <pre>{step.text}</pre>
          </details>
        </div>
      ))}
      <h4>{t('evaluate.failures.similar')}</h4>
      <ErrorMessage error={similar.error} />
      {similar.data && similar.data.length === 0 && <p className="hint">{t('evaluate.failures.noSimilar')}</p>}
      <ul>
        {similar.data?.map((s) => (
          <li key={s.sampleId}>
            {t('evaluate.failures.sample', { id: s.sampleId, kind: s.kind ?? '?', similarity: Math.round(s.similarity * 100) })}: {s.userText}
          </li>
        ))}
      </ul>
    </article>
  );
}
