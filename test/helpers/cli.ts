import { spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished, TestRunner } from 'vitest';

export const BIN = fileURLToPath(new URL('../../bin/cachectl.js', import.meta.url));
export const HTCACHECLEAN_BIN = fileURLToPath(new URL('../../bin/htcacheclean.js', import.meta.url));

export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Who the child runs as (root only can ask): e.g. `nobody`, to see what a user sees. */
export interface RunAs { uid?: number; gid?: number }

const stateDirs = new WeakMap<object, string>();

/**
 * The current test's own state dir (one per test, so a second run finds the first one's
 * index), removed when the test finishes. Outside a test (a beforeAll) there is none:
 * the child then inherits the run's scratch state dir that test/globalSetup.ts exports.
 */
function testStateDir(): string | undefined {
  const t = TestRunner.getCurrentTest();
  if (!t) return undefined;
  let dir = stateDirs.get(t);
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'cachectl-state-'));
    stateDirs.set(t, dir);
    const made = dir;
    onTestFinished(() => rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}

/**
 * The environment of every cachectl a test starts: no colour, and the index in the test's
 * own state dir, never in /var/lib/cachectl (root's default) or a dir shared between tests.
 * A test that names its own CACHECTL_STATE_DIR or XDG_STATE_HOME keeps it.
 */
export function binEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const own = 'CACHECTL_STATE_DIR' in env || 'XDG_STATE_HOME' in env;
  const state = own ? undefined : testStateDir();
  return { ...process.env, NO_COLOR: '1', ...(state ? { CACHECTL_STATE_DIR: state, XDG_STATE_HOME: state } : {}), ...env };
}

/** Spawns a program, feeds it `input`, and collects its output and exit status. */
export function runProcess(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string; cwd?: string } & RunAs = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, uid: opts.uid, gid: opts.gid, stdio: ['pipe', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    // A child that exits before reading its stdin makes this write fail with EPIPE: harmless.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Spawns the built bin (as users run it) and collects its output. */
export function runBin(args: string[], opts: { bin?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } & RunAs = {}): Promise<RunResult> {
  const env = binEnv(opts.env);
  // A child run as another user must be able to write the state dir we made for it.
  if (opts.uid !== undefined && env.CACHECTL_STATE_DIR && !opts.env?.CACHECTL_STATE_DIR) chownSync(env.CACHECTL_STATE_DIR, opts.uid, opts.gid ?? -1);
  return runProcess(process.execPath, [opts.bin ?? BIN, ...args], { ...opts, env });
}

export const runCachectl = (args: string[], opts?: Parameters<typeof runBin>[1]) => runBin(args, opts);
