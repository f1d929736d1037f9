import { useT } from '../i18n/I18nProvider';
import type { StepId } from './steps';
import { STEP_LABELS, STEP_SUMMARIES } from './steps';

export function ComingLater({ step }: { step: StepId }) {
  const t = useT();
  return (
    <section className="coming-later" aria-labelledby="coming-later-title">
      <h2 id="coming-later-title">{t(STEP_LABELS[step])}</h2>
      <p>{t(STEP_SUMMARIES[step])}</p>
      <p className="hint">{t('steps.comesLater')}</p>
    </section>
  );
}
