import { createHash } from 'node:crypto';

const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy: nothing may load (default-src 'none'), only the
 * one stylesheet and the one script whose hashes are given run, images only from data:
 * URLs (the empty favicon). Should a cache key ever become markup, it could neither run
 * nor fetch anything.
 */
export function contentSecurityPolicy(style: string, script: string): string {
  return `default-src 'none'; style-src ${hash(style)}; script-src ${hash(script)}; img-src data:; base-uri 'none'; form-action 'none'`;
}
