import { chmod, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { expect } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { runCachectl, type RunResult, type RunAs } from '../helpers/cli.js';
import type { Check } from '../../src/core/doctor/types.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const IS_ROOT = process.getuid?.() === 0;
export const NOBODY = 65534;

/**
 * A copy of a fixture machine (test/doctor/fixtures/NAME) in a temp dir, symlinks kept
 * as they are (Debian's mods-enabled), readable by everyone (a test may run doctor as
 * nobody). Returns its root, for --root-fs.
 */
export async function fixtureRoot(name: string): Promise<string> {
  const base = await tempDir('cachectl-doctor-');
  await chmod(base, 0o755);
  const root = join(base, 'root');
  await cp(join(FIXTURES, name), root, { recursive: true, verbatimSymlinks: true });
  return root;
}

/** mkdir -p below a fixture root. */
export async function mkdirIn(root: string, path: string): Promise<string> {
  const p = join(root, path);
  await mkdir(p, { recursive: true });
  return p;
}

export interface DoctorJson { checks: Check[]; httpd: { mainFile: string | null; files: string[]; caches: { root: string; servers: string[] }[]; defines: string[] }; cleaners: { tool: string; via: string; path: string | null }[] }

/** Runs `cachectl doctor --json` and parses it; the exit status must be 0 or 1 (never a crash). */
export async function doctorJson(args: string[], opts: RunAs & { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<DoctorJson & { code: number | null; run: RunResult }> {
  const run = await runCachectl(['doctor', '--json', ...args], opts);
  if (run.code !== 0 && run.code !== 1) throw new Error(`doctor exited ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  let j: DoctorJson;
  try { j = JSON.parse(run.stdout) as DoctorJson; } catch { throw new Error(`doctor --json printed no JSON:\n${run.stdout}\n${run.stderr}`); }
  // Exit 1 exactly when some check fails.
  expect(run.code).toBe(j.checks.some((c) => c.status === 'fail') ? 1 : 0);
  return { ...j, code: run.code, run };
}

/** The one check with this id (for this cache, when several). */
export function check(j: { checks: Check[] }, id: string, cache?: string): Check {
  const found = j.checks.filter((c) => c.id === id && (cache === undefined || c.cache === cache));
  if (found.length !== 1) throw new Error(`expected one ${id} check${cache ? ` for ${cache}` : ''}, found ${found.length}:\n${JSON.stringify(j.checks, null, 2)}`);
  return found[0];
}

/** id -> status, for a compact expectation of a whole run. */
export const statuses = (j: { checks: Check[] }, cache?: string) =>
  Object.fromEntries(j.checks.filter((c) => cache === undefined || c.cache === cache || c.cache === undefined).map((c) => [c.id, c.status]));

/**
 * Makes `dir` belong to the fixture machine's `user`: as root, a chown to that user's
 * uid in the fixture's /etc/passwd; otherwise the fixture's passwd gives that user our
 * own uid, so the tree we wrote is theirs without privileges.
 */
export async function ownAs(root: string, dir: string, user: string): Promise<void> {
  const passwd = join(root, 'etc/passwd');
  const lines = (await readFile(passwd, 'utf8')).split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${user}:`));
  if (i < 0) throw new Error(`${user} is not in ${passwd}`);
  const f = lines[i].split(':');
  if (IS_ROOT) { execFileSync('chown', ['-R', `${f[2]}:${f[3]}`, dir]); return; }
  f[2] = String(process.getuid!());
  f[3] = String(process.getgid!());
  lines[i] = f.join(':');
  await writeFile(passwd, lines.join('\n'));
}
