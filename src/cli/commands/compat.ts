import type { Command } from 'commander';
import { dirname, join } from 'node:path';
import type { CliContext } from '../context.js';
import { COMPAT_NAME, findOnPath, installCompatLink, uninstallCompatLink, packageRoot, type OnPath } from '../../api/common.js';

/**
 * Ahead of /usr/bin and /usr/sbin (Apache's htcacheclean on Debian and Gentoo) in the
 * PATH of root, of users and of Debian's /etc/crontab; never a package manager's.
 */
const DEFAULT_DIR = '/usr/local/bin';

const DIR_HELP = "the directory for the htcacheclean symlink";

const EXPLAIN = `
The package never installs a program named htcacheclean: that name is Apache's
(/usr/bin/htcacheclean on Debian; \`command -v htcacheclean\` shows where). \`compat install\` places one
symlink, DIR/htcacheclean -> this package's bin/htcacheclean.js, refusing to replace
anything that is not such a symlink; \`compat uninstall\` removes it, and nothing else.
Only callers whose PATH has DIR before Apache's directory run it: a unit or cron line
that names /usr/bin/htcacheclean keeps running Apache's (docs/htcacheclean.md).
Run \`compat uninstall\` before \`npm uninstall -g cachectl\` (npm removes no such link).

Exit status: 0 done, or nothing to do; 1 refused (DIR/htcacheclean is not our symlink) or
not permitted; 2 a bad --dir.

Examples:
  cachectl compat install                      # /usr/local/bin/htcacheclean
  cachectl compat install --dir /usr/local/sbin
  cachectl compat status                       # every htcacheclean on the PATH, in order
  cachectl compat uninstall`;

/** "cachectl's front end" or "another program", for the PATH lines. */
const whose = (p: OnPath) => (p.cachectl ? "cachectl's front end" : 'not cachectl');

/** Which htcacheclean a caller with this PATH runs now; after install, whether ours won. */
function winnerLine(found: readonly OnPath[], placed?: string): string {
  const [first, ...rest] = found;
  if (!first) return `no ${COMPAT_NAME} is on this PATH now\n`;
  let line = `\`${COMPAT_NAME}\` on this PATH is now ${first.path} (${whose(first)})`;
  if (first.cachectl && rest.length) line += `, ahead of ${rest.map((p) => p.path).join(', ')}`;
  if (placed && first.path !== placed) {
    line += found.some((p) => p.path === placed) ? `: ${placed} comes after it` : `: ${dirname(placed)} is not on this PATH`;
  }
  return `${line}\n`;
}

export function registerCompat(program: Command, ctx: CliContext): void {
  const compat = program
    .command('compat')
    .description("put cachectl's htcacheclean front end on the PATH as `htcacheclean`, or take it away")
    .addHelpText('after', EXPLAIN);
  const target = () => join(packageRoot(), 'bin', `${COMPAT_NAME}.js`);
  const pathLine = async (placed?: string) => ctx.err(`cachectl: ${winnerLine(await findOnPath(COMPAT_NAME, ctx.env.PATH ?? ''), placed)}`);

  compat
    .command('install')
    .description('place DIR/htcacheclean, a symlink to the front end (never over anything else)')
    .option('--dir <dir>', DIR_HELP, DEFAULT_DIR)
    .action(async (o: { dir: string }) => {
      const { path, outcome } = await installCompatLink(o.dir, target());
      ctx.err(outcome === 'unchanged' ? `cachectl: ${path} already points to ${target()}\n` : `cachectl: ${outcome} ${path} -> ${target()}\n`);
      await pathLine(path);
    });

  compat
    .command('uninstall')
    .description('remove DIR/htcacheclean if it is our symlink (never anything else)')
    .option('--dir <dir>', DIR_HELP, DEFAULT_DIR)
    .action(async (o: { dir: string }) => {
      const { path, outcome } = await uninstallCompatLink(o.dir);
      ctx.err(outcome === 'removed' ? `cachectl: removed ${path}\n` : `cachectl: nothing to remove: ${path} does not exist\n`);
      await pathLine();
    });

  compat
    .command('status')
    .description('list every htcacheclean on the PATH, in the order a shell looks: the first one runs')
    .action(async () => {
      const found = await findOnPath(COMPAT_NAME, ctx.env.PATH ?? '');
      // Data on stdout: the path, a tab, and whose it is.
      for (const p of found) ctx.out(`${p.path}\t${p.cachectl ? 'cachectl' : 'other'}\n`);
      if (!found.length) ctx.err(`cachectl: no ${COMPAT_NAME} is on this PATH\n`);
    });
}
