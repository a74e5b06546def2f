import type { SysRoot } from './sysRoot.js';
import type { CleanerCommand } from './command.js';
import { whichProgram } from './binary.js';

/** Something scheduled that keeps a cache under a limit. */
export interface Cleaner {
  /** cachectl (also its htcacheclean drop-in), or Apache's htcacheclean. */
  readonly tool: 'cachectl' | 'htcacheclean';
  /** How it is scheduled, for a sentence: `cachectl.timer (systemd)`, `/etc/cron.daily/htcacheclean`. */
  readonly via: string;
  /** The file to change to remove or fix it. */
  readonly file: string;
  /** The cache root it cleans; null when its configuration does not say. */
  readonly path: string | null;
  readonly limit: number | null;
  readonly minFree: string | null;
  /** Who it runs as (null: root); see runsAsCacheOwner. */
  readonly user: string | null;
  /** contrib/cron.daily/cachectl picks the cache's owner itself. */
  readonly runsAsCacheOwner: boolean;
  readonly stateDir: string | null;
  /** The unit or script creates the state dir for its user (StateDirectory=, checkpath, install -d). */
  readonly stateDirManaged: boolean;
  /** Why it cannot work (its program is missing), or null. */
  readonly broken: string | null;
}

export interface CleanerContext {
  readonly via: string;
  readonly file: string;
  readonly user: string | null;
  /** PATH the line runs with (cron's default unless the file sets one). */
  readonly pathVar: string;
  readonly stateDirManaged?: boolean;
  readonly runsAsCacheOwner?: boolean;
}

/** A Cleaner from a command line, telling cachectl's htcacheclean drop-in from Apache's. */
export async function cleanerFrom(sys: SysRoot, cmd: CleanerCommand, c: CleanerContext): Promise<Cleaner> {
  const found = await whichProgram(sys, cmd.invoked, c.pathVar);
  const tool = cmd.program === 'cachectl' || found.kind === 'cachectl' ? 'cachectl' : 'htcacheclean';
  const broken = found.kind === 'missing'
    ? `${cmd.invoked} is not installed${cmd.invoked.includes('/') ? '' : ` in its PATH (${c.pathVar})`}, so it fails every time`
    : null;
  return {
    tool, via: c.via, file: c.file, path: cmd.path, limit: cmd.limit, minFree: cmd.minFree,
    user: cmd.user ?? c.user, runsAsCacheOwner: c.runsAsCacheOwner ?? false,
    stateDir: tool === 'cachectl' ? cmd.stateDir : null, stateDirManaged: c.stateDirManaged ?? false, broken,
  };
}
