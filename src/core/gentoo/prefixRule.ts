/**
 * Deciding a glob once per key prefix instead of once per key. The key column interns
 * everything up to a key's last `/` (a mirror's 500k keys share a few hundred prefixes),
 * and a glob that ends in `*` matches every string that starts with a string it matches:
 * so when a prefix's form (its path, or the whole URL) already matches, so does every key
 * that has it. A prefix that does not match says nothing: those keys are judged one by one.
 */

const SCHEME_HOST = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/** Does the glob end in an unescaped `*`? */
export function endsInStar(glob: string): boolean {
  if (!glob.endsWith('*')) return false;
  let backslashes = 0;
  for (let i = glob.length - 2; i >= 0 && glob[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/**
 * A prefix that ends inside the key's path: it runs past `scheme://host` (files-mode
 * keys have none) and holds no query. Only such a prefix is a prefix of the key's path.
 */
export function pathPrefix(prefix: string): boolean {
  if (prefix.includes('?') || prefix.includes('#')) return false;
  const m = SCHEME_HOST.exec(prefix);
  return !m || m[0].length < prefix.length;
}
