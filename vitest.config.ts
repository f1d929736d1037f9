import { defineConfig } from 'vitest/config';

// Two projects: fast unit and property tests in parallel, and the native trainer
// tests one file at a time (each trains a model and wants both cores).
// `npm run test:native` builds the trainer first.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.native.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'native',
          include: ['src/**/*.native.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
