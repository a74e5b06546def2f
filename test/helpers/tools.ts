import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { nativeState, type NativeState } from '../../src/core/native/load.js';

/**
 * Tests that need Debian's apache2 / apache2-utils skip with a visible reason where
 * they are missing. CI sets CACHECTL_REQUIRE_APACHE=1, which turns such a skip into a
 * failure, so a green CI always ran them.
 */
export const REQUIRE_APACHE = process.env.CACHECTL_REQUIRE_APACHE === '1';

export function which(tool: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')]) {
    if (dir && existsSync(`${dir}/${tool}`)) return `${dir}/${tool}`;
  }
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Returns the tool's path, or a skip reason. Throws when CACHECTL_REQUIRE_APACHE=1 and
 * the tool is missing.
 */
export function needTool(tool: string, pkg: string): { path: string | null; reason: string } {
  const path = which(tool);
  const reason = `${tool} not found: install Debian's ${pkg} (apt-get install ${pkg}) to run these tests`;
  if (!path && REQUIRE_APACHE) throw new Error(`CACHECTL_REQUIRE_APACHE=1 but ${reason}`);
  return { path, reason };
}

/**
 * The native directory reader (native/, built by `npm ci`). Missing, its tests skip with
 * the reason; CI sets CACHECTL_REQUIRE_NATIVE=1, which makes a missing build a failure.
 */
export function needNative(): NativeState {
  const state = nativeState();
  if (!state.binding && process.env.CACHECTL_REQUIRE_NATIVE === '1') {
    throw new Error(`CACHECTL_REQUIRE_NATIVE=1 but the native reader is ${state.reason}: run npm ci (needs make and a C compiler)`);
  }
  return state;
}
