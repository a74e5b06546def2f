import type { Log } from '../../api/common.js';
import type { CliContext } from '../context.js';

/**
 * The core's log for one-shot commands: warnings (an index that could not be saved, so
 * every run rescans) go to stderr; progress chatter stays out. CACHECTL_DEBUG=1 adds the
 * debug lines (why a scan was full, the plan's size).
 */
export function warnLog(ctx: CliContext): Log {
  const debug = ctx.env.CACHECTL_DEBUG === '1';
  return {
    info() {},
    warn: (msg) => ctx.err(`cachectl: warning: ${msg}\n`),
    debug: debug ? (msg) => ctx.err(`cachectl: debug: ${msg}\n`) : undefined,
  };
}
