// Where the end-to-end tests find Chromium: an explicit TOOLTUNE_CHROMIUM, a system
// Chromium (Debian's package), or a browser Playwright downloaded itself.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function playwrightChromium() {
  try {
    const { chromium } = createRequire(import.meta.url)('playwright-core');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** @returns {string | null} */
export function findChromium() {
  const explicit = process.env.TOOLTUNE_CHROMIUM;
  if (explicit) return existsSync(explicit) ? explicit : null;
  return SYSTEM_CANDIDATES.find((candidate) => existsSync(candidate)) ?? playwrightChromium();
}
