import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    // Native trainer tests build nothing themselves: `npm run build:native` runs first.
    reporters: ['default'],
  },
});
