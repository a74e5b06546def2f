import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { addIndexOptions, defaultStateDir, indexOptionsFrom, type IndexCliOptions } from '../indexOptions.js';
import { formatOption, jsonOption, parser, sizeArg } from '../options.js';
import { scanProgress } from '../output/progress.js';
import { colors } from '../output/style.js';
import { renderPathErrors } from '../output/pathErrors.js';
import { dropPrivilegesOption } from '../rootGuard.js';
import { missingDirError, prepareRootAndPaths } from '../pathOptions.js';
import { warnLog } from '../output/warnLog.js';
import { interruptedExitCode } from '../exitCode.js';
import { CachectlError, UsageError } from '../../api/common.js';
import type { Report } from '../../api/report.js';
import { addRepoOptions, checkRepoOptions, gentooOptionsFrom, type RepoCliOptions } from '../gentooOptions.js';

export interface ReportCliOptions extends IndexCliOptions, RepoCliOptions { format: 'auto' | 'apache' | 'files'; json?: boolean; top: number; html?: string; limit?: number }

export function registerReport(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('report')
    .description('scan a cache and report its disk usage (read-only: no access time moves)')
    .argument('[dir]', 'cache root (CacheRoot, or a plain file cache with --format files); required')
    .addOption(formatOption())
    .addOption(jsonOption())
    .addOption(dropPrivilegesOption())
    .option('--top <n>', 'how many largest entries, hosts and paths to show', parser((s) => {
      const v = Number(s);
      if (!Number.isInteger(v) || v < 1 || v > 10000) throw new Error(`invalid --top '${s}' (expected 1-10000)`);
      return v;
    }), 10)
    .option('--html <file>', 'write the report as one self-contained HTML page (charts, tables; history from the run log; with --access-log, the sizing curve) to FILE, - for stdout')
    .addOption(new Option('-l, --limit <size>', 'the limit to mark on the page (default: the last prune\'s, from the run log)').argParser(sizeArg).env('CACHECTL_LIMIT'));
  addRepoOptions(addIndexOptions(cmd))
    .addHelpText('after', '\nExamples:\n  cachectl report /var/cache/apache2/mod_cache_disk\n  cachectl report --json /var/cache/distfiles | jq .diskBytes\n  cachectl report /var/cache/apache2/dist-files --repo /var/db/repos/gentoo   # retired, mismatch, duplicates\n  cachectl report /var/cache/apache2/mod_cache_disk --html /var/www/html/cache.html --access-log /var/log/apache2/access.log')
    .action(async (dir: string | undefined, opts: ReportCliOptions) => {
      if (dir === undefined) throw missingDirError('report', opts);
      // Both would be stdout: one document there, for scripts or for a browser.
      if (opts.html === '-' && opts.json) throw new UsageError('--json and --html - both write to stdout: give --html a file');
      await checkRepoOptions(opts);
      const html = opts.html === '-' ? undefined : opts.html;
      const { root, o } = await prepareRootAndPaths(ctx, dir, opts, { format: opts.format, changes: false }, { html });
      await runReport(ctx, root, o);
    });
}

export async function runReport(ctx: CliContext, dir: string, o: ReportCliOptions): Promise<void> {
  // Loaded here, not at start-up: only the command that runs pays for its modules.
  const [{ streamReport }, { renderReport }] = await Promise.all([import('../../api/report.js'), import('../output/reportText.js')]);
  const index = indexOptionsFrom(o, ctx.env);
  const repos = gentooOptionsFrom(o);
  // Before the scan: a repository that is not one is a usage error, not a late surprise.
  const gentoo = repos ? await import('../../api/gentoo.js') : undefined;
  const manifests = gentoo && repos ? await gentoo.loadManifests({ repos: repos.repos, stateDir: index.stateDir, log: warnLog(ctx) }) : undefined;
  const progress = scanProgress(ctx);
  const now = Date.now();
  // Rows are summed directory by directory and dropped where they can be (streamReport).
  const { interrupted, index: _index, ...report } = await streamReport({
    root: dir, format: o.format, signal: ctx.signal, onProgress: progress.update, ...index, log: warnLog(ctx),
    now, top: o.top, gentoo: gentoo && manifests && repos ? gentoo.gentooReportTally(manifests, repos, now, o.top) : undefined,
  });
  progress.done();
  if (o.html !== undefined && !interrupted) await writeHtml(ctx, report, now, o);
  if (o.json) ctx.out(JSON.stringify(report, null, 2) + '\n');
  // With --html FILE the page is the output (a timer mails nothing); --json adds the JSON.
  else if (o.html === undefined) ctx.out(renderReport(report, colors(ctx, 'out'), now));
  // stdout is the report; what could not be read is said to a person, on stderr.
  if (report.errors.length) ctx.err(renderPathErrors(report.errors, 'read; their entries are not counted', colors(ctx, 'err')));
  if (interrupted) ctx.exitCode = interruptedExitCode(ctx.signalName);
  else if (report.errors.length) ctx.exitCode = 1;
}

/** The HTML page (core/html): to stdout for `-`, else replaced atomically. */
async function writeHtml(ctx: CliContext, report: Report, now: number, o: ReportCliOptions): Promise<void> {
  const [{ htmlReport, writePageFile }, { packageVersion }] = await Promise.all([import('../../api/html.js'), import('../version.js')]);
  // The run log is read even with --no-index: it is not the index, and reading changes nothing.
  const stateDir = indexOptionsFrom(o, ctx.env).stateDir ?? o.stateDir ?? defaultStateDir(ctx.env);
  const page = await htmlReport(report, {
    now, stateDir, accessLogs: o.accessLog, logFormat: o.accessLogFormat, limit: o.limit, top: o.top, signal: ctx.signal,
    generator: `cachectl ${packageVersion()}`,
  });
  if (o.html === '-') return ctx.out(page);
  try {
    await writePageFile(o.html!, page);
  } catch (e) {
    throw new CachectlError(`the page could not be written to ${o.html} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 1);
  }
}
