import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { BIN, binEnv } from '../helpers/cli.js';
import { writeEntry, writeTemp, writeVaryGroup } from '../../src/core/sample/writeEntry.js';
import { parseHeader } from '../../src/core/format/header.js';
import { HOUR, DAY, url } from '../scan/fixtureTree.js';

export { HOUR, DAY, url };
export const LAYOUT = { levels: 2, length: 1 } as const;

/** Root-only cases (chown, setuid, mount): CI runs as root; elsewhere they skip and say why. */
export const IS_ROOT = process.getuid?.() === 0;
export const ROOT_REASON = 'needs root (CI runs as root): chown, setuid and mount';
/** With CACHECTL_REQUIRE_ROOT=1 (.ci/run sets it as root) a skipped root case is a failure. */
if (!IS_ROOT && process.env.CACHECTL_REQUIRE_ROOT === '1') throw new Error(`CACHECTL_REQUIRE_ROOT=1 but the tests ${ROOT_REASON}`);

export const NOBODY = 65534;

/**
 * A cache of `n` entries with distinct last uses (entry i used i+1 days ago), plus a
 * vary group and dead weight, so a prune has several kinds of work to do.
 */
export async function smallCache(n: number, root?: string): Promise<{ root: string; keys: string[] }> {
  const dir = root ?? (await tempDir('cachectl-hard-'));
  const now = Date.now();
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = url(`p${i}.tar.xz`);
    await writeEntry(dir, { key, body: 2048 + 512 * (i % 7), fetchedAt: now - (i + 1) * DAY - HOUR }, LAYOUT);
    keys.push(key);
  }
  await writeVaryGroup(dir, url('vary.tar.gz'), ['Accept-Encoding'], [
    { fetchedAt: now - 50 * DAY, body: 3000, requestHeaders: { 'Accept-Encoding': 'gzip' } },
    { fetchedAt: now - 51 * DAY, body: 4000, requestHeaders: { 'Accept-Encoding': 'identity' } },
  ], LAYOUT);
  await writeTemp(dir, 'Old123', 500, now - 8 * HOUR);
  return { root: dir, keys };
}

/** Every path below `root` (files and directories), relative, sorted. lstat only. */
export function listTree(root: string): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    for (const name of readdirSync(rel === '' ? root : join(root, rel))) {
      const r = rel === '' ? name : `${rel}/${name}`;
      out.push(r);
      if (lstatSync(join(root, r)).isDirectory()) visit(r);
    }
  };
  visit('');
  return out.sort();
}

/**
 * What httpd would serve wrongly after a crash: a header that promises a body
 * (has_body) whose body is missing or is another file. With the header unlinked
 * before the body, no interruption can produce one.
 */
export function headersWithoutBody(root: string): string[] {
  const bad: string[] = [];
  for (const rel of listTree(root)) {
    if (!rel.endsWith('.header')) continue;
    const abs = join(root, rel);
    if (!lstatSync(abs).isFile()) continue;
    const h = parseHeader(readFileSync(abs));
    if (h.kind !== 'entry' || !h.hasBody) continue;
    try {
      const st = lstatSync(abs.replace(/\.header$/, '.data'));
      if (st.ino !== h.inode || st.dev !== h.device) bad.push(rel);
    } catch {
      bad.push(rel);
    }
  }
  return bad;
}

/** Our own files in the cache root (the lock and its guard). */
export const ourFiles = (root: string): string[] => readdirSync(root).filter((n) => n.startsWith('.cachectl'));

/** chown -R, for trees that must belong to `nobody` (the web server's user, in tests). */
export function chownTree(root: string, uid: number, gid: number): void {
  chownSync(root, uid, gid);
  for (const rel of listTree(root)) chownSync(join(root, rel), uid, gid);
}

/** A temp dir the `nobody` user can reach (mkdtemp's 0700 dirs are root's alone). */
export async function nobodyCache(n: number): Promise<{ base: string; root: string; keys: string[] }> {
  const base = await tempDir('cachectl-priv-');
  await chmod(base, 0o755);
  const root = join(base, 'cache');
  await mkdir(root);
  const c = await smallCache(n, root);
  chownTree(root, NOBODY, NOBODY);
  return { base, root, keys: c.keys };
}

/** Starts the built bin without waiting (for kills and races). */
export function startBin(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess & { output: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [BIN, ...args], { env: binEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (output.stdout += d));
  child.stderr!.on('data', (d) => (output.stderr += d));
  // A failed assertion must not leave a scheduler (or a frozen prune) running.
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) { child.kill('SIGCONT'); child.kill('SIGKILL'); }
  });
  return Object.assign(child, { output });
}

export const exited = (c: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve({ code: c.exitCode, signal: c.signalCode })
    : new Promise((res) => c.once('exit', (code, signal) => res({ code, signal })));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Can this process mount a tmpfs (root with CAP_SYS_ADMIN)? */
export function canMount(): boolean {
  if (!IS_ROOT) return false;
  try {
    execFileSync('sh', ['-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d"; r=$?; rmdir "$d"; exit $r'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
