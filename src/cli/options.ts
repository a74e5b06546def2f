import { InvalidArgumentError, Option } from 'commander';
import { parseAge, parseSize, parseSizeOrPercent } from '../core/units.js';

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
  new Option('--format <format>', 'cache layout: apache (mod_cache_disk), files (any file tree), or auto-detect')
    .choices(['auto', 'apache', 'files'])
    .default('auto')
    .env('CACHECTL_FORMAT');

export const jsonOption = () => new Option('--json', 'print one JSON document on stdout (for scripts)');
