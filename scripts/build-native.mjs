// npm's install step for the native directory reader (native/, binding.gyp).
// 1. A packed cachectl ships a prebuilt binary (prebuilds/<platform>-<arch>/, made by
//    scripts/prebuild.mjs at `npm pack`): if one loads here, nothing is compiled, and no
//    compiler is needed. Whether npm runs this script at all (npm 11's allow-scripts) then
//    does not matter: the prebuilt binary needs no script.
// 2. Else (another platform, a musl libc, a checkout, or npm_config_build_from_source=true)
//    node-gyp builds it into build/Release with the node-gyp that npm ships, and beside it
//    the test build (cachectl_test.node-test: the same code with test hooks, loaded only
//    by the tests; its extension keeps node-gyp-build from ever taking it).
// 3. A machine without a C compiler still gets a working cachectl: the portable walker is
//    used, and `cachectl --version` says so.
// CI sets CACHECTL_REQUIRE_NATIVE=1, which makes a failed build fail the install.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The prebuilt binary that loads in this process, if any: loading it is the only sure test. */
function loadablePrebuilt() {
  const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  let names = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.node'));
  } catch {
    return null;
  }
  const require = createRequire(import.meta.url);
  for (const n of names) {
    try {
      if (typeof require(join(dir, n)).layout === 'function') return join(dir, n);
    } catch {
      // Built for another libc or Node-API version: try the next, then compile.
    }
  }
  return null;
}

const fromSource = process.env.npm_config_build_from_source === 'true';
const prebuilt = fromSource ? null : loadablePrebuilt();
if (prebuilt) process.exit(0);

const r = spawnSync('node-gyp', ['rebuild'], { cwd: root, stdio: 'inherit', shell: false });
if (r.status !== 0) {
  const why = r.error ? r.error.message : `node-gyp exited with ${r.status}`;
  if (process.env.CACHECTL_REQUIRE_NATIVE === '1') {
    console.error(`cachectl: the native reader did not build (${why}) and CACHECTL_REQUIRE_NATIVE=1`);
    process.exit(1);
  }
  console.warn(`cachectl: the native reader did not build (${why}); the portable walker will be used (slower scans)`);
}
