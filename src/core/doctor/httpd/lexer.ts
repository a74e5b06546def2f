/**
 * httpd's configuration syntax, as util.c reads it: physical lines joined where one
 * ends in a backslash (the backslash and newline dropped, nothing else), then trimmed;
 * a line starting with `#` is a comment (also when it was continued: a commented-out
 * line ending in `\` comments out the next one too, as in httpd); words are split as
 * ap_getword_conf splits them.
 */

export interface LogicalLine {
  readonly text: string;
  /** 1-based number of the first physical line. */
  readonly line: number;
}

export function* logicalLines(text: string): Generator<LogicalLine> {
  let buf = '';
  let start = 0;
  let open = false;
  let lineNo = 0;
  let at = 0;
  while (at <= text.length) {
    let nl = text.indexOf('\n', at);
    const last = nl < 0;
    if (last) nl = text.length;
    let l = text.slice(at, nl);
    at = nl + 1;
    lineNo++;
    if (last && l === '' && !open) break;
    if (!open) start = lineNo;
    // "[^\\]\\[\r]\n": a backslash right before the line end continues the line.
    if (!last && l.endsWith('\r')) l = l.slice(0, -1);
    if (!last && l.endsWith('\\')) {
      buf += l.slice(0, -1);
      open = true;
      continue;
    }
    buf += l;
    open = false;
    const t = buf.trim();
    buf = '';
    if (t !== '' && !t.startsWith('#')) yield { text: t, line: start };
    if (last) break;
  }
}

const SPACE = /\s/;

/**
 * ap_getword_conf: the next word of `s` from `at`: quoted with " or ' (a backslash
 * escapes the quote or a backslash inside), or up to the next whitespace. Returns the
 * word and where the rest starts (after the whitespace that follows).
 */
export function nextWord(s: string, at: number): { word: string; next: number } | null {
  while (at < s.length && SPACE.test(s[at])) at++;
  if (at >= s.length) return null;
  const quote = s[at] === '"' || s[at] === "'" ? s[at] : '';
  let end = quote ? at + 1 : at;
  let word = '';
  if (quote) {
    while (end < s.length && s[end] !== quote) {
      if (s[end] === '\\' && (s[end + 1] === quote || s[end + 1] === '\\')) { word += s[end + 1]; end += 2; }
      else word += s[end++];
    }
    if (end < s.length) end++; // the closing quote
  } else {
    while (end < s.length && !SPACE.test(s[end])) {
      if (s[end] === '\\' && s[end + 1] === '\\') { word += '\\'; end += 2; }
      else word += s[end++];
    }
  }
  while (end < s.length && SPACE.test(s[end])) end++;
  return { word, next: end };
}

/** Every word of an argument string. */
export function words(s: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (let w = nextWord(s, at); w; w = nextWord(s, at)) {
    out.push(w.word);
    at = w.next;
  }
  return out;
}

/**
 * ap_resolve_env on a whole line: `${NAME}` becomes the Define'd value or the variable
 * from httpd's environment (Debian's envvars); an unknown name stays as written (httpd
 * warns and does the same). `missing` collects the unknown names.
 */
export function resolveVars(line: string, lookup: (name: string) => string | undefined, missing: Set<string>): string {
  if (!line.includes('${')) return line;
  return line.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    const v = lookup(name);
    if (v === undefined) { missing.add(name); return whole; }
    return v;
  });
}

/** A section line `<Name args>` or `</Name>`: its name (lowercased) and argument text. */
export type SectionLine = { kind: 'open'; name: string; written: string; args: string; closed: boolean } | { kind: 'close'; name: string };

export function sectionOf(text: string): SectionLine | null {
  if (!text.startsWith('<')) return null;
  if (text.startsWith('</')) {
    const m = /^<\/([^\s>]+)\s*>?/.exec(text);
    return { kind: 'close', name: (m?.[1] ?? '').toLowerCase() };
  }
  const first = nextWord(text, 0);
  if (!first) return null;
  const written = first.word.slice(1).replace(/>$/, '');
  const rest = first.word.endsWith('>') ? '' : text.slice(first.next);
  const end = rest.lastIndexOf('>');
  return { kind: 'open', name: written.toLowerCase(), written, args: (end < 0 ? rest : rest.slice(0, end)).trim(), closed: first.word.endsWith('>') || end >= 0 };
}

/** A section as written, for messages: `<IfDefine CACHE>`. */
export const sectionText = (written: string, args: string) => `<${written}${args ? ` ${args}` : ''}>`;
