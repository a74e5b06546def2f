import { expect, test } from 'vitest';
import { writeSampleCache } from '../../src/core/sample/sampleCache.js';
import { tempDir } from '../helpers/tmp.js';
// The package's entry point (package.json "exports"), as a library user imports it.
import { prune, streamReport } from '../../src/index.js';

// The README's library example, run: a report, then a dry run that names what would go.
test('the library API: report, then a dry-run prune to half, as the README shows', async () => {
  const root = await tempDir();
  await writeSampleCache(root, { now: Date.now() });
  const report = await streamReport({ root });
  const result = await prune({ root, limit: Math.floor(report.bytes / 2), usage: 'apparent', dryRun: true });
  expect(result.targetMet).toBe(true);
  expect(result.plan.length).toBeGreaterThan(0);
  expect(result.plan[0]).toMatchObject({ reason: expect.any(String), bytes: expect.any(Number), url: expect.any(String) });
});
