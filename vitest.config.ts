import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Real-process tests share the machine's 2 cores; keep files parallel but bounded.
    maxWorkers: 2,
    // CI reads the counts from a JSON report to print a plain "N passed, N failed" line.
    // skipReasons: why tests skipped (a missing apache2, not root), once each, after the summary.
    reporters: ['default', './test/setup/skipReasons.ts', ...(process.env.CACHECTL_TEST_JSON ? [['json', { outputFile: process.env.CACHECTL_TEST_JSON }] as const] : [])],
    // Fails the run if a test wrote to /var/lib/cachectl or left /tmp/cachectl-* behind;
    // gives the run a TMPDIR of its own.
    globalSetup: ['./test/setup/globalSetup.ts'],
  },
});
