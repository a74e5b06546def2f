import { spawn } from 'node:child_process';
import type { CliContext } from '../context.js';
import type { HtcOptions } from './parse.js';
import { cleanOnce } from '../../api/htcacheclean.js';
import { processLockOwner } from '../lockOwner.js';
import { Scheduler } from '../../api/schedule.js';
import type { Log } from '../../api/common.js';
import { DETACHED_ENV } from './env.js';


/**
 * htcacheclean -d forks and the parent exits 0 at once (Debian's unit is
 * Type=forking). Node cannot fork, so the parent starts a detached copy of this
 * command with stdio closed, as htcacheclean closes stderr, and returns its pid; the
 * caller writes that pid to the -P file before exiting, so a service manager reading
 * it never sees the parent's.
 */
export async function detach(self: readonly string[], argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...self, ...argv], {
    detached: true,
    stdio: 'ignore',
    env: { ...env, [DETACHED_ENV]: '1' },
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  child.unref();
  return child.pid!;
}

/**
 * The -d loop, on cachectl's scheduler: a run at start, then every INTERVAL minutes
 * counted start to start (htcacheclean's timing); with -i, a tick is skipped while the
 * cache root's mtime is unchanged since the last run (httpd creates every temp file
 * in the root, so each store bumps it). A run that finds the lock taken is skipped.
 * Returns 0 when SIGTERM/SIGINT stops it, as htcacheclean's daemon does.
 */
export async function daemonLoop(ctx: CliContext, o: HtcOptions, foreground: boolean): Promise<number> {
  const line = (level: string) => (msg: string) => ctx.err(`htcacheclean: ${level}${msg}\n`);
  const log: Log = foreground ? { info: line(''), warn: line('warning: ') } : { info() {}, warn() {} };
  const scheduler = new Scheduler({
    root: o.root,
    every: o.intervalMs,
    runNow: true,
    ifChanged: o.intelligent,
    log,
    runOnce: async () => (await cleanOnce({ ...o, lockOwner: processLockOwner, signal: ctx.signal })).result,
  });
  scheduler.start();
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await scheduler.stop();
  return 0;
}
