#!/usr/bin/env node
// Makes sure a Chromium exists for the end-to-end tests, and says what it did:
// Playwright's own download where the network allows it, else Debian's `chromium`
// package when running as root.
import { spawnSync } from 'node:child_process';
import { findChromium } from './browser-path.mjs';

function run(command, args) {
  console.log(`ensure-browser: running ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

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
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (isRoot && hasApt && run('apt-get', ['update', '-q']) && run('apt-get', ['install', '-y', '-q', 'chromium'])) {
  console.log(`ensure-browser: installed Debian's chromium: ${findChromium()}`);
} else if (run('npx', ['playwright', 'install', 'chromium'])) {
  console.log(`ensure-browser: installed Playwright's Chromium: ${findChromium()}`);
}
if (!findChromium()) {
  console.error(
    'ensure-browser: could not find or install Chromium. Install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set TOOLTUNE_CHROMIUM to a Chromium binary.',
  );
  process.exit(1);
}
