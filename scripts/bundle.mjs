// `npm run build`, after tsc: bundles tsc's output (dist/cli/entry.js) and every runtime
// dependency into one file, dist/cachectl.js, which both programs in bin/ load. So the
// package needs nothing from node_modules: `npm install -g --offline` of the tarball works
// on a machine that has never seen commander or cron (issue #22), and start-up reads one
// file instead of ~100 modules. The licenses of what was bundled go to
// dist/THIRD-PARTY-LICENSES.txt, which the package ships.
import { build } from 'esbuild';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const result = await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/entry.js'],
  outfile: 'dist/cachectl.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies (commander, cron, node-gyp-build) call require(): an ES module
  // has none, so give the bundle one. node-gyp-build also requires the .node file by path.
  banner: { js: "import { createRequire as __cachectlRequire } from 'node:module';\nconst require = __cachectlRequire(import.meta.url);" },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

// One notice per bundled package, with its license file.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
  if (m) packages.set(m[2], join(root, m[1]));
}
let notices = 'cachectl bundles these packages into dist/cachectl.js; their licenses follow.\n';
for (const [name, dir] of [...packages].sort()) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE'].map((f) => join(dir, f)).find(existsSync);
  notices += `\n${'='.repeat(72)}\n${name} ${pkg.version} (${pkg.license})\n${'='.repeat(72)}\n\n${file ? readFileSync(file, 'utf8').trim() : `License: ${pkg.license}`}\n`;
}
writeFileSync(join(root, 'dist/THIRD-PARTY-LICENSES.txt'), notices);
