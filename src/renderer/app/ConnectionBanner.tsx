import { useT } from '../i18n/I18nProvider';
import { useConnection } from './ApiProvider';

/** Says plainly when the page cannot reach ToolTune and what happens next. */
export function ConnectionBanner() {
  const t = useT();
  const { state, store } = useConnection();
  if (state.status === 'open' || state.status === 'connecting') return null;
  return (
    <div className="banner banner-warning" role="alert">
      {state.status === 'no-token' ? (
        <span>{t('connection.noToken')}</span>
      ) : (
        <>
          <span>{t('connection.lost')}</span>
          <button type="button" onClick={() => store.retryNow()}>
            {t('connection.retryNow')}
          </button>
        </>
      )}
    </div>
  );
}
