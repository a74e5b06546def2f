import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The fast inner loop (`npm run test:unit`): tests that call the library on real temp
 * trees, with no spawned process, no httpd and no model-based fuzzing. `npm test` runs
 * these and everything else.
 */
export default defineConfig({
  test: {
    ...base.test,
    // Replaces the full run's list (mergeConfig would add to it).
    include: [
      'test/core/**/*.test.ts', 'test/native/**/*.test.ts', 'test/prune/**/*.test.ts', 'test/scan/**/*.test.ts', 'test/list/match.test.ts',
      'test/compat/parse.test.ts', 'test/schedule/{log,promFile,scheduler,schedulerWatch}.test.ts',
      'test/index/{index,loadedIndex,pruneRecency,regroup,spareRows,streamedIndex}.test.ts', 'test/accessLog/*.test.ts',
      'test/hardening/{headerFuzz,lockFaults,rootVanish,treeFallback}.test.ts',
      'test/html/{escape,model,page,runLog}.test.ts',
      'test/gentoo/{manifests,judge}.test.ts',
    ],
  },
});
