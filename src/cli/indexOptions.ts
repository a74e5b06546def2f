import { Option, type Command } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { IndexOptions } from '../api/report.js';
import { DEFAULT_STATE_DIR } from '../api/common.js';

export interface IndexCliOptions { stateDir?: string; index?: boolean; full?: boolean; accessLog?: string[]; accessLogFormat?: string }

/** root keeps its index in /var/lib/cachectl; other users in $XDG_STATE_HOME/cachectl. */
export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  if (process.getuid?.() === 0) return DEFAULT_STATE_DIR;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'cachectl');
}

export function addIndexOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--state-dir <dir>', 'where the persisted index lives (default /var/lib/cachectl as root)').env('CACHECTL_STATE_DIR'))
    .addOption(new Option('--no-index', 'neither read nor write the persisted index'))
    .addOption(new Option('--full', 'ignore the saved index: read every directory and header again').env('CACHECTL_FULL'))
    .addOption(new Option('--access-log <file...>', 'Apache access logs (plain or .gz, rotated ones too) whose requests refresh recency').env('CACHECTL_ACCESS_LOG').argParser((v: string, prev?: string[]) => [...(prev ?? []), ...v.split(/[\s,]+/).filter(Boolean)]))
    // Not --log-format: the scheduler uses that name for its own log lines (text|json).
    .addOption(new Option('--access-log-format <format>', 'the access logs\' LogFormat string (default: common or combined)').env('CACHECTL_ACCESS_LOG_FORMAT'));
}

export function indexOptionsFrom(o: IndexCliOptions, env: NodeJS.ProcessEnv): IndexOptions {
  if (o.index === false) return {};
  return { stateDir: o.stateDir ?? defaultStateDir(env), full: o.full, accessLogs: o.accessLog, logFormat: o.accessLogFormat };
}
