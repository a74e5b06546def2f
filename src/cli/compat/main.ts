import { constants } from 'node:fs';
import { unlink, open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { processContext, type CliContext } from '../context.js';
import { CachectlError, LockHeldError } from '../../api/common.js';
import { parseHtcArgs, type HtcOptions } from './parse.js';
import { strerror } from './numbers.js';
import { listMode, urlMode } from './modes.js';
import { cleanOnce } from '../../api/htcacheclean.js';
import { renderHtcStats } from './stats.js';
import { processLockOwner } from '../lockOwner.js';
import { DETACHED_ENV, FOREGROUND_ENV } from './env.js';
import { prepareRoot } from '../rootGuard.js';
import { internalErrorLine } from '../output/internalError.js';
import { envFlagOn } from '../options.js';
import { OVERRIDE_ENV } from '../../api/common.js';

const PROG = 'htcacheclean';

/**
 * The htcacheclean-compatible front end (bin/htcacheclean.js, `cachectl htcacheclean`):
 * htcacheclean's grammar, messages, mode rules and exit codes, with cachectl doing the
 * work. `self` is how to start this same command again (for -d): the script and, for
 * `cachectl htcacheclean`, the subcommand.
 */
export async function mainHtcacheclean(
  argv: string[],
  ctx: CliContext = processContext(),
  self: readonly string[] = process.argv.slice(1, process.argv.length - argv.length),
): Promise<number> {
  try {
    return await run(argv, ctx, self);
  } catch (e) {
    if (e instanceof LockHeldError) {
      ctx.err(`${PROG}: another cachectl (pid ${e.pid}) is cleaning this cache; nothing done.\n`);
      return 1;
    }
    if (e instanceof CachectlError) {
      ctx.err(`${PROG}: ${e.message}\n`);
      return 1;
    }
    ctx.err(internalErrorLine(PROG, e, ctx.env));
    return 1;
  } finally {
    (ctx as Partial<{ dispose(): void }>).dispose?.();
  }
}

async function run(argv: string[], ctx: CliContext, self: readonly string[]): Promise<number> {
  const parsed = parseHtcArgs(argv, PROG);
  if (!parsed.ok) {
    ctx.err(parsed.stderr);
    return 1;
  }
  // htcacheclean's grammar has no room for the override flag: only its variable.
  const o: HtcOptions = { ...parsed.options, iKnowThisIsACache: envFlagOn(ctx.env[OVERRIDE_ENV]) };
  // Every mode works on an httpd cache; cleaning and URL removal delete, so the tree must look like one.
  const use = (changes: boolean) => ({ format: 'apache' as const, changes, iKnowThisIsACache: o.iKnowThisIsACache });
  if (o.urls.length > 0) {
    const { root } = await prepareRoot(ctx, o.root, {}, use(true), (line) => { if (o.verbose) ctx.err(`${PROG}: ${line}\n`); });
    return urlMode(ctx, { ...o, root });
  }

  // Written before detaching, so a bad path is reported (htcacheclean's order). A
  // relative path is relative to the cache root: htcacheclean has chdir'ed there.
  const pidPath = o.pidFile === undefined ? undefined : resolve(o.path, o.pidFile);
  const detached = ctx.env[DETACHED_ENV] === '1';
  const forks = o.intervalMs !== undefined && !o.list && !detached && ctx.env[FOREGROUND_ENV] !== '1';
  if (pidPath !== undefined) {
    const err = await writePid(pidPath, process.pid);
    if (err) {
      ctx.err(`Could not write the pid file '${o.pidFile}': ${err}\n`);
      return 1;
    }
  }
  try {
    // The gate every cachectl command passes: refuses system directories and roots a
    // third user could swap, and as root becomes the cache's owner. Said only with -v:
    // htcacheclean is silent on success, and cron mails any output.
    // A -d parent only checks: it must keep its rights to write the daemon's pid file.
    const { root } = await prepareRoot(ctx, o.root, { dropPrivileges: !forks }, use(o.list === undefined), (line) => { if (o.verbose) ctx.err(`${PROG}: ${line}\n`); });
    if (o.list) return await listMode(ctx, { ...o, root });
    if (o.intervalMs !== undefined) {
      // Loaded only here: the scheduler (cron parsing and all) is not needed otherwise.
      const { daemonLoop, detach } = await import('./daemon.js');
      if (forks) {
        const pid = await detach(self, argv, ctx.env);
        if (pidPath !== undefined) await writePid(pidPath, pid);
        return 0;
      }
      return await daemonLoop(ctx, { ...o, root }, !detached);
    }
    return await once(ctx, { ...o, root });
  } finally {
    // The pid file lives as long as the process that wrote it (APR_FOPEN_DELONCLOSE);
    // a detaching parent leaves it to the child, which has rewritten its own pid.
    if (pidPath !== undefined && !forks) {
      await unlink(pidPath).catch(() => {});
    }
  }
}

async function once(ctx: CliContext, o: HtcOptions): Promise<number> {
  const { result, stats } = await cleanOnce({ ...o, lockOwner: processLockOwner, signal: ctx.signal });
  if (result.interrupted) {
    ctx.err('Cache cleaning aborted due to user request.\n');
    return 1;
  }
  if (stats) ctx.err(renderHtcStats(stats));
  // htcacheclean aborts the whole run on one unreadable directory; we clean the rest
  // and name what we could not read, but still exit 1 so cron and monitoring notice.
  for (const e of result.errors) ctx.err(`${PROG}: ${e.path}: ${strerror(e.code)}\n`);
  // htcacheclean's own failure status, but never a silent success while over the limit.
  // (-D only shows what would go, as htcacheclean's does; a negative -l asks for everything.)
  const missed = !result.targetMet && !o.dryRun && o.limit >= 0;
  if (missed && result.miss) ctx.err(`${PROG}: ${result.miss.message}\n`);
  return result.errors.length > 0 || missed ? 1 : 0;
}

/** mode 0644, truncating, "PID\n" (log_pid). Returns strerror text on failure. */
async function writePid(path: string, pid: number): Promise<string | undefined> {
  try {
    // O_NOFOLLOW: a relative -P lands inside the cache, which the web server's user can
    // write; as root we must not truncate whatever a planted symlink points at.
    const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    try {
      await fh.writeFile(`${pid}\n`);
    } finally {
      await fh.close();
    }
    return undefined;
  } catch (e) {
    return strerror((e as NodeJS.ErrnoException).code);
  }
}
