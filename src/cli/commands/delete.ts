import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../../api/common.js';
import { ageArg, notACacheOverrideOption, vouchesForTree } from '../options.js';
import { processLockOwner } from '../lockOwner.js';
import { MATCH_HELP } from './list.js';
import { dropPrivilegesOption, prepareRoot } from '../rootGuard.js';
import { interruptedExitCode } from '../exitCode.js';

export interface DeleteCliOptions { match?: string; dryRun?: boolean; removeEmptyDirs?: boolean; waitLock?: number; iKnowThisIsACache?: boolean }

const EXIT_HELP = `
URLs: the exact cache key (http://host:80/path?), or the form you copy from a
browser or an access log (http://host/path, /path), matched against stored keys.
${MATCH_HELP}

Exit status (as htcacheclean's URL mode):
  0  something was removed (or, with --dry-run, would be)
  1  an error (see stderr); 3 if another cachectl holds the lock
  2  nothing was cached (or a usage error)`;

export function registerDelete(program: Command, ctx: CliContext): void {
  program
    .command('delete')
    .description('remove cache entries by URL, with all their Vary variants')
    .argument('<dir>', 'cache root (CacheRoot)')
    .argument('[urls...]', 'URLs to remove')
    .option('--match <pattern>', 'also remove every entry whose URL matches this glob')
    .option('--dry-run', 'print what would be removed; remove nothing')
    .option('--remove-empty-dirs', 'rmdir hash directories left empty (htcacheclean -t)')
    .option('--wait-lock <duration>', 'wait this long (e.g. 30s) for a running prune instead of failing', ageArg)
    .addOption(notACacheOverrideOption())
    .addOption(dropPrivilegesOption())
    .addHelpText('after', `${EXIT_HELP}\n\nExamples:\n  cachectl delete /var/cache/apache2/mod_cache_disk /gentoo-distfiles/foo.tar.xz\n  cachectl delete --dry-run --match '*/gentoo-distfiles/firefox-*' /var/cache/apache2/mod_cache_disk`)
    .action(async (dir: string, urls: string[], o: DeleteCliOptions) => {
      // Before the root checks: a bad command line is reported as such, whatever DIR is.
      if (urls.length === 0 && o.match === undefined) throw new UsageError('delete needs at least one URL or --match PATTERN');
      const prepared = await prepareRoot(ctx, dir, o, { format: 'apache', changes: true, iKnowThisIsACache: vouchesForTree(o, ctx.env) });
      await runDelete(ctx, prepared.root, urls, prepared.o);
    });
}

export async function runDelete(ctx: CliContext, dir: string, urls: string[], o: DeleteCliOptions): Promise<void> {
  if (urls.length === 0 && o.match === undefined) throw new UsageError('delete needs at least one URL or --match PATTERN');
  const { deleteUrls } = await import('../../api/list.js');
  const r = await deleteUrls({
    root: dir, urls, match: o.match, dryRun: o.dryRun, removeEmptyDirs: o.removeEmptyDirs,
    lockOwner: processLockOwner, waitLock: o.waitLock, signal: ctx.signal, iKnowThisIsACache: vouchesForTree(o, ctx.env),
  });
  // stdout: the URLs that went (data for scripts); stderr: what people need to know.
  let buf = '';
  for (const u of r.removed) buf += `${u.key}\n`;
  if (buf) ctx.out(buf);
  for (const t of r.targets) if (t.status === 'not-cached') ctx.err(`not cached: ${t.input}\n`);
  for (const e of r.errors) ctx.err(`cachectl: ${e.path}: ${e.code}\n`);
  const what = `${r.removed.length} ${r.removed.length === 1 ? 'entry' : 'entries'} (${r.files} files)`;
  ctx.err(r.dryRun ? `would remove ${what}\n` : `removed ${what}\n`);
  if (r.interrupted) ctx.exitCode = interruptedExitCode(ctx.signalName);
  else if (r.errors.length > 0 || r.targets.some((t) => t.status === 'error')) ctx.exitCode = 1;
  else ctx.exitCode = r.removed.length > 0 ? 0 : 2;
}
