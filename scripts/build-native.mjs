// npm's install step: builds the native directory reader (native/, binding.gyp) with the
// node-gyp that npm ships. A machine without a C compiler still gets a working cachectl:
// the portable walker is used, and `cachectl report --json` says why (`reader`).
// CI sets CACHECTL_REQUIRE_NATIVE=1, which makes a failed build fail the install.
import { spawnSync } from 'node:child_process';

const r = spawnSync('node-gyp', ['rebuild'], { stdio: 'inherit', shell: false });
if (r.status !== 0) {
  const why = r.error ? r.error.message : `node-gyp exited with ${r.status}`;
  if (process.env.CACHECTL_REQUIRE_NATIVE === '1') {
    console.error(`cachectl: the native reader did not build (${why}) and CACHECTL_REQUIRE_NATIVE=1`);
    process.exit(1);
  }
  console.warn(`cachectl: the native reader did not build (${why}); the portable walker will be used (slower scans)`);
}
