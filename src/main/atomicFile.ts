import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Applies (before the umask) from the first byte: a private file is never readable by others, not even while it is written. */
  mode?: number;
  /** Runs after the content is written, before the rename; throwing leaves the old file as it was. */
  beforeRename?: () => void;
}

/**
 * Writes a file through a temporary sibling and a rename, so readers (the trainer, llama.cpp) never see a
 * half-written file and a failure leaves nothing behind. `emit` hands over the content in chunks, so large files
 * need not sit in memory whole. The temporary name is unguessable and opened exclusively, so a link planted there is
 * never followed, and it does not grow the target's name, which may already be as long as a name can be; the rename
 * replaces a link at the target rather than writing through it.
 */
export function writeFileAtomically(path: string, emit: (write: (chunk: Uint8Array) => void) => void, options: AtomicWriteOptions = {}): void {
  const tmp = join(dirname(path), `.tooltune-${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', options.mode ?? 0o666);
  try {
    emit((chunk) => {
      let done = 0;
      while (done < chunk.byteLength) done += writeSync(fd, chunk, done, chunk.byteLength - done);
    });
    closeSync(fd);
    options.beforeRename?.();
    renameSync(tmp, path);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
    rmSync(tmp, { force: true });
    throw error;
  }
}
