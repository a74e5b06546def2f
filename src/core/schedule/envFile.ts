import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { UsageError } from '../errors.js';

/**
 * Reads a KEY=VALUE file: /etc/default/cachectl (systemd EnvironmentFile) or
 * /etc/conf.d/cachectl (OpenRC). Plain assignments, quotes and `#` comments only;
 * shell expansions such as ${X:-y} are not evaluated. As in systemd's
 * `EnvironmentFile=-/path`, a leading `-` means a missing file is no error.
 */
export async function readEnvFile(spec: string): Promise<Record<string, string>> {
  const optional = spec.startsWith('-');
  const path = optional ? spec.slice(1) : spec;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return {};
    throw new UsageError(`cannot read config file ${path}: ${code ?? (e as Error).message}`);
  }
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(parseEnv(text))) if (v !== undefined) vars[k] = v;
  return vars;
}

/**
 * Commander turns a boolean flag on whenever its variable exists, whatever its value;
 * in a KEY=VALUE file `CACHECTL_IF_CHANGED=no` or `=` must mean off. Drops such keys.
 */
export function withoutOffFlags(env: Record<string, string | undefined>, flagVars: readonly string[]): Record<string, string | undefined> {
  const out = { ...env };
  for (const k of flagVars) if (k in out && /^\s*(|0|false|no|off)\s*$/i.test(out[k] ?? '')) delete out[k];
  return out;
}
