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

type Token =
  | { t: 'star' }
  | { t: 'one' }
  | { t: 'lit'; c: string }
  | { t: 'set'; ranges: [string, string][]; negate: boolean };

/**
 * Compiles a glob into a predicate over whole strings. Never throws on odd input. Not
 * a RegExp: `*a*a*a…b` would backtrack exponentially there; this matcher retries only
 * from the last star, so it is O(pattern × text) at worst.
 */
export function compileGlob(pattern: string): Matcher {
  const tokens = tokenize(pattern);
  return (text) => matchTokens(tokens, text);
}

function tokenize(p: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '*') {
      if (out.at(-1)?.t !== 'star') out.push({ t: 'star' });
    } else if (c === '?') {
      out.push({ t: 'one' });
    } else if (c === '\\' && i + 1 < p.length) {
      out.push({ t: 'lit', c: p[++i] });
    } else if (c === '[') {
      const set = parseSet(p, i);
      if (set) { out.push(set.token); i = set.end; } else out.push({ t: 'lit', c });
    } else {
      out.push({ t: 'lit', c });
    }
  }
  return out;
}

/** `[abc]`, `[a-z]`, `[!x]`/`[^x]`, a leading `]` is a member; null if never closed. */
function parseSet(p: string, start: number): { token: Token; end: number } | null {
  let j = start + 1;
  const negate = p[j] === '!' || p[j] === '^';
  if (negate) j++;
  const ranges: [string, string][] = [];
  for (let first = true; j < p.length; j++, first = false) {
    if (p[j] === ']' && !first) return { token: { t: 'set', ranges, negate }, end: j };
    let lo = p[j];
    if (lo === '\\' && j + 1 < p.length) lo = p[++j];
    let hi = lo;
    if (p[j + 1] === '-' && j + 2 < p.length && p[j + 2] !== ']') {
      hi = p[j + 2];
      j += 2;
    }
    ranges.push([lo, hi]);
  }
  return null;
}

function matchOne(tok: Token, c: string): boolean {
  if (tok.t === 'one') return true;
  if (tok.t === 'lit') return tok.c === c;
  if (tok.t === 'set') return tok.ranges.some(([lo, hi]) => c >= lo && c <= hi) !== tok.negate;
  return false;
}

function matchTokens(tokens: Token[], s: string): boolean {
  let p = 0, i = 0, starP = -1, starI = 0;
  while (i < s.length) {
    const tok = tokens[p];
    if (tok && tok.t === 'star') { starP = p++; starI = i; }
    else if (tok && matchOne(tok, s[i])) { p++; i++; }
    else if (starP >= 0) { p = starP + 1; i = ++starI; }
    else return false;
  }
  while (tokens[p]?.t === 'star') p++;
  return p === tokens.length;
}

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
