import type { Log } from '../log.js';

export type LogFormat = 'text' | 'json';

/** A Log whose format can be switched while running (SIGHUP may change --log-format). */
export interface LineLog extends Log {
  format: LogFormat;
}

/**
 * One line per event for a long-running process: `TIME message` (warnings marked) or
 * one JSON object with `time`, `level`, `msg` and the fields. `write` is the sink (the
 * CLI passes stderr); debug lines only when `debug` is set.
 */
export function lineLog(write: (line: string) => void, opts: { format: LogFormat; debug?: boolean; now?: () => number }): LineLog {
  const now = opts.now ?? Date.now;
  const emit = (level: 'info' | 'warn' | 'debug', msg: string, fields?: Record<string, unknown>) => {
    const time = new Date(now()).toISOString();
    if (log.format === 'json') write(JSON.stringify({ time, level, msg, ...fields }) + '\n');
    else write(`${time} ${level === 'warn' ? 'warning: ' : ''}${msg.replace(/\n/g, ' ')}\n`);
  };
  const log: LineLog = {
    format: opts.format,
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    debug: opts.debug ? (msg, fields) => emit('debug', msg, fields) : undefined,
  };
  return log;
}
