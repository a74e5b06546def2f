import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { formatOption, jsonOption, parser, sizeArg } from '../options.js';
import { colors, escapeControl } from '../output/style.js';
import { dropPrivilegesOption, prepareRoot } from '../rootGuard.js';
import { formatCount, parseSize, MAX_EXACT_OBJECTS, MAX_EXACT_REQUESTS, UsageError } from '../../api/common.js';
import { defaultStateDir } from '../indexOptions.js';
import { join } from 'node:path';
import { interruptedExitCode } from '../exitCode.js';

export interface SizingCliOptions {
  accessLog: string[];
  accessLogFormat?: string;
  sizes?: number[];
  limit?: number;
  usage: 'disk' | 'apparent';
  format: 'auto' | 'apache' | 'files';
  exact?: boolean;
  json?: boolean;
  stateDir?: string;
  index?: boolean;
}

const sizesArg = parser((s: string) => {
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (list.length === 0) throw new Error(`invalid --sizes '${s}' (expected e.g. 10G,20G,50G,100G)`);
  return list.map(parseSize);
});

const HELP = `
The model: every full-body response in the logs (GET, status 200; the object is path +
query, its size the body bytes) is replayed through an LRU cache that holds at most SIZE
bytes: on a miss the object goes on top and the least recently used objects are evicted
until the total fits. One pass gives every size at once (byte-weighted stack distances).
A body larger than the one seen before for the same URL is a new version (a miss); a
smaller one (an interrupted download) is a request for the stored one. 304 and 206
responses are counted beside the replay, not in it. Past ${formatCount(MAX_EXACT_REQUESTS)} requests (or
${formatCount(MAX_EXACT_OBJECTS)} distinct URLs) the replay is sampled, and says so (SHARDS; --exact keeps
every request, with memory growing with the logs).

The real cache grows past its limit between two prunes, so its hit ratio sits between
the curve at the limit and at the limit plus the growth of one interval. The limit
counts disk blocks and headers too (--usage), the curve only bodies.

With %{cache-status}e in the LogFormat (mod_cache's "cache hit", "cache miss: …"), the
ratios the cache really had are shown beside the model's, e.g.
  LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{cache-status}e\\"" cachestatus

Examples:
  cachectl sizing --access-log /var/log/apache2/access.log*
  cachectl sizing /var/cache/apache2/mod_cache_disk --limit 50G --access-log /var/log/apache2/access.log /var/log/apache2/access.log.1
  cachectl sizing --sizes 10G,20G,50G,100G --json --access-log access.log.2.gz | jq .curve`;

export function registerSizing(program: Command, ctx: CliContext): void {
  program
    .command('sizing')
    .description('replay access logs through an LRU model: the hit ratio and upstream traffic a cache of each size would get (read-only)')
    .argument('[dir]', 'cache root: its current size and --limit are marked on the curve')
    .addOption(new Option('--access-log <file...>', 'Apache access logs (plain or .gz, rotated ones too, in any order)').env('CACHECTL_ACCESS_LOG').makeOptionMandatory()
      .argParser((v: string, prev?: string[]) => [...(prev ?? []), ...v.split(/[\s,]+/).filter(Boolean)]))
    .addOption(new Option('--access-log-format <format>', "the logs' LogFormat string, or common/combined (default: whichever fits)").env('CACHECTL_ACCESS_LOG_FORMAT'))
    .addOption(new Option('--sizes <list>', 'cache sizes to show, e.g. 10G,20G,50G,100G (default: 0 to twice the working set)').argParser(sizesArg))
    .addOption(new Option('-l, --limit <size>', 'the limit the cache is pruned to, marked on the curve').argParser(sizeArg).env('CACHECTL_LIMIT'))
    .addOption(new Option('--usage <kind>', "how the cache's current size is counted: disk (blocks, as prune) or apparent").choices(['disk', 'apparent']).default('disk').env('CACHECTL_USAGE'))
    .addOption(formatOption())
    .addOption(new Option('--exact', 'never sample, however long the logs (memory grows with them)'))
    .addOption(new Option('--state-dir <dir>', "where prune keeps its index and eviction journal (with DIR: requests for evicted entries are counted)").env('CACHECTL_STATE_DIR'))
    .addOption(new Option('--no-index', 'do not read the eviction journal'))
    .addOption(jsonOption())
    .addOption(dropPrivilegesOption())
    .addHelpText('after', HELP)
    .action(async (dir: string | undefined, o: SizingCliOptions) => runSizing(ctx, dir, o));
}

async function runSizing(ctx: CliContext, dir: string | undefined, o: SizingCliOptions): Promise<void> {
  // An empty CACHECTL_ACCESS_LOG satisfies commander's mandatory option with no file in it.
  if (!o.accessLog?.length) throw new UsageError('no access log given: pass --access-log FILE... (or set CACHECTL_ACCESS_LOG)');
  const [{ replayLogs, summarise }, { renderSizing }] = await Promise.all([import('../../api/sizing.js'), import('../output/sizingText.js')]);
  // Logs first: as root they may be readable only before privileges are dropped for the scan.
  const ghosts = dir !== undefined && o.index !== false ? await journal(ctx, dir, o) : undefined;
  const replay = await replayLogs({ accessLogs: o.accessLog, logFormat: o.accessLogFormat, exact: o.exact, ghosts, signal: ctx.signal });
  let current: number | undefined;
  if (dir !== undefined && !replay.interrupted) {
    const { streamReport } = await import('../../api/report.js');
    const { root } = await prepareRoot(ctx, dir, o, { format: o.format, changes: false });
    const report = await streamReport({ root, format: o.format, signal: ctx.signal });
    current = o.usage === 'disk' ? report.diskBytes : report.bytes;
    if (report.interrupted) replay.interrupted = true;
  }
  const r = summarise(replay, { sizes: o.sizes, limit: o.limit, current });
  if (o.json) ctx.out(JSON.stringify(r, null, 2) + '\n');
  else ctx.out(renderSizing(r, colors(ctx, 'out')));
  for (const f of r.files) if (f.error) ctx.err(`cachectl: ${escapeControl(f.path)}: read stopped after ${f.lines} lines (${f.error})\n`);
  if (r.interrupted) ctx.exitCode = interruptedExitCode(ctx.signalName);
  else if (r.files.some((f) => f.error)) ctx.exitCode = 1;
}

/**
 * prune's eviction journal for DIR: in the state dir, or in its `uid-N` subdirectory
 * where a prune started as root and run as the cache's owner N keeps its files.
 */
async function journal(ctx: CliContext, dir: string, o: SizingCliOptions) {
  const [{ resolveRoot, statRoot }, { readGhosts }] = await Promise.all([import('../../api/safety.js'), import('../../api/sizing.js')]);
  const root = await resolveRoot(dir);
  const stateDir = o.stateDir ?? defaultStateDir(ctx.env);
  const owner = (await statRoot(root)).uid;
  return [...(await readGhosts(stateDir, root)), ...(await readGhosts(join(stateDir, `uid-${owner}`), root))];
}
