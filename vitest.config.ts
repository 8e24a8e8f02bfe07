import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/electron/**/*.test.ts'],
    globalSetup: ['test/temp-root.ts'],
    setupFiles: ['test/fail-on-draw-failures.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: the e2e and kill tests start processes of their own.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
