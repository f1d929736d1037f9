import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_UPLOAD_MAX } from '../../shared/contract';
import { ToolTuneError } from '../../shared/errors';

/** An upload nobody added to or imported for this long is dropped. */
const IDLE_MS = 10 * 60 * 1000;
/** Uploads kept at once; a client that starts more loses its oldest. */
const MAX_UPLOADS = 8;

interface Upload {
  file: string;
  bytes: number;
  touched: number;
}

/**
 * Large import files arrive in parts (each RPC message stays small) and are appended to a file in
 * `dir`, so a 200 MB import never sits in main's memory; `take` hands the file to an import job,
 * which deletes it when done. Files a crash left behind are cleared on start once idle (another
 * ToolTune process, the CLI beside the app, may be using the same folder right now).
 */
export class UploadStaging {
  private readonly uploads = new Map<string, Upload>();

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dir, { recursive: true });
    const cutoff = this.now() - IDLE_MS;
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if ((statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < cutoff) this.discard(file);
    }
  }

  append(uploadId: string | undefined, text: string): { uploadId: string; bytes: number } {
    this.prune();
    const id = uploadId ?? randomUUID();
    const upload = uploadId === undefined ? this.create(id) : this.uploads.get(uploadId);
    if (!upload) throw new ToolTuneError('not-found', 'That upload expired or was already imported; send the file again.');
    const bytes = Buffer.byteLength(text, 'utf8');
    if (upload.bytes + bytes > DATA_UPLOAD_MAX) {
      this.drop(id);
      throw new ToolTuneError('too-large', `Imports are capped at ${DATA_UPLOAD_MAX.toLocaleString('en')} bytes.`);
    }
    appendFileSync(upload.file, text, 'utf8');
    upload.bytes += bytes;
    upload.touched = this.now();
    return { uploadId: id, bytes: upload.bytes };
  }

  /** The staged file's path, no longer tracked here: the caller deletes it with `discard`. */
  take(uploadId: string): string {
    this.prune();
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new ToolTuneError('not-found', 'That upload expired or was already imported; send the file again.');
    this.uploads.delete(uploadId);
    return upload.file;
  }

  discard(file: string): void {
    rmSync(file, { force: true });
  }

  private create(id: string): Upload {
    const upload: Upload = { file: join(this.dir, `${id}.upload`), bytes: 0, touched: this.now() };
    this.uploads.set(id, upload);
    const oldest = this.uploads.keys().next().value;
    if (this.uploads.size > MAX_UPLOADS && oldest !== undefined) this.drop(oldest);
    return upload;
  }

  private drop(id: string): void {
    const upload = this.uploads.get(id);
    this.uploads.delete(id);
    if (upload) this.discard(upload.file);
  }

  private prune(): void {
    const cutoff = this.now() - IDLE_MS;
    for (const [id, upload] of this.uploads) if (upload.touched < cutoff) this.drop(id);
  }
}
