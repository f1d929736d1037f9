import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomically } from './atomicFile';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tooltune-atomic-'));
  dirs.push(dir);
  return dir;
}

describe('writeFileAtomically', () => {
  it('writes every chunk', () => {
    const file = join(tempDir(), 'out.bin');
    writeFileAtomically(file, (write) => {
      write(new TextEncoder().encode('hello '));
      write(new TextEncoder().encode('world'));
    });
    expect(readFileSync(file, 'utf8')).toBe('hello world');
  });

  it('keeps the old file and leaves no temporary file when writing fails', () => {
    const dir = tempDir();
    const file = join(dir, 'out.bin');
    writeFileSync(file, 'old');
    expect(() =>
      writeFileAtomically(file, (write) => {
        write(new TextEncoder().encode('half'));
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('fails cleanly when the folder does not exist', () => {
    const file = join(tempDir(), 'missing', 'out.bin');
    expect(() => writeFileAtomically(file, (write) => write(new Uint8Array([1])))).toThrow(/ENOENT/);
    expect(existsSync(file)).toBe(false);
  });
});
