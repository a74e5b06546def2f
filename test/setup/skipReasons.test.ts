import { expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const VITEST = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

test('the reason tests skip (a missing apache2) is printed once, with the count, not only "3 skipped"', async () => {
  const r = await runProcess(process.execPath, [VITEST, 'run'], { cwd: FIXTURES, env: { ...process.env, NO_COLOR: '1', CI: '1', CACHECTL_FIXTURE_CACHE: await tempDir('cachectl-vite-') } });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const lines = r.stderr.split('\n').filter((l) => l.includes('apache2 not found'));
  expect(lines).toEqual(["  3 tests: apache2 not found: install Debian's apache2 (apt-get install apache2) to run these tests"]);
  expect(r.stderr).toContain('Skipped, and why:');
}, 60_000);
