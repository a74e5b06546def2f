/**
 * The hand-written part of the man pages: what --help has no room for. Everything else
 * on a page (synopsis, arguments, options, examples, exit status) is generated from the
 * commander definitions (manPages.ts), so it never drifts from --help.
 * Keys are command paths ('' is cachectl itself). Blank lines separate paragraphs.
 */
export interface Prose {
  readonly description: string;
  /** Extra sections, in order: [heading, text]. */
  readonly sections?: ReadonlyArray<readonly [string, string]>;
  readonly seeAlso?: readonly string[];
}

export const PROSE: Readonly<Record<string, Prose>> = {
  '': {
    description: `cachectl keeps an Apache mod_cache_disk cache, or a plain file cache such as a Gentoo distfiles directory, under a size limit. It replaces htcacheclean(8): it evicts the least recently used entries instead of the oldest written ones, removes the dead weight httpd leaves behind (old temp files, orphans, unusable entries), and refuses directories that are not caches.

It reads the cache without disturbing it: headers are opened with O_NOATIME, bodies are never read, symlinks are never followed, and files that httpd writes or removes during a run are handled. stdout carries data (reports, plans, JSON); stderr carries messages for people.

Run as root, cachectl becomes the owner of the cache directory before it reads anything. Each command has its own page, cachectl-COMMAND(1).`,
    sections: [
      ['Environment', `Every option of prune and schedule can also be set by a CACHECTL_* variable, shown in each option's description (--limit is CACHECTL_LIMIT); CACHECTL_PATH names the cache directory.

CACHECTL_NATIVE=0 uses the portable directory reader instead of the native one. cachectl --version says which reader is in use: the native one prebuilt for this platform, a local build, or the portable one.

CACHECTL_DEBUG=1 adds debug lines, and the stack of an unexpected error. NO_COLOR turns colour off.`],
      ['Files', `/var/lib/cachectl (as root; otherwise $XDG_STATE_HOME/cachectl): the persisted index of each cache, which makes re-runs fast. ROOT/.cachectl.lock: the per-cache lock. manifests-*.json in the same directory: the distfile names and sizes of each --repo, read again when its metadata/timestamp.chk changes. /etc/default/cachectl (systemd units, cron script) and /etc/conf.d/cachectl (OpenRC): settings for the services.`],
    ],
    seeAlso: ['htcacheclean(8)', 'systemd.timer(5)', 'cron(8)'],
  },
  report: {
    description: `Scans the cache and prints a disk-usage report: entries, dead weight, expiry profile, largest entries, usage by host and path, an age histogram and free space. Nothing is written to the cache and no access time moves. --json prints one JSON document instead.

With --repo, the Manifests of those ebuild repositories judge the distfiles in the cache (URL paths matching --distfiles-match): retired (named by no Manifest, unused for --retired-grace), mismatch (a body size no Manifest gives) and duplicates (one name under several URLs) are reported, in JSON as retired, mismatch and duplicates.`,
  },
  prune: {
    description: `Removes dead weight on every run, then, while a target (--limit, --max-entries, --min-free) is missed, the least recently used entries. Entries written while the scan ran are never victims, each victim is checked again just before it is unlinked, and the header goes before the body, so httpd sees a clean miss.

With --repo, distfiles whose size no Manifest gives go with the dead weight, and distfiles no Manifest names and unused for --retired-grace go before the least recently used entries (all of them with --evict-retired). --protect keeps matching URLs out of every pass; if that leaves a target out of reach, the exit status is 4.

--dry-run prints the plan: what would go, in order, and why. The summary on stderr gives the sizes before and after, the bytes removed by reason and the tail age, how long ago the least recently used entry that stays was used.`,
  },
  list: {
    description: `Prints the URL of every entry httpd can serve, one per line, sorted; --long adds htcacheclean -A's fields and --json readable names.`,
  },
  delete: {
    description: `Removes the entries of the given URLs, each with all its Vary variants, the way httpd would see them gone. URLs may be exact cache keys or what a browser or an access log shows.`,
  },
  htcacheclean: {
    description: `Runs htcacheclean's command line unchanged: the same options, messages and exit codes, with cachectl doing the work (least recently used eviction, the fixes listed in docs/htcacheclean.md). Existing cron lines and units keep working when they call it.

The package does not put a program named htcacheclean on the PATH: that name belongs to Apache's. cachectl compat install places one, as an explicit step (see cachectl-compat(1)). bin/htcacheclean.js in the package is the same front end.`,
    seeAlso: ['htcacheclean(8)', 'cachectl-compat(1)'],
  },
  schedule: {
    description: `Stays running and prunes on a cron schedule, at an interval, or as soon as free space runs low. Settings come from options, CACHECTL_* variables and a --config file, which SIGHUP re-reads. The systemd unit cachectl-scheduler.service and the OpenRC service run this command.`,
    seeAlso: ['cachectl-prune(1)', 'systemd.service(5)', 'openrc-run(8)'],
  },
  demo: {
    description: `Writes a sample mod_cache_disk cache into a temporary directory, byte for byte as httpd writes one, then runs report, a dry-run prune and a prune on it, and removes it. It needs no Apache and touches nothing else.`,
  },
  version: {
    description: `Prints the version, and which directory reader is in use: the native one prebuilt for this platform (shipped in the package), a native local build (compiled at install time, or on purpose, e.g. Gentoo's USE=native), or the portable reader, which works everywhere and scans about three times slower.`,
  },
  completion: {
    description: `Prints a completion script for bash, zsh or fish, generated from cachectl's own command definitions: commands, options, the choices of options such as --usage, and directories for directory arguments.`,
    sections: [['Installation', `bash: cachectl completion bash > /usr/share/bash-completion/completions/cachectl (or source it from ~/.bashrc).

zsh: cachectl completion zsh > /usr/share/zsh/site-functions/_cachectl

fish: cachectl completion fish > ~/.config/fish/completions/cachectl.fish`]],
  },
  compat: {
    description: `Puts cachectl's htcacheclean front end on the PATH under the name htcacheclean, or takes it away again. This is a deliberate step: installing the package never does it, so the system's htcacheclean (Apache's, /usr/bin/htcacheclean on Debian) is never overwritten.

install places one symlink, DIR/htcacheclean, pointing to the package's bin/htcacheclean.js, and refuses to replace anything that is not such a symlink. uninstall removes it, and only it. Both then say which htcacheclean a caller with the current PATH runs. Callers with another PATH (cron jobs, units that name /usr/bin/htcacheclean) are not affected: see docs/htcacheclean.md.`,
    seeAlso: ['cachectl-htcacheclean(1)', 'htcacheclean(8)'],
  },
};
