import type { Command } from 'commander';
import type { EventEmitter } from 'node:events';

/**
 * Parses `cmd`'s options from `env` the way commander's own step for Option.env() does,
 * but from the given variables instead of process.env, which it never touches: the
 * scheduler re-reads its settings from the environment plus a config file on SIGHUP.
 * `cmd` must be fresh (nothing parsed yet): the values land with source 'env'.
 */
export function parseFromEnv(cmd: Command, env: NodeJS.ProcessEnv): void {
  const vars = cmd.options.map((o) => [o, o.envVar] as const);
  // parse() would read process.env: hide the names during it (their handlers stay).
  for (const [o] of vars) o.envVar = undefined;
  try {
    cmd.parse([], { from: 'user' });
  } finally {
    for (const [o, name] of vars) o.envVar = name;
  }
  for (const [o, name] of vars) {
    if (name === undefined || !(name in env)) continue;
    // Commander's own convention: a flag is set by the variable's presence, whatever its value.
    // The event commander's env step emits (a Command is an EventEmitter; its typings omit
    // emit): parsing, validation and error wording stay commander's own.
    (cmd as unknown as EventEmitter).emit(`optionEnv:${o.name()}`, o.required || o.optional ? env[name] : undefined);
  }
}
