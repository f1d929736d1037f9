#!/usr/bin/env node
// Starts the built app: the Electron window where Electron is installed, else
// serve mode in the browser. `npm start` builds first.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

function electronBinary() {
  try {
    // The electron package exports the path of its binary; it throws when the download never happened.
    return createRequire(import.meta.url)('electron');
  } catch {
    return null;
  }
}

const forwarded = process.argv.slice(2);
const electron = process.env.TOOLTUNE_SERVE ? null : electronBinary();
const [command, args] = electron
  ? [electron, ['.', ...forwarded]]
  : [process.execPath, ['out/main/serve.js', ...forwarded]];
if (!electron) {
  console.log('Electron is not installed on this machine: serving the same UI in your browser instead (serve mode).');
}
const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
