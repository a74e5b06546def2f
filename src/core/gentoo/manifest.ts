/**
 * The one reader of Manifest text (GLEP 74): only `DIST <name> <size> <HASH> <hex>...`
 * lines say which distfiles a package wants; EBUILD, AUX, MISC, MANIFEST, TIMESTAMP and
 * anything else are ignored. A DIST line we cannot use (no size, a size that is not a
 * number, hashes not in name/value pairs) is reported by line number, not guessed at.
 */

/** Receives each usable DIST line. */
export type DistSink = (name: string, size: number) => void;

const SPACE = /[ \t]+/;
const DIGITS = /^\d+$/;

/** Calls `sink` for each usable DIST line; returns the 1-based numbers of the malformed ones. */
export function parseManifest(text: string, sink: DistSink): number[] {
  const malformed: number[] = [];
  let line = 0;
  for (let at = 0; at < text.length;) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    line++;
    // Cheap test first: a thick Manifest is mostly EBUILD/AUX lines.
    if (text.startsWith('DIST', at) && (text[at + 4] === ' ' || text[at + 4] === '\t')) {
      const f = text.slice(at, end).trim().split(SPACE);
      const size = f.length >= 3 && DIGITS.test(f[2]) ? Number(f[2]) : NaN;
      if (Number.isSafeInteger(size) && (f.length - 3) % 2 === 0) sink(f[1], size);
      else malformed.push(line);
    }
    at = end + 1;
  }
  return malformed;
}
