/**
 * Plain `NAME=value` assignments, as /etc/conf.d/*, /etc/default/* and Debian's
 * /etc/apache2/envvars hold them: `export` allowed, single or double quotes, `#`
 * comments; `$NAME` and `${NAME}` expanded from what came before when `expand` is set
 * (a shell would; systemd's EnvironmentFile= would not). Lines that are not plain
 * assignments (if/then, commands) are ignored, so both branches of an `if` count, the
 * later one winning: good enough for these files, which are meant to be plain.
 */
export function parseShellAssignments(text: string, o: { expand?: boolean; base?: Readonly<Record<string, string>> } = {}): Record<string, string> {
  const vars: Record<string, string> = {};
  const get = (n: string) => vars[n] ?? o.base?.[n] ?? '';
  const expand = (s: string) => (o.expand ? s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_w, a: string, op: string, b: string) => (op ? expandOp(get(a), op) : get(a ?? b))) : s);
  for (const raw of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m) continue;
    vars[m[1]] = value(m[2].trim(), expand);
  }
  return vars;
}

/** `${X:-default}`, `${X-default}`; anything fancier (`##`, `%`) gives the plain value. */
function expandOp(v: string, op: string): string {
  const m = /^:?-(.*)$/.exec(op);
  if (m) return v === '' ? m[1] : v;
  return v;
}

/** One value: quoted parts joined, an unquoted `#` after a space starts a comment. */
function value(s: string, expand: (s: string) => string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      out += s.slice(i + 1, end < 0 ? s.length : end);
      i = end < 0 ? s.length : end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let part = '';
      while (j < s.length && s[j] !== '"') {
        if (s[j] === '\\' && j + 1 < s.length) { part += s[j + 1]; j += 2; } else part += s[j++];
      }
      out += expand(part);
      i = j + 1;
    } else if (/\s/.test(c)) {
      break; // `A=b # comment`, or `A=b cmd` (an environment for one command)
    } else {
      let j = i;
      while (j < s.length && !/[\s'"]/.test(s[j])) j++;
      out += expand(s.slice(i, j));
      i = j;
    }
  }
  return out;
}
