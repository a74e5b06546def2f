import type { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../context.js';
import { writeSampleCache } from '../../core/sample/sampleCache.js';
import { runReport } from './report.js';

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('build a sample mod_cache_disk cache in a temp dir and run cachectl on it')
    .option('--keep', 'keep the sample cache and print its path')
    .action(async (o: { keep?: boolean }) => {
      const root = await mkdtemp(join(tmpdir(), 'cachectl-demo-'));
      try {
        const sample = await writeSampleCache(root, { now: Date.now() });
        ctx.out(`Sample Gentoo distfiles cache: ${sample.entries} entries written by the same byte-exact writer the tests use.\n\n$ cachectl report ${root}\n`);
        await runReport(ctx, root, { format: 'auto', top: 5 });
      } finally {
        if (o.keep) ctx.out(`\nkept: ${root}\n`);
        else await rm(root, { recursive: true, force: true });
      }
    });
}
