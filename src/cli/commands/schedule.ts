import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addScheduleOptions, type ScheduleCliOptions } from '../scheduleOptions.js';

const EXAMPLES = `
Every option can also be set by its CACHECTL_* variable (shown above), DIR by
CACHECTL_PATH. Boolean variables are off when empty, 0, false, no or off.
SIGTERM/SIGINT finish the current deletion and exit 0; SIGHUP re-reads the environment
and --config FILE.

Examples:
  cachectl schedule /var/cache/apache2/dist-files --limit 50G --cron "0 3 * * *"
  cachectl schedule /srv/cache --limit 50G --every 2h --run-now --if-changed
  cachectl schedule /srv/cache --limit 50G --cron "*/30 * * * *" --watch-free 10% --log-format json
  CACHECTL_CONFIG=/etc/default/cachectl cachectl schedule --check`;

export function registerSchedule(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('schedule')
    .description('prune on a cron schedule, an interval or low free space, until SIGTERM (the resident alternative to a timer)')
    .argument('[dir]', 'cache root (or CACHECTL_PATH)');
  addScheduleOptions(cmd)
    .addHelpText('after', EXAMPLES)
    .action(async (dir: string | undefined, _o: ScheduleCliOptions, c: Command) => (await import('./scheduleRun.js')).runSchedule(ctx, c, dir));
}

