import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Random-access bytes: a file (read on demand) or an in-memory buffer. */
export interface ByteSource {
  readonly size: number;
  /** Reads exactly `length` bytes at `position`; callers check bounds against `size` first. */
  read(position: number, length: number): Uint8Array;
  close(): void;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    read: (position, length) => bytes.subarray(position, position + length),
    close: () => {},
  };
}

export function fileSource(path: string): ByteSource {
  const fd = openSync(path, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return {
    size,
    read(position, length) {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return done === length ? out : out.subarray(0, done);
    },
    close: () => closeSync(fd),
  };
}
