import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UploadStaging } from './uploadStaging';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tooltune-uploads-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('UploadStaging', () => {
  it('appends parts in order to one file and hands it out once', () => {
    const staging = new UploadStaging(join(dir, 'uploads'));
    const { uploadId } = staging.append(undefined, 'line 1\n');
    expect(staging.append(uploadId, 'zeile 2 ü\n')).toEqual({ uploadId, bytes: 18 });
    const file = staging.take(uploadId);
    expect(readFileSync(file, 'utf8')).toBe('line 1\nzeile 2 ü\n');
    expect(() => staging.take(uploadId)).toThrow(/expired or was already imported/);
    staging.discard(file);
    expect(existsSync(file)).toBe(false);
  });

  it('drops uploads left idle, and clears stale leftovers on start', () => {
    let now = 0;
    const staging = new UploadStaging(join(dir, 'uploads'), () => now);
    const { uploadId } = staging.append(undefined, 'x');
    now += 11 * 60 * 1000;
    expect(() => staging.append(uploadId, 'y')).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(existsSync(join(dir, 'uploads', `${uploadId}.upload`))).toBe(false);
    const fresh = staging.append(undefined, 'fresh');
    const stale = staging.append(undefined, 'stale');
    const staleFile = join(dir, 'uploads', `${stale.uploadId}.upload`);
    utimesSync(staleFile, new Date(0), new Date(0));
    new UploadStaging(join(dir, 'uploads'), Date.now);
    expect(existsSync(staleFile)).toBe(false);
    expect(existsSync(join(dir, 'uploads', `${fresh.uploadId}.upload`))).toBe(true);
  });
});
