import { Option, type Command } from 'commander';
import { stat } from 'node:fs/promises';
import type { CliContext } from '../context.js';
import { jsonOption, sizeArg } from '../options.js';
import { UsageError } from '../../api/common.js';

export interface DoctorCliOptions {
  httpdConfig?: string; define?: string[]; rootFs?: string; limit?: number; stateDir?: string; largestFile?: number; json?: boolean;
}

const HELP = `
Reads httpd's configuration as httpd would (Include globs, <IfDefine>, <IfModule>,
<VirtualHost>, Define and \${VAR}), never running it, and checks: the CacheRoot,
the directory layout on disk, CacheMaxFileSize, expiry and CacheLock, who owns the
cache, the access log format, the scheduled cleaners (cachectl, htcacheclean), the
state dir, free space against the limit, and the native reader.

The -D names come from --define, else from APACHE2_OPTS in /etc/conf.d/apache2
(Gentoo); Debian's /etc/apache2/envvars gives \${APACHE_RUN_USER} and the like.

Exit status: 0 when no check fails (warnings allowed), 1 when one does, 2 for a
usage error.

Examples:
  cachectl doctor                                   # every cache httpd writes
  cachectl doctor /var/cache/apache2/dist-files
  cachectl doctor --define CACHE --define PROXY --json | jq '.checks[] | select(.status != "ok")'
  cachectl doctor --root-fs /mnt/server-image       # another machine's files`;

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check the whole mirror setup: httpd\'s cache settings, the cache, its cleaner and cachectl itself')
    .argument('[dir]', 'the cache root to check (default: every CacheRoot httpd writes)')
    .option('--httpd-config <file>', 'httpd\'s main file (default: /etc/apache2/httpd.conf, else /etc/apache2/apache2.conf)')
    .addOption(new Option('-D, --define <name>', '-D name for <IfDefine> (repeat it; default: APACHE2_OPTS from /etc/conf.d/apache2)')
      .argParser((v: string, prev?: string[]) => [...(prev ?? []), ...v.split(/[\s,]+/).filter(Boolean)]))
    .option('--root-fs <dir>', 'read the machine whose / is DIR (a mounted image, a container): every path is taken inside it')
    .addOption(new Option('-l, --limit <size>', 'compare this limit with the filesystem (default: the scheduled cleaner\'s)').argParser(sizeArg))
    .option('--state-dir <dir>', 'a state dir to check when no scheduled cachectl names one')
    .addOption(new Option('--largest-file <size>', 'the largest distfile worth caching, for CacheMaxFileSize').argParser(sizeArg).default(4 * 2 ** 30, '4G'))
    .addOption(jsonOption())
    .addHelpText('after', HELP)
    .action(async (dir: string | undefined, o: DoctorCliOptions) => runDoctor(ctx, dir, o));
}

export async function runDoctor(ctx: CliContext, dir: string | undefined, o: DoctorCliOptions): Promise<void> {
  if (o.rootFs !== undefined) {
    const st = await stat(o.rootFs).catch(() => null);
    if (!st?.isDirectory()) throw new UsageError(`--root-fs ${o.rootFs} is not a directory`);
  }
  const [{ doctor }, { doctorText }] = await Promise.all([import('../../api/doctor.js'), import('../output/doctorText.js')]);
  const r = await doctor({
    dir, httpdConfig: o.httpdConfig, defines: o.define, rootFs: o.rootFs, limit: o.limit, stateDir: o.stateDir, largestFile: o.largestFile,
    user: { uid: process.getuid?.() ?? 0, gids: process.getgroups?.() ?? [] },
  });
  ctx.out(o.json ? `${JSON.stringify({ checks: r.checks, httpd: r.httpd, cleaners: r.cleaners }, null, 2)}\n` : doctorText(ctx, r));
  ctx.exitCode = r.checks.some((c) => c.status === 'fail') ? 1 : 0;
}
