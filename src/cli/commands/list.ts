import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { addIndexOptions, indexOptionsFrom, type IndexCliOptions } from '../indexOptions.js';
import { formatOption } from '../options.js';
import { scanProgress } from '../output/progress.js';
import { escapeControl } from '../output/style.js';
import { dropPrivilegesOption } from '../rootGuard.js';
import { missingDirError, prepareRootAndPaths } from '../pathOptions.js';
import { warnLog } from '../output/warnLog.js';
import { writeChunked } from '../output/chunked.js';
import { interruptedExitCode } from '../exitCode.js';

export interface ListCliOptions extends IndexCliOptions { format: 'auto' | 'apache' | 'files'; long?: boolean; json?: boolean; match?: string }

export const MATCH_HELP = `
Patterns (--match) are globs over the whole URL: * matches anything, / included;
? one character; [a-z] a class. A pattern may also be written against the URL
without its empty trailing "?" or default port, or against the path alone:
  --match '*/gentoo-distfiles/firefox-*'   --match '*.tar.xz'   --match '/distfiles/*'`;

export function registerList(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('list')
    .description('print the URL of every servable entry, one per line (like htcacheclean -a)')
    .argument('[dir]', 'cache root (CacheRoot); required')
    .addOption(new Option('--long', "htcacheclean -A's eleven fields: url hdr_size body_size status entity_version date expire request_time response_time has_body header_only (times in µs)").conflicts('json'))
    .addOption(new Option('--json', 'one JSON object per line, readable names and ISO times'))
    .option('--match <pattern>', 'only URLs matching this glob')
    .addOption(formatOption())
    .addOption(dropPrivilegesOption());
  addIndexOptions(cmd)
    .addHelpText('after', `${MATCH_HELP}\n\nExamples:\n  cachectl list /var/cache/apache2/mod_cache_disk | sort\n  cachectl list --json --match '*.iso' /var/cache/apache2/mod_cache_disk | jq -r .url`)
    .action(async (dir: string | undefined, opts: ListCliOptions) => {
      if (dir === undefined) throw missingDirError('list', opts);
      const { root, o } = await prepareRootAndPaths(ctx, dir, opts, { format: opts.format, changes: false });
      await runList(ctx, root, o);
    });
}

export async function runList(ctx: CliContext, dir: string, o: ListCliOptions): Promise<void> {
  const [{ indexedScan }, { listEntries, formatJson, formatLong, urlMatcher }] = await Promise.all([
    import('../../api/report.js'), import('../../api/list.js'),
  ]);
  const progress = scanProgress(ctx);
  const snap = await indexedScan({ root: dir, format: o.format, signal: ctx.signal, onProgress: progress.update, ...indexOptionsFrom(o, ctx.env), log: warnLog(ctx) });
  progress.done();
  // Plain lines escape control characters (one entry, one line); --json is exact.
  const line = o.json ? formatJson : o.long ? (e: Parameters<typeof formatLong>[0]) => escapeControl(formatLong(e)) : (e: { url: string }) => escapeControl(e.url);
  const entries = listEntries(snap, { match: o.match === undefined ? undefined : urlMatcher(o.match), sorted: true });
  writeChunked(ctx.out, (function* () { for (const e of entries) yield line(e) + '\n'; })());
  for (const e of snap.errors) ctx.err(`cachectl: could not read ${e.path} (${e.code}); its entries are not listed\n`);
  if (snap.interrupted) ctx.exitCode = interruptedExitCode(ctx.signalName);
  else if (snap.errors.length) ctx.exitCode = 1;
}
