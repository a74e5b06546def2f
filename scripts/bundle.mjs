// `npm run build`, after tsc: bundles tsc's output (dist/cli/entry.js) and every runtime
// dependency into one file, dist/cachectl.js, which both programs in bin/ load. So the
// package needs nothing from node_modules: `npm install -g --offline` of the tarball works
// on a machine that has never seen commander or cron (issue #22), and start-up reads one
// file instead of ~100 modules.
// The library (package.json "exports") is bundled the same way, for the same reason, into
// dist/lib/: one module per entry (dist/index.js and each dist/api/<group>.js), with the
// code they share in chunks, so `cachectl/report` still loads only its group's code and
// every subpath sees the same objects as 'cachectl'. Its types are tsc's .d.ts files.
// The licenses of what was bundled go to dist/THIRD-PARTY-LICENSES.txt, which the package ships.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const common = {
  absWorkingDir: root,
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
};

const cli = await build({ ...common, entryPoints: ['dist/cli/entry.js'], outfile: 'dist/cachectl.js' });

// Chunk names carry a hash: clear out the last build's, so the package ships only this one's.
rmSync(join(root, 'dist/lib'), { recursive: true, force: true });
const groups = readdirSync(join(root, 'dist/api')).filter((f) => f.endsWith('.js')).map((f) => f.replace(/\.js$/, ''));
const lib = await build({
  ...common,
  entryPoints: { index: 'dist/index.js', ...Object.fromEntries(groups.map((g) => [g, `dist/api/${g}.js`])) },
  outdir: 'dist/lib',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

// One notice per bundled package, with its license file.
const packages = new Map();
for (const input of [...Object.keys(cli.metafile.inputs), ...Object.keys(lib.metafile.inputs)]) {
  const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
  if (m) packages.set(m[2], join(root, m[1]));
}
let notices = 'cachectl bundles these packages into dist/cachectl.js and dist/lib/; their licenses follow.\n';
for (const [name, dir] of [...packages].sort()) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE'].map((f) => join(dir, f)).find(existsSync);
  notices += `\n${'='.repeat(72)}\n${name} ${pkg.version} (${pkg.license})\n${'='.repeat(72)}\n\n${file ? readFileSync(file, 'utf8').trim() : `License: ${pkg.license}`}\n`;
}
writeFileSync(join(root, 'dist/THIRD-PARTY-LICENSES.txt'), notices);
