import type { Check } from './types.js';
import { SysRoot } from './system/sysRoot.js';
import { locateHttpd } from './httpd/locate.js';
import { parseHttpdConfig } from './httpd/parse.js';
import { cacheLayout, serverLabel } from './httpd/servers.js';
import { Accounts } from './system/accounts.js';
import { findCleaners, type Cleaner } from './system/cleaners.js';
import type { DoctorContext } from './checks/context.js';
import { httpdConfigCheck } from './checks/httpdConfig.js';
import { cacheRootCheck } from './checks/cacheRoot.js';
import { dirLayoutCheck } from './checks/dirLayout.js';
import { maxFileSizeCheck } from './checks/fileSize.js';
import { cacheLockCheck, freshnessCheck, lastModifiedCheck } from './checks/freshness.js';
import { ownerCheck } from './checks/owner.js';
import { logFormatCheck } from './checks/logFormat.js';
import { schedulerCheck } from './checks/scheduler.js';
import { stateDirCheck } from './checks/stateDir.js';
import { freeSpaceCheck } from './checks/freeSpace.js';
import { nativeCheck } from './checks/native.js';
import { nativeState, type NativeState } from '../native/load.js';

export type { Check, CheckStatus } from './types.js';

/** The largest distfile worth caching, by default: the big source tarballs run to a few GB. */
export const DEFAULT_LARGEST_FILE = 4 * 2 ** 30;

export interface DoctorOptions {
  /** The cache root to check (a path on the checked machine); omitted: every cache httpd writes. */
  readonly dir?: string;
  /** httpd's main file; default: Gentoo's CONFIGFILE, else the first of locate.ts's MAIN_FILES. */
  readonly httpdConfig?: string;
  /** `-D` names for `<IfDefine>`; default: APACHE2_OPTS from /etc/conf.d/apache2. */
  readonly defines?: readonly string[];
  /** The checked machine's `/` (a fixture tree, a mounted image); default `/`. */
  readonly rootFs?: string;
  /** Compare this limit with the filesystem instead of the cleaners' own. */
  readonly limit?: number;
  /** A state dir to check when no scheduled cachectl names one. */
  readonly stateDir?: string;
  /** Who runs doctor: uid and groups (the CLI passes the process's). */
  readonly user: { uid: number; gids: readonly number[] };
  readonly largestFile?: number;
  /** Injected for tests; default: the process's loaded reader. */
  readonly native?: NativeState;
}

export interface DoctorResult {
  readonly checks: Check[];
  /** What was read, for --json consumers and the text header. */
  readonly httpd: {
    readonly mainFile: string | null;
    readonly serverRoot: string | null;
    readonly defines: readonly string[];
    readonly definesFrom: string | null;
    readonly files: readonly string[];
    readonly caches: { root: string; servers: string[] }[];
  };
  readonly cleaners: readonly Cleaner[];
}

/**
 * Checks the whole mirror setup: httpd's cache settings as httpd reads them, the cache
 * on disk, who owns it, the scheduled cleaners, the state dir, free space and the
 * native reader. Reads only; never runs httpd; each finding is a Check.
 */
export async function doctor(o: DoctorOptions): Promise<DoctorResult> {
  const sys = new SysRoot(o.rootFs ?? '/');
  const setup = await locateHttpd(sys, o);
  const cfg = setup.mainFile
    ? await parseHttpdConfig(sys, { mainFile: setup.mainFile, serverRoot: setup.serverRoot, defines: setup.defines, env: setup.env })
    : null;
  const found = await findCleaners(sys);
  const ctx: DoctorContext = {
    sys, setup, cfg, accounts: await Accounts.load(sys), cleaners: found.cleaners, cleanerNotes: found.notes,
    limit: o.limit, stateDir: o.stateDir, user: o.user, largestFile: o.largestFile ?? DEFAULT_LARGEST_FILE,
  };
  const checks: Check[] = [httpdConfigCheck(ctx)];
  const root = await cacheRootCheck(ctx, o.dir);
  checks.push(root.check);
  for (const t of root.targets) {
    checks.push(
      await dirLayoutCheck(ctx, t),
      maxFileSizeCheck(ctx, t),
      freshnessCheck(ctx, t),
      lastModifiedCheck(ctx, t),
      cacheLockCheck(ctx, t),
      await ownerCheck(ctx, t),
      logFormatCheck(ctx, t),
      schedulerCheck(ctx, t),
      await stateDirCheck(ctx, t),
      await freeSpaceCheck(ctx, t),
    );
  }
  checks.push(nativeCheck(o.native ?? nativeState()));
  return {
    checks,
    httpd: {
      mainFile: setup.mainFile, serverRoot: cfg?.serverRoot ?? null, defines: setup.defines, definesFrom: setup.definesFrom, files: cfg?.files ?? [],
      caches: cfg ? cacheLayout(cfg).caches.map((c) => ({ root: c.root, servers: c.servers.map((s) => serverLabel(cfg, s)) })) : [],
    },
    cleaners: found.cleaners,
  };
}
