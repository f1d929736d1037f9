import { ToolTuneError, type ErrorCode } from '../../shared/errors';
import type { ToolProblem } from '../../shared/tools/types';
import type { MessageKey } from '../i18n/catalogs';
import { useT } from '../i18n/I18nProvider';
import { ProblemList } from './ProblemList';

const TITLES: Record<ErrorCode, MessageKey> = {
  'invalid-input': 'error.invalid-input',
  'not-found': 'error.not-found',
  conflict: 'error.conflict',
  'too-large': 'error.too-large',
  timeout: 'error.timeout',
  unavailable: 'error.unavailable',
  internal: 'error.internal',
};

function problemsOf(error: ToolTuneError): ToolProblem[] {
  const details = error.details;
  if (typeof details !== 'object' || details === null || !('problems' in details)) return [];
  return Array.isArray(details.problems) ? (details.problems as ToolProblem[]) : [];
}

/** A failed call: a translated headline by error code, main's own explanation, and any per-tool problems. */
export function ErrorMessage({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  const known = error instanceof ToolTuneError ? error : null;
  return (
    <div role="alert" className="error-message">
      <strong>{t(known ? TITLES[known.code] : 'error.internal')}</strong>{' '}
      <span>{error instanceof Error ? error.message : String(error)}</span>
      {known && <ProblemList problems={problemsOf(known)} showToolName />}
    </div>
  );
}
