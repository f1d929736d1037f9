import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './paths';

describe('resolveDataDir', () => {
  it('prefers TOOLTUNE_DATA_DIR over everything', () => {
    expect(resolveDataDir({ TOOLTUNE_DATA_DIR: '/x/data', XDG_DATA_HOME: '/y' }, '/electron')).toBe('/x/data');
  });
  it('uses Electron userData when given', () => {
    expect(resolveDataDir({}, '/electron/userData')).toBe('/electron/userData');
  });
  it.runIf(process.platform === 'linux')('follows XDG_DATA_HOME on Linux', () => {
    expect(resolveDataDir({ XDG_DATA_HOME: '/xdg' })).toBe('/xdg/tooltune');
  });
});
