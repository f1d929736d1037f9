#!/usr/bin/env node
// Makes sure Go exists for the unit tests (the Ollama template check renders Modelfile templates with Go's own
// text/template), and says what it did: Debian's golang-go when running as root.
import { spawnSync } from 'node:child_process';
import { aptInstall } from './apt-install.mjs';

const hasGo = () => spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
if (hasGo()) process.exit(0);
console.log('ensure-go: no Go found; trying to install it.');
if (aptInstall('ensure-go', ['golang-go']) && hasGo()) {
  console.log("ensure-go: installed Debian's golang-go");
  process.exit(0);
}
console.error('ensure-go: could not find or install Go. Install it (Debian/Ubuntu: `sudo apt-get install golang-go`, or https://go.dev/dl/).');
process.exit(1);
