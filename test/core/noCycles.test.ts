import { expect, test } from 'vitest';
import madge from 'madge';
import { fileURLToPath } from 'node:url';

// Layers import one way (cli -> core; table <- scan <- index): a cycle means a module
// that cannot be understood, tested or loaded on its own. Type-only imports count too: a
// type's home is the lower layer.
test('no import cycle anywhere in src/', async () => {
  const src = fileURLToPath(new URL('../../src', import.meta.url));
  const res = await madge(src, { fileExtensions: ['ts'] });
  expect(res.circular()).toEqual([]);
}, 30_000);
