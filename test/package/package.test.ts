import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess, type RunResult } from '../helpers/cli.js';
import { BASH_CASES, bashComplete, completionCwd } from '../helpers/completion.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The package as users get it (issue #22): `npm pack` of this checkout (in a copy, so the
 * prepack build cannot disturb the dist/ and build/ other tests use), then installed the
 * ways the README and the Gentoo ebuild say: offline, from an empty npm cache, with no
 * compiler on the PATH. Everything runs from the installed files.
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; files: string[]; man: string[] };
const TGZ = `${PKG.name}-${PKG.version}.tgz`;
const EBUILD_DIR = join(REPO, 'contrib/gentoo/app-admin/cachectl');

let stage: string;

/** What `npm pack` needs: the build's inputs and package.json's "files" (those not built by it). */
async function stageCheckout(dir: string): Promise<void> {
  const inputs = ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'src', 'scripts',
    ...PKG.files.map((f) => f.replace(/\/$/, '')).filter((f) => !/^(dist|prebuilds)\b/.test(f))];
  for (const f of new Set(inputs)) await cp(join(REPO, f), join(dir, f), { recursive: true });
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'));
}

beforeAll(async () => {
  stage = await mkdtemp(join(tmpdir(), 'cachectl-pack-'));
  await stageCheckout(stage);
  const r = await runProcess('npm', ['pack', '--pack-destination', stage, '--silent'], { cwd: stage, timeoutMs: 180_000 });
  if (r.code !== 0) throw new Error(`npm pack failed (${r.code}): ${r.stderr.slice(-3000)}`);
}, 200_000);

afterAll(async () => {
  if (stage) await rm(stage, { recursive: true, force: true });
});

/** A directory of symlinks to just these programs: a PATH without a compiler. */
async function toolsDir(names: string[]): Promise<string> {
  const dir = await tempDir('cachectl-tools-');
  for (const n of names) {
    const p = execFileSync('sh', ['-c', `command -v ${n}`], { encoding: 'utf8' }).trim();
    await symlink(p, join(dir, n));
  }
  return dir;
}

/** What a plain user's shell on a machine without a compiler has (npm runs scripts with sh). */
const BASIC_TOOLS = ['node', 'npm', 'sh', 'bash', 'tar', 'gzip', 'install', 'mkdir', 'rm', 'cp', 'ln', 'cat', 'sed', 'readlink', 'dirname'];

const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<RunResult> =>
  runProcess(cmd, args, { env: { HOME: env.HOME ?? tmpdir(), LANG: 'C.UTF-8', NO_COLOR: '1', ...env }, cwd, timeoutMs: 120_000 });

describe('the packed tarball', () => {
  test("carries the bundles (CLI and library), the library's types, the prebuilt reader, man pages, completions, docs/ and LICENSE; no sources, tests or dependencies to fetch", async () => {
    const list = execFileSync('tar', ['-tzf', join(stage, TGZ)], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    for (const f of ['LICENSE', 'README.md', 'bin/cachectl.js', 'bin/htcacheclean.js', 'dist/cachectl.js', 'dist/THIRD-PARTY-LICENSES.txt',
      'dist/lib/index.js', 'dist/lib/report.js', 'dist/index.d.ts', 'dist/api/report.d.ts', 'dist/core/report.d.ts',
      'prebuilds/linux-x64/cachectl.glibc.node', 'dist/completion/cachectl.bash', 'dist/completion/_cachectl', 'dist/completion/cachectl.fish',
      'docs/htcacheclean.md', 'docs/services.md', 'docs/security.md', 'scripts/build-native.mjs', 'binding.gyp', 'native/addon.c',
      'systemd/cachectl.service', 'openrc/cachectl.initd', 'contrib/cron.daily/cachectl', ...PKG.man.map((m) => m.replace('./', ''))]) {
      expect(list, f).toContain(f);
    }
    expect(list.filter((f) => /^(src|test|bench|lab|node_modules|dist\/cli|contrib\/gentoo|prebuilds\/.*\.(o|d))\b/.test(f))).toEqual([]);
    // Of tsc's tree only the declarations: its JavaScript imports the dependencies the bundles carry.
    expect(list.filter((f) => /^dist\/(index\.|api\/|core\/)/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    const packed = JSON.parse(execFileSync('tar', ['-xzOf', join(stage, TGZ), 'package/package.json'], { encoding: 'utf8' }));
    expect(packed.dependencies ?? {}).toEqual({});
    expect(packed.bin).toEqual({ cachectl: 'bin/cachectl.js' });
  });

  test('its prebuilt reader is the production build: no test hooks', async () => {
    const dir = await tempDir('cachectl-prebuilt-');
    execFileSync('tar', ['-xzf', join(stage, TGZ), '-C', dir, 'package/prebuilds/linux-x64/cachectl.glibc.node']);
    const m = { exports: {} as Record<string, unknown> };
    process.dlopen(m, join(dir, 'package/prebuilds/linux-x64/cachectl.glibc.node'));
    expect(typeof m.exports.readDirs).toBe('function');
    expect(Object.keys(m.exports).filter((k) => k.startsWith('_') || k.endsWith('Sync'))).toEqual([]);
  });

  test('npm install -g --offline with an empty cache and no compiler, next to an htcacheclean it leaves alone: demo, --version (prebuilt), man pages, completion', async () => {
    const prefix = await tempDir('cachectl-prefix-');
    const home = await tempDir('cachectl-home-');
    const cache = join(home, 'empty-npm-cache');
    await mkdir(join(prefix, 'bin'), { recursive: true });
    // Apache's htcacheclean, as on Debian with npm's prefix /usr.
    const apache = join(prefix, 'bin/htcacheclean');
    await writeFile(apache, '#!/bin/sh\necho "Apache htcacheclean"\n', { mode: 0o755 });
    const before = await stat(apache);
    const PATH = `${join(prefix, 'bin')}:${await toolsDir(BASIC_TOOLS)}`;
    const env = { HOME: home, PATH, CC: '/bin/false', CXX: '/bin/false' };
    expect(await run('sh', ['-c', 'command -v cc gcc make c++ || true'], env)).toMatchObject({ stdout: '' });

    const i = await run('npm', ['install', '-g', '--offline', '--cache', cache, '--prefix', prefix, '--no-audit', '--no-fund', join(stage, TGZ)], env, home);
    expect(i.code, i.stderr).toBe(0);
    const after = await stat(apache);
    expect([after.ino, after.mtimeMs, await readFile(apache, 'utf8')]).toEqual([before.ino, before.mtimeMs, '#!/bin/sh\necho "Apache htcacheclean"\n']);

    const v = await run('cachectl', ['--version'], env);
    expect([v.code, v.stdout]).toEqual([0, `cachectl ${PKG.version} (native reader, prebuilt)\n`]);
    const d = await run('cachectl', ['demo'], env);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain('$ cachectl prune');
    expect(d.stderr).toMatch(/^Pruned /m);
    expect((await run('htcacheclean', [], env)).stdout).toBe('Apache htcacheclean\n');

    // npm linked every page; man renders each from the install.
    const man1 = join(prefix, 'share/man/man1');
    expect((await readdir(man1)).sort()).toEqual(PKG.man.map((m) => m.replace('./dist/man/', '')).sort());
    for (const page of await readdir(man1)) {
      const m = await runProcess('man', ['-l', join(man1, page)], { env: { ...process.env, MANPAGER: 'cat', MANWIDTH: '80', LANG: 'C.UTF-8' } });
      expect([page, m.code, m.stderr]).toEqual([page, 0, '']);
      expect(m.stdout).toMatch(/^NAME\n {7}cachectl/m);
    }

    const script = (await run('cachectl', ['completion', 'bash'], env)).stdout;
    const got = await bashComplete(script, BASH_CASES.map(([w]) => w), await completionCwd());
    expect(got).toEqual(BASH_CASES.map(([, want]) => [...want].sort()));
  });

  test("a project that installs it (offline, empty cache, no compiler) imports the library, 'cachectl' and its subpaths, and TypeScript finds its types", async () => {
    const project = await tempDir('cachectl-project-');
    const home = await tempDir('cachectl-home-');
    const env = { HOME: home, PATH: await toolsDir(BASIC_TOOLS), CC: '/bin/false', CXX: '/bin/false' };
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'uses-cachectl', private: true, type: 'module' }));
    const i = await run('npm', ['install', '--offline', '--cache', join(home, 'empty-npm-cache'), '--no-audit', '--no-fund', join(stage, TGZ)], env, project);
    expect(i.code, i.stderr).toBe(0);

    // The README's example, on a sample tree, from the installed files.
    await writeFile(join(project, 'use.js'), `import * as cachectl from 'cachectl';
import { scan, buildReport } from 'cachectl/report';
import { writeSampleCache } from 'cachectl/sample';
const root = process.argv[2];
const { entries } = await writeSampleCache(root, { now: Date.now(), entries: 30 });
const report = await buildReport(await scan({ root }), { now: Date.now() });
const r = await cachectl.prune({ root, limit: report.diskBytes / 2, dryRun: true });
console.log(JSON.stringify({ entries, reported: report.entries, same: cachectl.scan === scan, from: import.meta.resolve('cachectl'), planned: r.plan.length > 0 }));
`);
    const u = await run('node', ['use.js', await tempDir('cachectl-sample-')], env, project);
    expect(u.code, u.stderr).toBe(0);
    const out = JSON.parse(u.stdout) as { entries: number };
    expect(out).toEqual({ entries: out.entries, reported: out.entries, same: true, from: `file://${project}/node_modules/cachectl/dist/lib/index.js`, planned: true });

    // The declarations resolve and type the calls, both as Node resolves packages and as
    // bundlers do. @types/node is the user's to have (here the checkout's). The first run
    // also checks the declarations themselves (no import they cannot resolve); the second
    // skips that, which costs seconds and would find the same.
    await writeFile(join(project, 'use.ts'), `import { scan, buildReport } from 'cachectl';
import { prune } from 'cachectl/prune';
const report = await buildReport(await scan({ root: '/tmp' }), { now: Date.now() });
export const bytes: number = report.bytes + (await prune({ root: report.root, limit: 1, dryRun: true })).plan.length;
// @ts-expect-error: the options are typed, not any
await scan({ root: 42 });
`);
    for (const [module, moduleResolution, skipLibCheck] of [['node16', 'node16', 'false'], ['esnext', 'bundler', 'true']]) {
      const t = await run('node', [join(REPO, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'es2022', '--module', module,
        '--moduleResolution', moduleResolution, '--skipLibCheck', skipLibCheck, '--types', 'node', '--typeRoots', join(REPO, 'node_modules/@types'), 'use.ts'], env, project);
      expect([moduleResolution, t.code, t.stdout + t.stderr]).toEqual([moduleResolution, 0, '']);
    }
  });
});

describe('which reader an installed cachectl uses', () => {
  const headers = existsSync('/usr/include/node/node_api.h');
  test.skipIf(!headers)(`a local build when one was made (build from source), else the prebuilt one, else the portable reader, which still works${headers ? '' : " (skipped: no /usr/include/node/node_api.h, Debian's libnode-dev)"}`, async () => {
    const prefix = await tempDir('cachectl-prefix-');
    const home = await tempDir('cachectl-home-');
    // A compiler this time, and the install script asked to build from source.
    const env = { HOME: home, PATH: process.env.PATH, npm_config_build_from_source: 'true', npm_config_nodedir: '/usr' };
    const i = await run('npm', ['install', '-g', '--offline', '--cache', join(home, 'cache'), '--prefix', prefix, '--allow-scripts=cachectl', '--no-audit', '--no-fund', join(stage, TGZ)], env, home);
    expect(i.code, i.stderr).toBe(0);
    const pkg = join(prefix, 'lib/node_modules/cachectl');
    const version = async () => (await run(join(prefix, 'bin/cachectl'), ['--version'], { PATH: process.env.PATH })).stdout;
    expect(await version()).toBe(`cachectl ${PKG.version} (native reader, local build)\n`);
    await rm(join(pkg, 'build'), { recursive: true });
    expect(await version()).toBe(`cachectl ${PKG.version} (native reader, prebuilt)\n`);
    await rm(join(pkg, 'prebuilds'), { recursive: true });
    expect(await version()).toBe(`cachectl ${PKG.version} (portable reader: the native one is not built (no local build, and no prebuilt binary for linux-x64))\n`);
    const d = await run(join(prefix, 'bin/cachectl'), ['demo'], { PATH: process.env.PATH });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toMatch(/^Pruned /m);
  });
});

/**
 * The ebuild's phases, as Portage runs them (src_unpack's default, src_compile, then
 * src_install in ${S}), with stand-ins for its helpers (ebuild-env.sh), against the
 * packed tarball as ${DISTDIR}/${P}.tgz.
 */
async function runEbuild(use: string, env: NodeJS.ProcessEnv): Promise<{ ed: string; r: RunResult }> {
  const base = await tempDir('cachectl-ebuild-');
  const [ed, t, workdir, distdir] = ['image', 'temp', 'work', 'distdir'].map((d) => join(base, d));
  for (const d of [ed, t, workdir, distdir]) await mkdir(d);
  const p = `cachectl-${PKG.version}`;
  await symlink(join(stage, TGZ), join(distdir, `${p}.tgz`));
  const script = `set -o pipefail
source ${JSON.stringify(join(REPO, 'test/package/ebuild-env.sh'))}
ED=${JSON.stringify(ed)} T=${JSON.stringify(t)} WORKDIR=${JSON.stringify(workdir)} DISTDIR=${JSON.stringify(distdir)}
FILESDIR=${JSON.stringify(join(EBUILD_DIR, 'files'))} P=${p} PN=cachectl PV=${PKG.version} PF=${p} USE=${JSON.stringify(use)} ESYSROOT= EBUILD=${p}.ebuild
source ${JSON.stringify(join(EBUILD_DIR, `${p}.ebuild`))}
unpack "\${P}.tgz"
cd "\${S}" && src_compile
cd "\${S}" && src_install
pkg_postinst`;
  const r = await run('bash', ['-c', script], { ...env, HOME: t }, base);
  return { ed, r };
}

/** Every file under `dir`, relative, sorted (symlinks as "name -> target"). */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const rel = join(e.parentPath, e.name).slice(dir.length + 1);
    if (e.isSymbolicLink()) out.push(`${rel} -> ${execFileSync('readlink', [join(dir, rel)], { encoding: 'utf8' }).trim()}`);
    else if (!e.isDirectory()) out.push(rel);
  }
  return out.sort();
}

describe('contrib/gentoo: the ebuild', () => {
  test('its version is package.json\'s', async () => {
    expect(await readdir(EBUILD_DIR)).toContain(`cachectl-${PKG.version}.ebuild`);
  });

  test('USE=-native, offline, no compiler: installs the package, the services, man pages and completions; the installed cachectl runs its demo on the prebuilt reader', async () => {
    const PATH = await toolsDir(BASIC_TOOLS);
    const { ed, r } = await runEbuild('', { PATH, CC: '/bin/false' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const files = await tree(ed);
    for (const f of ['usr/bin/cachectl -> ../lib/node_modules/cachectl/bin/cachectl.js', 'etc/init.d/cachectl', 'etc/conf.d/cachectl',
      'usr/lib/systemd/system/cachectl.service', 'usr/lib/systemd/system/cachectl.timer', 'usr/lib/systemd/system/cachectl-scheduler.service',
      'usr/share/man/man1/cachectl.1', 'usr/share/man/man1/cachectl-prune.1', 'usr/share/man/man1/cachectl-htcacheclean.1',
      'usr/share/bash-completion/completions/cachectl', 'usr/share/zsh/site-functions/_cachectl', 'usr/share/fish/vendor_completions.d/cachectl.fish',
      `usr/share/doc/cachectl-${PKG.version}/examples/cachectl`, `usr/share/doc/cachectl-${PKG.version}/examples/cachectl.default`,
      `usr/share/doc/cachectl-${PKG.version}/README.gentoo`, `usr/share/doc/cachectl-${PKG.version}/htcacheclean.md`,
      'usr/lib/node_modules/cachectl/prebuilds/linux-x64/cachectl.glibc.node']) {
      expect(files, f).toContain(f);
    }
    // Nothing of Apache's name, no man page left as a symlink into the package, nothing compiled.
    expect(files.filter((f) => /htcacheclean$|^usr\/share\/man\/.* -> |\/build\//.test(f))).toEqual([]);

    const bin = join(ed, 'usr/bin/cachectl');
    const v = await run(bin, ['--version'], { PATH });
    expect(v.stdout).toBe(`cachectl ${PKG.version} (native reader, prebuilt)\n`);
    const d = await run(bin, ['demo'], { PATH });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toMatch(/^Pruned /m);
  });

  const headers = existsSync('/usr/include/node/node_api.h');
  test.skipIf(!headers)(`USE=native: the reader is built with the system toolchain and headers, and replaces the prebuilt one${headers ? '' : ' (skipped: no /usr/include/node/node_api.h, Debian\'s libnode-dev)'}`, async () => {
    const { ed, r } = await runEbuild('native', { PATH: process.env.PATH });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const files = await tree(ed);
    expect(files).toContain('usr/lib/node_modules/cachectl/build/Release/cachectl_native.node');
    expect(files.filter((f) => f.includes('prebuilds/'))).toEqual([]);
    const v = await run(join(ed, 'usr/bin/cachectl'), ['--version'], { PATH: process.env.PATH });
    expect(v.stdout).toBe(`cachectl ${PKG.version} (native reader, local build)\n`);
  });
});
