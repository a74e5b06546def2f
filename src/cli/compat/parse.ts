import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { getopt } from './getopt.js';
import { parseHtcInterval, parseHtcLimit, parseHtcRound, strerror } from './numbers.js';
import { usageError } from './usage.js';

/** htcacheclean's option string (support/htcacheclean.c L1439). */
export const HTC_SPEC = 'iDnvrtd:l:L:p:P:R:aA';

export interface HtcOptions {
  /** -p as given (relative -P paths are resolved against it, as after htcacheclean's chdir). */
  readonly path: string;
  /** Its real path: what htcacheclean's getcwd() prints in "Cleaned …". */
  readonly root: string;
  /** -l in bytes: 0 = none, negative = "always over" (htcacheclean deletes everything). */
  readonly limit: number;
  readonly limitFound: boolean;
  /** -L in inodes, same conventions. */
  readonly inodes: number;
  readonly round: number;
  /** -d in ms; undefined = run once. */
  readonly intervalMs?: number;
  readonly intelligent: boolean;
  readonly dryRun: boolean;
  readonly nice: boolean;
  /** -t, or implied by -r. */
  readonly removeEmptyDirs: boolean;
  readonly verbose: boolean;
  readonly realclean: boolean;
  readonly list?: 'urls' | 'extended';
  readonly pidFile?: string;
  readonly urls: string[];
  /** Not an htcacheclean option: CACHECTL_I_KNOW_THIS_IS_A_CACHE=1 (core/safety/cacheShape.ts). */
  readonly iKnowThisIsACache?: boolean;
}

/** Either options, or the exact stderr htcacheclean prints before exiting 1. */
export type ParseResult = { ok: true; options: HtcOptions } | { ok: false; stderr: string };

/**
 * Parses and validates like htcacheclean's main(): options in order (so the first
 * error wins, and `-p` is checked for a usable directory where it appears, as the
 * chdir happens during parsing), then the mode rules in the same order. Every
 * failure is exit 1 with the same message.
 */
export function parseHtcArgs(argv: readonly string[], prog = 'htcacheclean'): ParseResult {
  let failure: string | undefined;
  const fail = (msg?: string): false => { failure = usageError(prog, msg); return false; };
  const seen = new Set<string>();
  let path: string | undefined, root = '', limit = 0n, inodes = 0n, round = 0n, repeat = 0n;
  let limitFound = false, isDaemon = false, deldirs = false, realclean = false;
  let list: HtcOptions['list'];
  let pidFile: string | undefined;
  const once = (flag: string, opt: string): boolean => {
    if (seen.has(flag)) return fail(`The option '${opt}' cannot be specified more than once`);
    seen.add(flag);
    return true;
  };

  const parsed = getopt(argv, HTC_SPEC, prog, (e) => {
    if (e.type === 'error') { failure = e.message + usageError(prog); return false; }
    const { opt, arg = '' } = e;
    switch (opt) {
      case 'i': case 'D': case 'n': case 'v': return once(opt, opt);
      case 't':
        // -r sets the same flag, so `-r -t` is "specified more than once" (as in C).
        if (deldirs) return fail(`The option 't' cannot be specified more than once`);
        deldirs = true;
        return true;
      case 'r':
        if (!once('r', 'r')) return false;
        realclean = deldirs = true;
        return true;
      case 'd':
        if (!once('d', 'd')) return false;
        isDaemon = true;
        repeat = parseHtcInterval(arg);
        return true;
      case 'l': case 'L': {
        if (!once(opt, opt)) return false;
        const v = parseHtcLimit(arg);
        if (v === null) return fail(`Invalid limit: ${arg}\n\n`);
        if (opt === 'l') { limit = v; limitFound = true; } else inodes = v;
        return true;
      }
      case 'a': case 'A':
        // One flag for both: `-a -A` is "specified more than once".
        if (!once('list', opt)) return false;
        list = opt === 'a' ? 'urls' : 'extended';
        return true;
      case 'p': {
        if (!once('p', opt)) return false;
        path = arg;
        const err = checkDir(arg);
        if (err) return fail(`Could not set filepath to '${arg}': ${err}`);
        root = realpathSync(arg);
        return true;
      }
      case 'P':
        if (!once('P', opt)) return false;
        pidFile = arg;
        return true;
      case 'R': {
        // Only a non-zero value counts as given: `-R0 -R5` is accepted, as in C.
        if (round !== 0n) return fail(`The option 'R' cannot be specified more than once`);
        const v = parseHtcRound(arg);
        if (v === 'invalid') return fail(`Invalid round value: ${arg}\n\n`);
        if (v === 'negative') return fail(`Round value must be positive: ${arg}\n\n`);
        round = v;
        return true;
      }
    }
    return true;
  });
  if (!parsed) return { ok: false, stderr: failure ?? usageError(prog) };

  const bad = (msg?: string): ParseResult => ({ ok: false, stderr: usageError(prog, msg) });
  if (argv.length === 0) return bad();
  if (path === undefined) return bad('Option -p must be specified');
  const urls = argv.slice(parsed.ind);
  const has = (f: string) => seen.has(f);
  if (urls.length > 0) {
    if (isDaemon) return bad('Option -d cannot be used with URL arguments, aborting');
    if (has('i')) return bad('Option -i cannot be used with URL arguments, aborting');
    // Only -l is checked, whatever the message says: `-L` with URLs is accepted.
    if (limitFound) return bad('Option -l and -L cannot be used with URL arguments, aborting');
  } else {
    if (isDaemon && repeat <= 0n) return bad('Option -d must be greater than zero');
    // The message names -L, but the code checks the list flags (-a/-A).
    if (isDaemon && (has('v') || realclean || has('D') || list)) return bad('Option -d cannot be used with -v, -r, -L or -D');
    if (!isDaemon && has('i')) return bad('Option -i cannot be used without -d');
    if (!list && limit <= 0n && inodes <= 0n) return bad('At least one of option -l or -L must be greater than zero');
  }
  return {
    ok: true,
    options: {
      path, root, limit: Number(limit), limitFound, inodes: Number(inodes), round: Number(round),
      intervalMs: isDaemon ? Number(repeat / 1000n) : undefined,
      intelligent: has('i'), dryRun: has('D'), nice: has('n'), removeEmptyDirs: deldirs,
      verbose: has('v'), realclean, list, pidFile, urls,
    },
  };
}

/** Why chdir(dir) would fail, as strerror text; undefined if it would succeed. */
function checkDir(dir: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return strerror('ENOTDIR');
    accessSync(dir, constants.X_OK);
    return undefined;
  } catch (e) {
    return strerror((e as NodeJS.ErrnoException).code);
  }
}
