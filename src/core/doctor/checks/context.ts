import { formatCount } from '../../units.js';
import type { SysRoot } from '../system/sysRoot.js';
import type { HttpdConfig } from '../httpd/parse.js';
import type { HttpdSetup } from '../httpd/locate.js';
import type { Accounts } from '../system/accounts.js';
import type { Cleaner } from '../system/cleaners.js';
import { normalRoot } from '../httpd/servers.js';

/** One cache the per-cache checks look at. */
export interface Target {
  /** CacheRoot (a path on the checked machine), or null when there is none to look at. */
  readonly root: string | null;
  /** Servers whose settings apply (0 = main). */
  readonly servers: readonly number[];
}

/** What every check may read: the machine, httpd's configuration, accounts and cleaners. */
export interface DoctorContext {
  readonly sys: SysRoot;
  readonly setup: HttpdSetup;
  readonly cfg: HttpdConfig | null;
  readonly accounts: Accounts;
  readonly cleaners: readonly Cleaner[];
  /** What could not be seen while looking for cleaners (unreadable crontabs, scripts that never run). */
  readonly cleanerNotes: readonly string[];
  /** --limit: overrides the limits the cleaners name. */
  readonly limit?: number;
  /** --state-dir: checked when no scheduled cachectl names one. */
  readonly stateDir?: string;
  /** Who runs doctor (for a state dir no scheduled run owns). */
  readonly user: { uid: number; gids: readonly number[] };
  /** The size a distfile may reach and still be worth caching. */
  readonly largestFile: number;
}

/** Cleaners that work on this cache (or do not say which cache they clean). */
export function cleanersOf(ctx: DoctorContext, t: Target): Cleaner[] {
  if (t.root === null) return [...ctx.cleaners];
  const root = normalRoot(t.root);
  return ctx.cleaners.filter((c) => c.path === null || normalRoot(c.path) === root);
}

/** `1,000,000 B` style, exact, for settings given in bytes. */
export const bytesText = (n: number) => `${formatCount(n)} B`;
