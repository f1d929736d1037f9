import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/browser-path.mjs';

/** Port and token of the serve-mode instance the `web` project tests against. */
export const E2E_PORT = 47831;
export const E2E_TOKEN = 'e2e-token';

// A fresh data folder per run: the specs rely on a first start (the Demo project is seeded).
// Kept in the environment so that worker processes, which load this file again, agree on it.
process.env.TOOLTUNE_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'tooltune-e2e-'));
const dataDir = process.env.TOOLTUNE_E2E_DATA_DIR;

export default defineConfig({
  testDir: 'e2e',
  forbidOnly: !!process.env.CI,
  workers: 1,
  retries: 0,
  reporter: 'list',
  timeout: 60_000,
  use: { trace: 'retain-on-failure' },
  projects: [
    {
      name: 'web',
      testIgnore: /electron\.spec\.ts$/,
      use: {
        baseURL: `http://127.0.0.1:${E2E_PORT}`,
        viewport: { width: 1280, height: 800 },
        acceptDownloads: true,
        launchOptions: {
          // `npm run test:e2e` runs scripts/ensure-browser.mjs first, which installs one if none is found.
          executablePath: findChromium() ?? undefined,
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
        },
      },
    },
    { name: 'electron', testMatch: /electron\.spec\.ts$/ },
  ],
  webServer: {
    command: `node out/main/serve.js --port ${E2E_PORT}`,
    url: `http://127.0.0.1:${E2E_PORT}/`,
    env: { TOOLTUNE_TOKEN: E2E_TOKEN, TOOLTUNE_DATA_DIR: dataDir },
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
  },
});
