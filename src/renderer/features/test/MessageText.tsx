import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useT } from '../../i18n/I18nProvider';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`)\]]+/g;

/**
 * Model and tool text as text: React escapes it, nothing is parsed as HTML. Web addresses become buttons that open
 * only after the user confirmed the full address.
 */
export function MessageText({ text }: { text: string }) {
  const t = useT();
  const [pending, setPending] = useState<string | null>(null);
  const parts: Array<string | { url: string }> = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    parts.push(text.slice(last, match.index), { url: match[0] });
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return (
    <div className="message-text">
      {parts.map((part, i) =>
        typeof part === 'string' ? (
          part
        ) : (
          <button key={i} type="button" className="link-button" onClick={() => setPending(part.url)}>
            {part.url}
          </button>
        ),
      )}
      {pending !== null && (
        <ConfirmDialog
          title={t('test.link.title')}
          confirmLabel={t('test.link.open')}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            window.open(pending, '_blank', 'noopener,noreferrer');
            setPending(null);
          }}
        >
          <p>{t('test.link.body')}</p>
          <p className="mono wrap">{pending}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
