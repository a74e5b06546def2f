import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import type { PruneResult } from '../../api/prune.js';
import { addPruneOptions, htmlFileOption, pruneExitCode, pruneOptionsFrom, type PruneCliOptions } from '../pruneOptions.js';
import { packageVersion } from '../version.js';
import { jsonOption, vouchesForTree } from '../options.js';
import { processLockOwner } from '../lockOwner.js';
import { scanProgress } from '../output/progress.js';
import { colors } from '../output/style.js';
import { renderPathErrors } from '../output/pathErrors.js';
import { EXIT_STATUS_HELP } from '../exitStatus.js';
import { CachectlError, requireTarget } from '../../api/common.js';
import { dropPrivilegesOption } from '../rootGuard.js';
import { missingDirError, prepareRootAndPaths } from '../pathOptions.js';
import { warnLog } from '../output/warnLog.js';
import { writeChunked } from '../output/chunked.js';
import { checkRepoOptions } from '../gentooOptions.js';

export interface PruneCommandOptions extends PruneCliOptions { dryRun?: boolean; json?: boolean; verbose?: boolean; promFile?: string; html?: string }

export function registerPrune(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('prune')
    .description('evict least recently used entries until the size, count or free-space target holds')
    .argument('[dir]', 'cache root (or CACHECTL_PATH)');
  addPruneOptions(cmd)
    .option('-D, --dry-run', 'print the plan (what would go, in order, and why); delete nothing')
    .addOption(jsonOption())
    .option('-v, --verbose', 'one line per removed entry')
    .addOption(new Option('--prom-file <path>', 'after the run, write node_exporter textfile metrics here (atomically; not on --dry-run)').env('CACHECTL_PROM_FILE'))
    .addOption(htmlFileOption('after the run, write the HTML report (as report --html) here (atomically; not on --dry-run)'))
    .addOption(dropPrivilegesOption())
    .addHelpText('after', `
Order: old temp files, old orphans and unusable entries first (with --repo, also distfiles
whose size no Manifest gives); then, with --repo, retired distfiles (named by no Manifest,
unused for --retired-grace), oldest first; then least recently used (latest of body atime,
body mtime, header mtime), oldest first. --protect keeps its entries out of every pass.

Examples:
  cachectl prune /var/cache/apache2/dist-files --limit 50G
  cachectl prune /var/cache/apache2/dist-files --limit 50G --dry-run | less
  cachectl prune /srv/distfiles --format files --min-free 10% --keep-newer-than 2d
  cachectl prune /var/cache/apache2/dist-files --limit 50G --repo /var/db/repos/gentoo /var/db/repos/guru
  cachectl prune /var/cache/apache2/dist-files --limit 50G --protect '*/stage3-*'
${EXIT_STATUS_HELP}`)
    .action(async (dir: string | undefined, o: PruneCommandOptions) => {
      const root = dir ?? ctx.env.CACHECTL_PATH;
      if (!root) throw missingDirError('prune', o, 'argument or CACHECTL_PATH');
      // Before the root checks: a bad command line is reported as such, whatever DIR is.
      requireTarget(o);
      await checkRepoOptions(o);
      // --prom-file and --html are checked now, not found missing after the prune has run.
      const use = { format: o.format, changes: true, iKnowThisIsACache: vouchesForTree(o, ctx.env) };
      // A dry run writes neither: their paths do not matter then.
      const after = { promFile: o.dryRun ? undefined : o.promFile, html: o.dryRun ? undefined : o.html };
      const prepared = await prepareRootAndPaths(ctx, root, o, use, after);
      await runPrune(ctx, prepared.root, prepared.o);
    });
}

export async function runPrune(ctx: CliContext, root: string, o: PruneCommandOptions): Promise<PruneResult> {
  // Loaded when the command runs, not at start-up (see report.ts).
  const [{ prune, readLastSuccess, renderPromText, writePromFile }, text] = await Promise.all([
    import('../../api/prune.js'), import('../output/pruneText.js'),
  ]);
  const progress = scanProgress(ctx);
  const result = await prune({ ...pruneOptionsFrom(root, o, ctx.env), dryRun: o.dryRun, signal: ctx.signal, onProgress: progress.update, lockOwner: processLockOwner, log: warnLog(ctx) });
  progress.done();
  printPrune(ctx, result, o, text);
  if (o.promFile && !o.dryRun) {
    // Carry the last success over a failed run: a oneshot process keeps no counters.
    const previousSuccess = await readLastSuccess(o.promFile);
    try {
      await writePromFile(o.promFile, renderPromText(result, { now: Date.now(), previousSuccess }));
    } catch (e) {
      // Checked before the run; what is left is the world changing (disk full, dir removed).
      throw new CachectlError(`the prune ran, but the metrics could not be written to ${o.promFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 1);
    }
  }
  if (o.html && !o.dryRun && !result.interrupted) {
    const { writePageAfterRun } = await import('../../api/html.js');
    const po = pruneOptionsFrom(root, o, ctx.env);
    try {
      await writePageAfterRun({
        file: o.html, root: result.root, format: result.format, stateDir: po.stateDir, accessLogs: po.accessLogs, logFormat: po.logFormat,
        limit: o.limit, signal: ctx.signal, log: warnLog(ctx), generator: `cachectl ${packageVersion()}`,
      });
    } catch (e) {
      throw new CachectlError(`the prune ran, but the page could not be written to ${o.html} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 1);
    }
  }
  ctx.exitCode = pruneExitCode(result, ctx.signalName);
  return result;
}

function printPrune(ctx: CliContext, r: PruneResult, o: PruneCommandOptions, { renderVictims, renderPruneSummary }: typeof import('../output/pruneText.js')): void {
  if (o.json) {
    // The summary, and its list of failures, is in the JSON; people (cron mail) still
    // need to see on stderr why the exit status is 1.
    if (r.errors.length) ctx.err(renderPathErrors(r.errors, 'read or deleted', colors(ctx, 'err')));
    const { plan, ...summary } = r;
    const head = JSON.stringify(summary, null, 2);
    if (!(o.dryRun || o.verbose)) return ctx.out(head + '\n');
    // The plan can hold 250k victims: one compact line each, written in 64 KiB chunks,
    // instead of one pretty-printed string of hundreds of MB.
    ctx.out(head.slice(0, -2) + ',\n  "plan": [');
    writeChunked(ctx.out, (function* () { for (let i = 0; i < plan.length; i++) yield (i ? ',\n    ' : '\n    ') + JSON.stringify(plan[i]); })());
    ctx.out(plan.length ? '\n  ]\n}\n' : ']\n}\n');
    return;
  }
  const now = Date.now();
  if (o.dryRun || o.verbose) ctx.out(renderVictims(r.plan, now));
  ctx.err(renderPruneSummary(r, colors(ctx, 'err')));
}
