import { compileGlob, keyForms, normaliseUserUrl, urlMatcher, type Matcher } from '../match.js';
import { endsInStar, pathPrefix } from '../gentoo/prefixRule.js';
import { Kind, type UnitTable } from '../table/table.js';

/**
 * `--protect GLOB...`: entries whose URL matches are never victims, in any pass. A
 * pattern matches like `list --match`: the whole URL (with or without the default port
 * and the empty query) or the path alone. Temp files and orphans have no URL, and an
 * unusable entry is never served: protection is for entries.
 */
export function protectedRows(t: UnitTable, patterns: readonly string[]): Uint8Array {
  const out = new Uint8Array(t.length);
  if (patterns.length === 0) return out;
  const whole = patterns.map(urlMatcher);
  const globs = patterns.map((p) => (endsInStar(p) ? compileGlob(normaliseUserUrl(p)) : null));
  // Per key prefix id: 1 = every key under it is protected (prefixRule.ts), 2 = judge each key.
  const verdict = new Uint8Array(t.key.prefixCount + 1);
  const byPrefix = (id: number): boolean => {
    if (verdict[id] === 0) {
      const prefix = t.key.prefix(id);
      const forms = pathPrefix(prefix) ? keyForms(prefix) : [];
      verdict[id] = globs.some((g: Matcher | null) => g !== null && forms.some(g)) ? 1 : 2;
    }
    return verdict[id] === 1;
  };
  for (let i = 0; i < t.length; i++) {
    if (t.kind[i] !== Kind.Entry) continue;
    const pre = t.key.prefixId(i);
    if (pre !== 0 && byPrefix(pre)) { out[i] = 1; continue; }
    const key = t.key.get(i);
    if (whole.some((m) => m(key))) out[i] = 1;
  }
  return out;
}
