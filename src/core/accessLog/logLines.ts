import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * The lines of a plain or gzip log (told apart by content, not name, unless `gzip` says),
 * in batches: one array per chunk read, because an await per line (readline) costs more
 * than parsing the line. A last line without its newline is yielded too. A damaged gzip
 * file throws after the lines before the damage have been yielded. A plain log can be
 * read from byte `start` to byte `end` (inclusive), as the index's incremental reading does.
 */
export async function* logLines(path: string, o: { gzip?: boolean; start?: number; end?: number } = {}): AsyncGenerator<string[]> {
  const gzip = o.gzip ?? await startsWithGzipMagic(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20, ...(gzip ? {} : { start: o.start, end: o.end }) });
  const stream: Readable = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  // The gunzip stream does not see the file stream's errors through pipe().
  if (gzip) raw.on('error', (e) => stream.destroy(e));
  stream.setEncoding('utf8');
  let carry = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = carry + chunk;
      const lines = text.split('\n');
      carry = lines.pop()!;
      yield lines;
    }
  } finally {
    stream.destroy();
    raw.destroy();
  }
  if (carry !== '') yield [carry];
}
