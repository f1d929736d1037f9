#!/usr/bin/env node
// Makes sure a Chromium exists for the end-to-end tests, and says what it did:
// Playwright's own download where the network allows it, else Debian's `chromium`
// package when running as root.
import { aptInstall, run } from './apt-install.mjs';
import { findChromium } from './browser-path.mjs';

const found = findChromium();
if (found) {
  console.log(`ensure-browser: using ${found}`);
  process.exit(0);
}
if (process.env.TOOLTUNE_CHROMIUM) {
  console.error(`ensure-browser: TOOLTUNE_CHROMIUM points to ${process.env.TOOLTUNE_CHROMIUM}, which does not exist.`);
  process.exit(1);
}
console.log('ensure-browser: no Chromium found; trying to install one.');
if (aptInstall('ensure-browser', ['chromium'])) {
  console.log(`ensure-browser: installed Debian's chromium: ${findChromium()}`);
} else if (run('ensure-browser', 'npx', ['playwright', 'install', 'chromium'])) {
  console.log(`ensure-browser: installed Playwright's Chromium: ${findChromium()}`);
}
if (!findChromium()) {
  console.error(
    'ensure-browser: could not find or install Chromium. Install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set TOOLTUNE_CHROMIUM to a Chromium binary.',
  );
  process.exit(1);
}
