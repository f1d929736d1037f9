import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretStorageKind } from '../../shared/contract/runtime';
import { ToolTuneError } from '../../shared/errors';
import { writeFileAtomically } from '../atomicFile';

/** Electron's `safeStorage` (the OS keychain), when the desktop app runs and it is available. */
export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
}

const SECRETS_FILE = 'secrets.json';
const MAX_SECRETS = 1000;

type SecretFile = Record<string, Record<string, string>>;

/**
 * Secrets of HTTP tools (API keys, tokens), per project and by name. They never enter the database, exports or
 * logs: one file in the data folder, readable only by the user (mode 0600), its values encrypted with the OS
 * keychain where the desktop app offers it, else kept as they are (serve mode, CLI) — the UI says which.
 */
export class SecretStore {
  private readonly path: string;

  constructor(
    dataDir: string,
    private readonly cipher: SecretCipher | null = null,
  ) {
    this.path = join(dataDir, SECRETS_FILE);
  }

  get storage(): SecretStorageKind {
    return this.cipher ? 'safeStorage' : 'file';
  }

  names(projectId: string): string[] {
    return Object.keys(this.read()[projectId] ?? {}).sort();
  }

  get(projectId: string, name: string): string | undefined {
    const stored = this.read()[projectId]?.[name];
    return stored === undefined ? undefined : this.reveal(stored);
  }

  /** Every value of the project, for redacting logs and results (one read of the file). */
  values(projectId: string): string[] {
    return Object.values(this.read()[projectId] ?? {}).map((stored) => this.reveal(stored));
  }

  set(projectId: string, name: string, value: string | null): void {
    const all = this.read();
    const project = { ...(all[projectId] ?? {}) };
    if (value === null) delete project[name];
    else {
      if (!(name in project) && Object.values(all).reduce((n, p) => n + Object.keys(p).length, 0) >= MAX_SECRETS) {
        throw new ToolTuneError('too-large', `At most ${MAX_SECRETS} secrets can be kept.`);
      }
      project[name] = this.cipher ? this.cipher.encrypt(value).toString('base64') : value;
    }
    all[projectId] = project;
    writeFileAtomically(this.path, (write) => write(Buffer.from(JSON.stringify(all))), { mode: 0o600 });
  }

  private reveal(stored: string): string {
    return this.cipher ? this.cipher.decrypt(Buffer.from(stored, 'base64')) : stored;
  }

  private read(): SecretFile {
    if (!existsSync(this.path)) return {};
    const parsed: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ToolTuneError('internal', `${this.path} is not a secrets file.`);
    return parsed as SecretFile;
  }
}

export const REDACTED = '[secret]';

/**
 * Replaces every secret value in a text, as written and percent-encoded (in a URL), longest first so that a secret
 * inside another is not half shown.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED).split(encodeURIComponent(secret)).join(REDACTED);
  }
  return out;
}
