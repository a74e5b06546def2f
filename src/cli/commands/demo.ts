import type { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../context.js';
import { formatSize } from '../../api/common.js';
import { runReport } from './report.js';
import { runPrune, type PruneCommandOptions } from './prune.js';

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('build a sample mod_cache_disk cache in a temp dir, report on it and prune it')
    .option('--keep', 'keep the sample cache and print its path')
    .action(async (o: { keep?: boolean }) => {
      const root = await mkdtemp(join(tmpdir(), 'cachectl-demo-'));
      try {
        const { writeSampleCache } = await import('../../api/sample.js');
        const sample = await writeSampleCache(root, { now: Date.now() });
        ctx.out(`A sample Gentoo distfiles mirror cache: ${sample.entries} entries, written byte for byte as httpd's\nmod_cache_disk writes them (the same writer the tests check against the real htcacheclean).\n\n`);
        ctx.out(`$ cachectl report ${root}\n`);
        // --no-index: a throwaway cache needs no index left behind in the state dir.
        await runReport(ctx, root, { format: 'auto', top: 5, index: false });
        const limit = 20 * 2 ** 20;
        const opts: PruneCommandOptions = { limit, usage: 'disk', order: 'atime', tempMaxAge: 6 * 3600e3, format: 'auto', index: false };
        ctx.out(`\n$ cachectl prune ${root} --limit ${formatSize(limit).replace(' MiB', 'M')} --dry-run\n`);
        await runPrune(ctx, root, { ...opts, dryRun: true });
        ctx.out(`\n$ cachectl prune ${root} --limit 20M\n`);
        await runPrune(ctx, root, opts);
      } finally {
        if (o.keep) ctx.out(`\nkept: ${root}\n`);
        else await rm(root, { recursive: true, force: true });
      }
    });
}
