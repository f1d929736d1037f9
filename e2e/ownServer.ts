import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import BetterSqlite3 from 'better-sqlite3';

/**
 * A serve-mode instance of a spec's own (its own port and data folder), for specs that kill and restart the
 * serving process or need a first start of their own.
 */
export class OwnServer {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'tooltune-e2e-own-'));
  private child: ChildProcess | null = null;

  constructor(
    readonly port: number,
    readonly token: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/#token=${this.token}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['out/main/serve.js', '--port', String(this.port)], {
      env: { ...process.env, TOOLTUNE_TOKEN: this.token, TOOLTUNE_DATA_DIR: this.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('serve did not start within 30 s')), 30_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes(`127.0.0.1:${this.port}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
  }

  kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** One value read from the server's database (read-only, beside the running server). */
  query<T>(sql: string, ...params: unknown[]): T {
    const db = new BetterSqlite3(join(this.dataDir, 'tooltune.sqlite'), { readonly: true });
    try {
      return db.prepare(sql).pluck().get(...params) as T;
    } finally {
      db.close();
    }
  }

  async openStep(page: Page, step: string): Promise<void> {
    await page.goto(this.url);
    await page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: step }).click();
    await page.getByRole('heading', { name: step, exact: true }).waitFor();
  }
}
