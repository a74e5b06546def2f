import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addIndexOptions, indexOptionsFrom, type IndexCliOptions } from '../indexOptions.js';
import { formatOption, jsonOption, parser } from '../options.js';
import { scanProgress } from '../output/progress.js';
import { colors } from '../output/style.js';
import { renderPathErrors } from '../output/pathErrors.js';
import { dropPrivilegesOption } from '../rootGuard.js';
import { prepareRootAndPaths } from '../pathOptions.js';
import { warnLog } from '../output/warnLog.js';
import { interruptedExitCode } from '../exitCode.js';
import { addRepoOptions, checkRepoOptions, gentooOptionsFrom, type RepoCliOptions } from '../gentooOptions.js';

export interface ReportCliOptions extends IndexCliOptions, RepoCliOptions { format: 'auto' | 'apache' | 'files'; json?: boolean; top: number }

export function registerReport(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('report')
    .description('scan a cache and report its disk usage (read-only: no access time moves)')
    .argument('<dir>', 'cache root (CacheRoot, or a plain file cache with --format files)')
    .addOption(formatOption())
    .addOption(jsonOption())
    .addOption(dropPrivilegesOption())
    .option('--top <n>', 'how many largest entries, hosts and paths to show', parser((s) => {
      const v = Number(s);
      if (!Number.isInteger(v) || v < 1 || v > 10000) throw new Error(`invalid --top '${s}' (expected 1-10000)`);
      return v;
    }), 10);
  addRepoOptions(addIndexOptions(cmd))
    .addHelpText('after', '\nExamples:\n  cachectl report /var/cache/apache2/mod_cache_disk\n  cachectl report --json /var/cache/distfiles | jq .diskBytes\n  cachectl report /var/cache/apache2/dist-files --repo /var/db/repos/gentoo   # retired, mismatch, duplicates')
    .action(async (dir: string, o: ReportCliOptions) => {
      await checkRepoOptions(o);
      await runReport(ctx, await prepareRootAndPaths(ctx, dir, o, { format: o.format, changes: false }), o);
    });
}

export async function runReport(ctx: CliContext, dir: string, o: ReportCliOptions): Promise<void> {
  // Loaded here, not at start-up: only the command that runs pays for its modules (~60 ms of 140).
  const [{ indexedScan }, { buildReport, streamReport }, { renderReport }] = await Promise.all([
    import('../../core/index/indexedScan.js'), import('../../core/report.js'), import('../output/reportText.js'),
  ]);
  const index = indexOptionsFrom(o, ctx.env);
  const repos = gentooOptionsFrom(o);
  // Before the scan: a repository that is not one is a usage error, not a late surprise.
  const gentoo = repos ? await import('../../core/gentoo/report.js') : undefined;
  const manifests = gentoo && repos ? await gentoo.loadManifests({ repos: repos.repos, stateDir: index.stateDir, log: warnLog(ctx) }) : undefined;
  const tallyFor = (now: number) => (gentoo && manifests && repos ? gentoo.gentooReportTally(manifests, repos, now, o.top) : undefined);
  const progress = scanProgress(ctx);
  const scanOpts = { root: dir, format: o.format, signal: ctx.signal, onProgress: progress.update };
  let report, interrupted;
  let now = Date.now();
  if (!index.stateDir) {
    // No index to save: the rows are summed directory by directory and dropped.
    ({ interrupted, ...report } = await streamReport({ ...scanOpts, now, top: o.top, gentoo: tallyFor(now) }));
    progress.done();
  } else {
    const snap = await indexedScan({ ...scanOpts, ...index, log: warnLog(ctx) });
    progress.done();
    now = Date.now();
    report = await buildReport(snap, { now, top: o.top, gentoo: tallyFor(now) });
    interrupted = snap.interrupted;
  }
  if (o.json) ctx.out(JSON.stringify(report, null, 2) + '\n');
  else ctx.out(renderReport(report, colors(ctx, 'out'), now));
  // stdout is the report; what could not be read is said to a person, on stderr.
  if (report.errors.length) ctx.err(renderPathErrors(report.errors, 'read; their entries are not counted', colors(ctx, 'err')));
  if (interrupted) ctx.exitCode = interruptedExitCode(ctx.signalName);
  else if (report.errors.length) ctx.exitCode = 1;
}
