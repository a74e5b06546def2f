/**
 * Where a cache key's distfile name is. httpd's keys are `scheme://host:port/path?query`
 * (the `?` always present, the query often empty); a files-mode key is the file's path
 * relative to the root, which is taken as the path `/<key>`. The distfile name is the
 * path's last segment, percent-decoded, as Portage names the file it asked for.
 */

const SCHEME_HOST = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/** The URL path of a key (query and fragment cut off); files-mode keys become `/<key>`. */
export function keyPath(key: string): string {
  const m = SCHEME_HOST.exec(key);
  if (!m) return key.startsWith('/') ? key : `/${key}`;
  let end = key.length;
  for (let i = m[0].length; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) { end = i; break; }
  }
  const path = key.slice(m[0].length, end);
  return path === '' ? '/' : path;
}

/** The distfile name a path ends in, or null for a directory (a path ending in `/`). */
export function nameOfPath(path: string): string | null {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last === '' ? null : decodeName(last);
}

/**
 * Percent-decoding to the name's UTF-8 bytes. Keys are kept as latin1 (one char per
 * byte), so a raw UTF-8 name in a key decodes the same as its %-escaped form; a `%`
 * not followed by two hex digits stays as it is.
 */
export function decodeName(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length && plain; i++) { const c = s.charCodeAt(i); if (c === 37 || c > 127) plain = false; }
  if (plain) return s;
  const out = Buffer.allocUnsafe(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < s.length && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      out[n++] = parseInt(s.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      out[n++] = c & 0xff;
    }
  }
  return out.toString('utf8', 0, n);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
