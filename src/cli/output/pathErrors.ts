import { escapeControl } from './style.js';

type Style = { red(s: string): string };

/**
 * Paths a command could not read (or delete), for stderr: they explain exit status 1 to
 * a person and are not data (the JSON output carries them as `errors`). `what` completes
 * "N paths could not be ...", e.g. 'read; their entries are not counted'. At most `max`.
 */
export function renderPathErrors(errors: readonly { path: string; code: string }[], what: string, s: Style, max = 20): string {
  if (errors.length === 0) return '';
  const n = errors.length;
  let out = s.red(`cachectl: ${n} ${n === 1 ? 'path' : 'paths'} could not be ${what}:`) + '\n';
  for (const e of errors.slice(0, max)) out += `  ${e.code}  ${escapeControl(e.path)}\n`;
  if (n > max) out += `  ... and ${n - max} more\n`;
  return out;
}
