import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * Writes a file through a temporary sibling and a rename, so readers (the trainer,
 * llama.cpp) never see a half-written file and a failure leaves nothing behind.
 * `emit` hands over the content in chunks, so large files need not sit in memory whole. `mode` (before the umask)
 * applies from the first byte: a private file is never readable by others, not even while it is written.
 */
export function writeFileAtomically(path: string, emit: (write: (chunk: Uint8Array) => void) => void, mode = 0o666): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', mode);
  try {
    emit((chunk) => {
      let done = 0;
      while (done < chunk.byteLength) done += writeSync(fd, chunk, done, chunk.byteLength - done);
    });
    closeSync(fd);
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
