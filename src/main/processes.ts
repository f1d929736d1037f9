import { readFileSync } from 'node:fs';

/** Whether a process with this pid exists (one of another user's counts: signalling it is merely refused). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * The process's peak resident memory in bytes: the kernel's high-water mark (VmHWM), so short peaks between two
 * polls are not missed. 0 where it cannot be read (not Linux, a process that is gone).
 */
export function peakMemoryOf(pid: number | undefined): number {
  if (pid === undefined || process.platform !== 'linux') return 0;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
