import { chmodSync, closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Tests must write only inside their own temp dirs. This gives the run a scratch dir of
 * its own (TMPDIR for every worker and child, removed at the end), and afterwards looks
 * where a leak would land: root's default state dir and /tmp/cachectl-*. A file there
 * that names the scratch dir (an index records its cache's root path) was written by
 * this run: the run fails. Other changes there, made during the run, come from another
 * process (another test run on this machine): they are only counted.
 */
const WATCHED = ['/var/lib/cachectl'];
const SHARED_PREFIX = 'cachectl-';
/** An index keeps its root near the start (meta JSON after a 48-byte head). */
const HEAD_BYTES = 1 << 16;

function* files(path: string): Generator<{ path: string; mtimeMs: number }> {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    let names: string[] = [];
    try {
      names = readdirSync(path);
    } catch {
      return;
    }
    for (const n of names) yield* files(join(path, n));
  } else if (st.isFile()) {
    yield { path, mtimeMs: st.mtimeMs };
  }
}

function mentions(path: string, needle: Buffer): boolean {
  let fd;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(HEAD_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0)).includes(needle);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Files written by this run outside its dir, and how many others changed meanwhile. */
function leaks(runDir: string, sharedTmp: string, startedMs: number): { ours: string[]; others: number } {
  const roots = [...WATCHED, ...readdirSync(sharedTmp).filter((n) => n.startsWith(SHARED_PREFIX)).map((n) => join(sharedTmp, n))];
  const needle = Buffer.from(runDir);
  const ours: string[] = [];
  let others = 0;
  for (const r of roots) {
    for (const f of files(r)) {
      if (mentions(f.path, needle)) ours.push(f.path);
      else if (f.mtimeMs >= startedMs) others++;
    }
  }
  return { ours, others };
}

export default function setup(): () => void {
  const startedMs = Date.now();
  const sharedTmp = tmpdir();
  // Not named cachectl-*: the check above looks there.
  const runDir = mkdtempSync(join(sharedTmp, 'vitest-run-cachectl-'));
  // 0755: caches below it are chowned to nobody or www-data, who must reach them.
  chmodSync(runDir, 0o755);
  const fallbackState = join(runDir, 'state');
  mkdirSync(fallbackState);
  // Inherited by the workers and all they spawn. The state dir serves a cachectl started
  // outside a test (in a beforeAll); in a test, binEnv() (test/helpers/cli.ts) gives its own.
  Object.assign(process.env, { TMPDIR: runDir, CACHECTL_STATE_DIR: fallbackState, XDG_STATE_HOME: fallbackState });

  return () => {
    // Each test removes its temp dirs (tempDir(), binEnv()): anything left is a leak too.
    const left = readdirSync(runDir).filter((n) => n !== 'state').concat(readdirSync(fallbackState).map((n) => `state/${n}`));
    const { ours, others } = leaks(runDir, sharedTmp, startedMs);
    rmSync(runDir, { recursive: true, force: true });
    if (others) process.stderr.write(`\n${others} files in ${[...WATCHED, `${sharedTmp}/${SHARED_PREFIX}*`].join(' or ')} changed during the run, none naming this run's temp dir (another process's)\n`);
    const problems: string[] = [];
    if (ours.length) problems.push(`the tests wrote outside their temp dirs (${ours.length} files):`, ...ours.slice(0, 30));
    if (left.length) problems.push(`tests left files in the run's temp dir ${runDir} (removed now):`, ...left.slice(0, 30));
    if (problems.length) {
      process.stderr.write(`\nFAIL: ${problems.join('\n  ')}\n`);
      // A throw here is only logged by vitest (exit 0): the exit status must say it.
      process.exitCode = 1;
    }
  };
}
