import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const STATE_DIR = join(tmpdir(), 'cachectl-test-state');

export const BIN = fileURLToPath(new URL('../../bin/cachectl.js', import.meta.url));
export const HTCACHECLEAN_BIN = fileURLToPath(new URL('../../bin/htcacheclean.js', import.meta.url));

export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Spawns a program, feeds it `input`, and collects its output and exit status. */
export function runProcess(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 60_000 });
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
export function runBin(args: string[], opts: { bin?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  // Indexes of test caches go to a scratch state dir, not /var/lib/cachectl.
  const env = { ...process.env, NO_COLOR: '1', CACHECTL_STATE_DIR: STATE_DIR, ...opts.env };
  return runProcess(process.execPath, [opts.bin ?? BIN, ...args], { ...opts, env });
}

export const runCachectl = (args: string[], opts?: Parameters<typeof runBin>[1]) => runBin(args, opts);
