// Installs Debian packages for the test suite when this process may (root, apt-get present), saying what it runs.
import { spawnSync } from 'node:child_process';

function run(tag, command, args) {
  console.log(`${tag}: running ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

/** Whether `packages` were installed; false where this process cannot install them. */
export function aptInstall(tag, packages) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  return isRoot && hasApt && run(tag, 'apt-get', ['update', '-q']) && run(tag, 'apt-get', ['install', '-y', '-q', ...packages]);
}

export { run };
