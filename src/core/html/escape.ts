/**
 * Text from the cache (URLs, paths, host names) is attacker-controlled: anyone can make
 * the proxy store `/distfiles/<script>…`. Two steps keep it text: `displayText` turns it
 * into something a person can read unambiguously (when the model is built), and
 * `escapeHtml` makes that inert in markup (when the page is rendered). Every string
 * that reaches the page goes through `escapeHtml`, whatever its source.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For element content and double-quoted attribute values alike. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Characters that would make a string say something else than it is: C0/C1 controls
 * and DEL, the line and paragraph separators, and the bidirectional overrides and
 * isolates that can reorder what is shown ("Trojan Source"). Shown as escapes.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\x00-\x1f\x7f-\x9f\\\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function visibleEscape(c: string): string {
  if (c === '\\') return '\\\\';
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
}

/**
 * A cache key as people should see it. httpd stores raw bytes, which the scanner keeps
 * one per char (latin1, `rawBytes`): they are decoded as UTF-8 here, so that a key in
 * UTF-8 reads as written and invalid bytes show as U+FFFD. Controls and invisible
 * formatting characters become escapes (`\x1b`, `\u{202e}`), a backslash is doubled.
 */
export function displayText(s: string, rawBytes = false): string {
  // eslint-disable-next-line no-control-regex
  const text = rawBytes && /[\x80-\xff]/.test(s) && !/[^\x00-\xff]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
  return text.replace(INVISIBLE, visibleEscape);
}

/** A path the scanner already wrote for people (bad bytes as `\xNN`): its backslashes are its own. */
export function displayEscaped(s: string): string {
  return s.replace(INVISIBLE, (c) => (c === '\\' ? c : visibleEscape(c)));
}

/** At most `max` characters (code points), the middle elided: both ends of a URL matter. */
export function elide(s: string, max: number): string {
  if (s.length <= max) return s;
  const cps = Array.from(s);
  if (cps.length <= max) return s;
  const head = Math.ceil((max - 1) * 0.6);
  return cps.slice(0, head).join('') + '…' + cps.slice(cps.length - (max - 1 - head)).join('');
}
