import { constants, open, read, close, fstat } from 'node:fs';
import { parseHeader, type ParsedHeader } from '../format/header.js';
import { HEADER_BYTES } from '../native/abi.js';

const O_NOATIME = (constants as Record<string, number>).O_NOATIME ?? 0;
const BASE_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0);

/**
 * O_NOATIME is only allowed for the file's owner or a process with CAP_FOWNER: the
 * first EPERM switches it off for the rest of the process (no retry per file).
 */
let noAtimeAllowed = O_NOATIME !== 0;

export type HeaderReadResult =
  | { ok: true; header: ParsedHeader }
  | { ok: false; code: string };

/**
 * First-read buffers are recycled: parseHeader copies out what it keeps, so a buffer is
 * free again as soon as it is parsed. Without this, 4 KiB of external memory per header
 * piles up faster than the GC returns it (peak RSS).
 */
const pool: Buffer[] = [];
const takeBuffer = () => pool.pop() ?? Buffer.allocUnsafe(HEADER_BYTES);
const giveBuffer = (b: Buffer) => { if (b.length === HEADER_BYTES && pool.length < 512) pool.push(b); };

/**
 * Reads the start of a `.header` file without moving its access time (O_NOATIME where
 * permitted) and without following a symlink swapped in after the walk (O_NOFOLLOW).
 * Callback API on purpose: it keeps many reads in flight with no promise overhead.
 */
export function readHeader(path: string, cb: (r: HeaderReadResult) => void): void {
  const flags = BASE_FLAGS | (noAtimeAllowed ? O_NOATIME : 0);
  open(path, flags, (err, fd) => {
    if (err) {
      if (err.code === 'EPERM' && noAtimeAllowed) {
        noAtimeAllowed = false;
        readHeader(path, cb);
        return;
      }
      cb({ ok: false, code: err.code ?? 'EIO' });
      return;
    }
    const buf = takeBuffer();
    readFrom(fd, buf, (r) => close(fd, () => { giveBuffer(buf); cb(r); }));
  });
}

function readFrom(fd: number, buf: Buffer, done: (r: HeaderReadResult) => void): void {
  read(fd, buf, 0, buf.length, 0, (err, n) => {
    if (err) return done({ ok: false, code: err.code ?? 'EIO' });
    const bytes = buf.subarray(0, n);
    const full = n < buf.length;
    const header = parseHeader(bytes, full);
    if (header.kind === 'bad' && header.needBytes !== undefined && !full) {
      // A key longer than the first read: read exactly what the struct says it needs.
      fstat(fd, (e, st) => {
        if (e) return done({ ok: false, code: e.code ?? 'EIO' });
        const want = Math.min(header.needBytes!, st.size);
        if (want <= buf.length) return done({ ok: true, header: parseHeader(bytes, true) });
        readFrom(fd, Buffer.allocUnsafe(want), done);
      });
      return;
    }
    done({ ok: true, header });
  });
}
