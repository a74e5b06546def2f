/**
 * Just enough roff for man(7) pages that `groff -man -ww` renders without a warning:
 * text is escaped (backslash, a leading dot or quote, non-ASCII as \[uXXXX]: groff reads
 * its input as Latin-1 unless preconv runs), hyphens in options are minus signs (so
 * copying `--limit` from the page works), and no blank lines (man(7) wants .PP).
 */

/** Escapes running text: safe anywhere in a text line or a macro's quoted argument. */
export function esc(text: string): string {
  let s = text.replace(/\\/g, '\\e').replace(/-/g, '\\-');
  s = s.replace(/[^\x20-\x7e]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
  return s;
}

/** A text line: a leading `.` or `'` would be read as a request. */
function line(text: string): string {
  return /^[.']/.test(text) ? `\\&${text}` : text;
}

/** Paragraphs of running text (blank lines separate them). */
export function paragraphs(text: string): string[] {
  const out: string[] = [];
  for (const p of text.trim().split(/\n\s*\n/)) {
    if (out.length) out.push('.PP');
    out.push(...p.split('\n').map((l) => line(esc(l.trim()))).filter(Boolean));
  }
  return out;
}

/** Preformatted lines (examples, the exit status table), kept as --help prints them. */
export function verbatim(text: string): string[] {
  const out = ['.PP', '.nf', '.RS 4'];
  for (const l of text.replace(/^\n+|\n+$/g, '').split('\n')) out.push(l.trim() === '' ? '.sp' : line(esc(l)));
  out.push('.RE', '.fi');
  return out;
}

/** "-l, --limit <size>" as bold flags and an italic placeholder. */
export function term(flags: string): string {
  return flags.split(/(\s+|,\s*)/).map((w) => {
    if (/^-/.test(w)) return `\\fB${esc(w)}\\fR`;
    const m = /^([<[])(.+?)([>\]])$/.exec(w);
    if (m) return `${m[1] === '[' ? '[' : ''}\\fI${esc(m[2])}\\fR${m[3] === ']' ? ']' : ''}`;
    return esc(w);
  }).join('');
}

/** A tagged paragraph: .TP, the term, then its text. */
export function tagged(tag: string, text: string): string[] {
  return ['.TP', line(tag), ...paragraphs(text)];
}

export function heading(name: string): string {
  return `.SH ${esc(name.toUpperCase())}`;
}

/** The page's head: .TH and no hyphenation or justification (flags must stay whole). */
export function title(name: string, section: number, source: string, manual: string): string[] {
  return [`.TH "${esc(name.toUpperCase())}" "${section}" "" "${esc(source)}" "${esc(manual)}"`, '.nh', '.ad l'];
}
