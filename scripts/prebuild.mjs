// `npm pack` (prepack): builds the native reader for this platform into
// prebuilds/<platform>-<arch>/cachectl.<libc>.node with prebuildify (Node-API, so one
// binary serves every Node version), for the package to ship: installs then need no
// compiler and download nothing (node-gyp-build loads it, src/core/native/load.ts).
// Built in a temp copy of binding.gyp and native/: prebuildify runs `node-gyp rebuild`,
// which would wipe this checkout's build/ (a developer's own build, or the one the tests
// are using). `--clean` (postpack) removes prebuilds/ again, so a checkout never runs a
// stale prebuilt binary.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'prebuilds');
rmSync(out, { recursive: true, force: true });
if (process.argv[2] === '--clean') process.exit(0);

const work = mkdtempSync(join(tmpdir(), 'cachectl-prebuild-'));
try {
  // The production target alone: the test build (cachectl_test, with its fault hooks) is
  // never compiled for the package.
  const gyp = JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8'));
  gyp.targets = gyp.targets.filter((t) => t.target_name === 'cachectl_native');
  writeFileSync(join(work, 'binding.gyp'), JSON.stringify(gyp, null, 2));
  cpSync(join(root, 'native'), join(work, 'native'), { recursive: true });
  // prebuildify names the file after the package.
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'cachectl' }));
  const env = { ...process.env };
  // Build against the running Node's own headers where it has them (Debian's nodejs, a
  // distro package): node-gyp would otherwise try to download them.
  const prefix = join(dirname(process.execPath), '..');
  if (!env.npm_config_nodedir && existsSync(join(prefix, 'include/node/node_api.h'))) env.npm_config_nodedir = prefix;
  const bin = createRequire(import.meta.url).resolve('prebuildify/bin.js');
  // node-gyp's log is long: shown only when the build fails. --cache: node-gyp's dev dir
  // goes in the temp copy too, not in $TMPDIR/prebuildify.
  const r = spawnSync(process.execPath, [bin, '--napi', '--strip', '--tag-libc', '--cwd', work, '--out', root, '--cache', join(work, 'node-gyp')], { stdio: ['ignore', 'pipe', 'pipe'], env, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    console.error(`cachectl: prebuildify failed (${r.error?.message ?? `exit ${r.status}`}): the package needs its prebuilt native reader`);
    process.exit(1);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
for (const d of readdirSync(out)) for (const f of readdirSync(join(out, d))) console.error(`cachectl: prebuilt prebuilds/${d}/${f}`);
