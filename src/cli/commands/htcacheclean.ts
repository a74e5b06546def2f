import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/**
 * `cachectl htcacheclean ARGS`: the same front end as bin/htcacheclean.js. Its
 * arguments are htcacheclean's grammar, not commander's, so they are passed through
 * untouched (including -h, -v, -p and `--`).
 */
export function registerHtcacheclean(program: Command, ctx: CliContext): void {
  program
    .command('htcacheclean')
    .description("htcacheclean's command line (-p DIR -l 50G, -a, -A, URLs, -d MINUTES), done by cachectl")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', 'htcacheclean options and URLs')
    .action(async (args: string[]) => {
      // cachectl's main owns ctx (and disposes of it): hand over a view without dispose().
      const { out, err, env, errIsTTY, outIsTTY, signal } = ctx;
      // -d restarts this same command detached: `node cachectl.js htcacheclean ARGS`.
      const { mainHtcacheclean } = await import('../compat/main.js');
      ctx.exitCode = await mainHtcacheclean(args, { out, err, env, errIsTTY, outIsTTY, signal, exitCode: 0 }, [process.argv[1], 'htcacheclean']);
    });
}
