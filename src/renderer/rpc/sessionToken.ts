/**
 * Serve mode hands the page its access token in the URL fragment (`#token=…`), which
 * never reaches server logs. We keep it in sessionStorage so a reload still works, and
 * drop it from the visible URL so it is not shared by copy-paste or screenshots.
 */
const STORAGE_KEY = 'tooltune.token';

export interface TokenSources {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  replaceUrl(url: string): void;
}

export function tokenFromHash(hash: string): string | null {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return value ? value : null;
}

export function takeSessionToken({ location, storage, replaceUrl }: TokenSources): string | null {
  const fromHash = tokenFromHash(location.hash);
  if (fromHash) {
    storage.setItem(STORAGE_KEY, fromHash);
    replaceUrl(`${location.pathname}${location.search}`);
    return fromHash;
  }
  return storage.getItem(STORAGE_KEY);
}
