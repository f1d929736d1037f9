import type { SampleCheck } from '../../../shared/contract';
import { useT } from '../../i18n/I18nProvider';
import { CHECK_LABELS, labelOf } from './labels';

/** A sample's checks: pass or fail, what was found, and where (JSON pointer into the sample). */
export function CheckList({ checks, label }: { checks: readonly SampleCheck[]; label: string }) {
  const t = useT();
  if (checks.length === 0) return null;
  return (
    <ul className="check-list" aria-label={label}>
      {checks.map((check, index) => (
        <li key={index} className={check.ok ? 'check check-ok' : 'check check-failed'}>
          <span className="check-mark" aria-hidden="true">
            {check.ok ? '✓' : '✗'}
          </span>
          <span className="check-name">{labelOf(CHECK_LABELS, check.check, t)}</span>
          <span className="check-state">{check.ok ? t('data.checks.passed') : t('data.checks.failed')}</span>
          {check.pointer !== undefined && check.pointer !== '' && (
            <code className="problem-pointer" title={t('data.checks.pointerHint')}>
              {check.pointer}
            </code>
          )}
          {check.message && <span className="problem-message">{check.message}</span>}
        </li>
      ))}
    </ul>
  );
}

/** Checks whose pointer falls inside `pointer`, for showing next to the part they are about. */
export function failedChecksAt(checks: readonly SampleCheck[], pointer: string): SampleCheck[] {
  return checks.filter((check) => !check.ok && check.pointer !== undefined && (check.pointer === pointer || check.pointer.startsWith(`${pointer}/`)));
}
