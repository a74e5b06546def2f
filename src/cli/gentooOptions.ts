import { Option, type Command } from 'commander';
import { ageArg, parser } from './options.js';
import { UsageError, DEFAULT_DISTFILES_MATCH, DEFAULT_RETIRED_GRACE, type GentooOptions } from '../api/common.js';

/** `--repo` and what tunes it (report, prune, schedule). */
export interface RepoCliOptions { repo?: string[]; distfilesMatch?: string; retiredGrace?: number }
/** What only a pruning command takes. */
export interface GentooPruneCliOptions extends RepoCliOptions { evictRetired?: boolean; protect?: string[] }

/** A list option: each value, and an environment variable's value, split on whitespace (and, for paths, commas). */
const listOf = (sep: RegExp) => (v: string, prev?: string[]) => [...(prev ?? []), ...v.split(sep).filter(Boolean)];

const globArg = parser((s: string) => {
  if (s.trim() === '') throw new Error('an empty pattern matches nothing (the default is */distfiles/*)');
  return s;
});

export function addRepoOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--repo <dir...>', 'ebuild repositories whose Manifests say which distfiles are live (/var/db/repos/gentoo, overlays, meta-repo kits)').argParser(listOf(/[\s,]+/)).env('CACHECTL_REPO'))
    .addOption(new Option('--distfiles-match <glob>', 'with --repo: URL paths that are distfiles (* spans /)').argParser(globArg).default(DEFAULT_DISTFILES_MATCH).env('CACHECTL_DISTFILES_MATCH'))
    .addOption(new Option('--retired-grace <age>', 'with --repo: a distfile no Manifest names is retired once unused for AGE').argParser(ageArg).default(DEFAULT_RETIRED_GRACE, '30d').env('CACHECTL_RETIRED_GRACE'));
}

export function addGentooPruneOptions(cmd: Command): Command {
  return addRepoOptions(cmd)
    .addOption(new Option('--evict-retired', 'with --repo: evict every retired distfile on every run, not only while a target is missed').env('CACHECTL_EVICT_RETIRED'))
    .addOption(new Option('--protect <glob...>', 'never evict entries whose URL (or path) matches; they still count toward the size').argParser(listOf(/\s+/)).env('CACHECTL_PROTECT'));
}

/** CLI values -> the core's options (undefined without --repo: nothing changes). */
export function gentooOptionsFrom(o: RepoCliOptions & { evictRetired?: boolean }): GentooOptions | undefined {
  if (!o.repo?.length) return undefined;
  return { repos: o.repo, distfilesMatch: o.distfilesMatch, retiredGrace: o.retiredGrace, evictRetired: o.evictRetired };
}

/** Before any work: options that need --repo, and repositories that do not exist. */
export async function checkRepoOptions(o: RepoCliOptions & { evictRetired?: boolean }): Promise<void> {
  if (!o.repo?.length) {
    if (o.evictRetired) throw new UsageError('--evict-retired needs --repo DIR (the Manifests say what is retired)');
    return;
  }
  const { repoRoot } = await import('../api/gentoo.js');
  for (const r of o.repo) await repoRoot(r);
}
