import { fileURLToPath } from 'node:url';
import type { NativeBinding } from '../../src/core/native/load.js';
import { layoutDiff } from '../../src/core/native/abi.js';
/** The test build's extras (native/addon.c, CACHECTL_TEST_HOOKS): never in the production binary. */
export interface TestBinding extends NativeBinding {
  /** Makes the next matching call fail (FaultOp; errno 0 on FaultOp.Stat = unlink the file first). FaultOp.Clear clears. */
  _fault(op: number, name: string, errno: number): void;
}

/**
 * The native test build (binding.gyp's cachectl_test: the same code with the fault hook,
 * which the production binary lacks), built beside the production one
 * by `npm ci`. Its extension is not `.node`, so neither node-gyp-build nor prebuildify
 * can ever take it for the product; it is loaded here by path. Missing, its tests skip
 * with the reason; with CACHECTL_REQUIRE_NATIVE=1 a missing test build is a failure.
 */
export const TEST_BUILD = fileURLToPath(new URL('../../build/Release/cachectl_test.node-test', import.meta.url));
export function needTestNative(): { binding: TestBinding | null; reason: string } {
  let why: string;
  try {
    const m = { exports: loadTestBuild() };
    const diff = layoutDiff(m.exports.layout());
    if (diff.length === 0) return { binding: m.exports, reason: 'loaded' };
    why = `built from another native/abi.h (${diff[0]})`;
  } catch (e) {
    why = `not loadable (${(e as Error).message.split('\n')[0]})`;
  }
  if (process.env.CACHECTL_REQUIRE_NATIVE === '1') throw new Error(`CACHECTL_REQUIRE_NATIVE=1 but the native test build is ${why}: run npm ci`);
  return { binding: null, reason: why };
}

/** The test build as it is, its layout unchecked (for the test that checks it). */
export function loadTestBuild(): TestBinding {
  const m = { exports: {} as TestBinding };
  process.dlopen(m, TEST_BUILD);
  return m.exports;
}
