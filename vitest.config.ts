import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Real-process tests share the machine's 2 cores; keep files parallel but bounded.
    maxWorkers: 2,
  },
});
