import { InvalidArgumentError, Option } from 'commander';
import { parseAge, parseSize, parseSizeOrPercent, OVERRIDE_ENV, OVERRIDE_FLAG } from '../api/common.js';

/** Wraps a core parser so commander reports a bad value as a usage error with an example. */
export function parser<T>(fn: (s: string) => T): (s: string) => T {
  return (s) => {
    try {
      return fn(s);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

export const sizeArg = parser(parseSize);
export const sizeOrPercentArg = parser(parseSizeOrPercent);
export const ageArg = parser(parseAge);
export const countArg = parser((s: string) => {
  if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(Number(s))) throw new Error(`invalid count '${s}' (expected a whole number, e.g. 100000)`);
  return Number(s);
});

export const formatOption = () =>
  new Option('--format <format>', 'cache layout: apache (mod_cache_disk), files (a plain file cache: every file may go), or auto (httpd caches only)')
    .choices(['auto', 'apache', 'files'])
    .default('auto')
    .env('CACHECTL_FORMAT');

export const jsonOption = () => new Option('--json', 'print one JSON document on stdout (for scripts)');

/** An environment switch is on only when it says so: `=0`, `=no` or empty must not arm an override. */
export const envFlagOn = (v: string | undefined): boolean => v !== undefined && /^\s*(1|true|yes|on)\s*$/i.test(v);

/**
 * `--i-know-this-is-a-cache`: delete in a tree that looks like something else (core/safety/
 * cacheShape.ts). Not commander's .env(): that arms a boolean flag whenever the variable
 * exists, `=0` included; `vouchesForTree` reads the variable strictly instead.
 */
export const notACacheOverrideOption = () =>
  new Option(OVERRIDE_FLAG, `act even on a tree that looks like something other than a cache (a home or source directory, /etc, programs); also ${OVERRIDE_ENV}=1`);

/** The override, from the flag or its environment variable. */
export function vouchesForTree(o: { iKnowThisIsACache?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return o.iKnowThisIsACache === true || envFlagOn(env[OVERRIDE_ENV]);
}
