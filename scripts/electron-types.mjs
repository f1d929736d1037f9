#!/usr/bin/env node
// TypeScript needs Electron's API types even where the Electron package could not
// be installed (its binary download is blocked on some machines, which makes npm
// drop the optional dependency). Copy electron.d.ts from the installed package, or
// take it from the npm tarball of the same version, into .cache/electron-types/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const target = join(root, '.cache/electron-types/electron.d.ts');
const wanted = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).optionalDependencies.electron;
const installed = join(root, 'node_modules/electron/electron.d.ts');
const stamp = `${target}.version`;

mkdirSync(join(root, '.cache/electron-types'), { recursive: true });
if (existsSync(installed)) {
  copyFileSync(installed, target);
} else if (!existsSync(target) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
  console.log(`electron-types: Electron is not installed; fetching the type declarations of electron@${wanted} from the npm registry.`);
  const dir = mkdtempSync(join(tmpdir(), 'tooltune-electron-types-'));
  try {
    const tarball = execFileSync('npm', ['pack', `electron@${wanted}`, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', tarball, 'package/electron.d.ts'], { cwd: dir });
    copyFileSync(join(dir, 'package/electron.d.ts'), target);
    execFileSync('sh', ['-c', `printf %s "$1" > "$2"`, 'sh', wanted, stamp]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
