import { useT } from '../i18n/I18nProvider';
import type { StepId } from './steps';
import { STEP_LABELS, STEPS } from './steps';

/** The wizard's steps in order; the current one is marked for assistive technology too. */
export function StepBar({ current, onSelect }: { current: StepId; onSelect(step: StepId): void }) {
  const t = useT();
  return (
    <nav className="step-bar" aria-label={t('steps.label')}>
      <ol>
        {STEPS.map((step, index) => (
          <li key={step}>
            <button type="button" aria-current={step === current ? 'step' : undefined} onClick={() => onSelect(step)}>
              <span className="step-number" aria-hidden="true">
                {index + 1}
              </span>
              {t(STEP_LABELS[step])}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
