/**
 * URL patterns for `list --match` and `delete --match`, and the forms a stored cache
 * key may be written in by a user.
 *
 * Glob semantics (shell-like, but for URLs, where `/` is not special):
 *   `*`      any run of characters, `/` included
 *   `?`      exactly one character (a key's literal `?` matches it too)
 *   `[abc]`  one of the set; `[a-z]` ranges; `[!abc]` or `[^abc]` negated
 *   `\x`     the character x literally (`\*`, `\?`, `\[`)
 * The pattern must match a whole form of the key (anchored at both ends), and is
 * case-sensitive except for the scheme and host, which URLs treat case-insensitively.
 */

export type Matcher = (text: string) => boolean;

/** Compiles a glob into a predicate over whole strings. Never throws on odd input. */
export function compileGlob(pattern: string): Matcher {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      // Collapse runs: `**` is the same as `*`, and keeps the regex linear.
      while (pattern[i + 1] === '*') i++;
      re += '[\\s\\S]*';
    } else if (c === '?') {
      re += '[\\s\\S]';
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i]);
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) { re += '\\['; continue; }
      let body = pattern.slice(i + 1, end);
      const negate = body[0] === '!' || body[0] === '^';
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^[]/g, (m) => (m === '\\' ? '\\\\' : `\\${m}`))}]`;
      i = end;
    } else {
      re += escapeRe(c);
    }
  }
  const rx = new RegExp(`^${re}$`);
  return (text) => rx.test(text);
}

/** Index of the `]` closing a class opened at `start`, or -1 (then `[` is literal). */
function classEnd(p: string, start: number): number {
  let j = start + 1;
  if (p[j] === '!' || p[j] === '^') j++;
  if (p[j] === ']') j++; // `[]abc]`: a leading `]` is a member
  for (; j < p.length; j++) if (p[j] === ']') return j;
  return -1;
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ftp: '21' };
const URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?]*)(.*)$/;

/**
 * The forms a user may write for the stored key `http://host:80/path?`: the key itself,
 * without the empty trailing `?`, without the scheme's default port, and the path alone
 * (`/path?`, `/path`), as copied from a browser bar or an access log. Scheme and host
 * are lowercased. Keys that are not URLs (files mode: relative paths) have one form.
 */
export function keyForms(key: string): string[] {
  const m = URL_RE.exec(key);
  if (!m) return [key];
  const scheme = m[1].toLowerCase();
  const host = m[2].toLowerCase();
  const rest = m[3];
  const rests = rest.endsWith('?') ? [rest, rest.slice(0, -1)] : [rest];
  const hosts = [host];
  const port = DEFAULT_PORTS[scheme];
  if (port && host.endsWith(`:${port}`)) hosts.push(host.slice(0, -port.length - 1));
  const forms: string[] = [];
  for (const h of hosts) for (const r of rests) forms.push(`${scheme}://${h}${r}`);
  for (const r of rests) if (r.startsWith('/')) forms.push(r);
  return forms;
}

/** Normalises what a user typed the way keyForms normalises keys (scheme, host case). */
export function normaliseUserUrl(text: string): string {
  const m = URL_RE.exec(text);
  return m ? `${m[1].toLowerCase()}://${m[2].toLowerCase()}${m[3]}` : text;
}

/**
 * A matcher over cache keys: true when the glob matches any form of the key, so
 * `*.tar.xz` matches `http://h:80/a.tar.xz?` and `/distfiles/*` matches by path.
 */
export function urlMatcher(pattern: string): Matcher {
  const glob = compileGlob(normaliseUserUrl(pattern));
  return (key) => keyForms(key).some(glob);
}
