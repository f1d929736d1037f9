#!/usr/bin/env node
// Some registry mirrors lack other platforms' optional packages (e.g. rollup's or
// node-llama-cpp's macOS and Windows binaries). npm then writes a lockfile without
// them, and `npm ci` refuses it as "out of sync". This adds the missing optional
// entries, by name and version only, so `npm ci` works here and installs them from
// the full registry elsewhere. Run it after changing dependencies.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const check = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts'], { encoding: 'utf8' });
const missing = [...`${check.stdout}${check.stderr}`.matchAll(/Missing: (\S+?)@\S* from lock file/g)].map((match) => match[1]);
if (missing.length === 0) {
  console.log(check.status === 0 ? 'complete-lockfile: package-lock.json is complete.' : check.stderr);
  process.exit(check.status ?? 1);
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const optionalRanges = new Map();
for (const entry of Object.values(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) optionalRanges.set(name, range);
}
for (const name of missing) {
  const version = optionalRanges.get(name);
  if (!version) {
    console.error(`complete-lockfile: ${name} is missing but is no optional dependency; run npm install instead.`);
    process.exit(1);
  }
  lock.packages[`node_modules/${name}`] = { version, optional: true };
}
const root = lock.packages[''];
delete lock.packages[''];
lock.packages = { '': root, ...Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b))) };
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${missing.length} optional entries: ${missing.join(', ')}`);
