/**
 * Writes many small pieces as few large writes (64 KiB): one write per line is slow on a
 * million entries, and one string of them all can be hundreds of MB.
 */
export function writeChunked(out: (s: string) => void, pieces: Iterable<string>): void {
  let buf = '';
  for (const p of pieces) {
    buf += p;
    if (buf.length > 1 << 16) { out(buf); buf = ''; }
  }
  if (buf) out(buf);
}
