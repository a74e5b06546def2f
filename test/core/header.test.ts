import { describe, expect, test } from 'vitest';
import { parseHeader, parseHeaderBlocks } from '../../src/core/format/header.js';
import { encodeEntryHeader, encodeVaryIndex } from '../../src/core/sample/encode.js';

const fields = {
  key: 'http://127.0.0.1:18080/gentoo-distfiles/pkg1-299-18.4.tar.xz?', status: 200,
  date: 1795557730000000, expire: 1795644130000000, requestTime: 1795557730608821, responseTime: 1795557730610700,
  inode: 123456789n, device: 64769n, hasBody: true,
  responseHeaders: { 'Content-Length': '70367', 'Last-Modified': 'Tue, 01 Sep 2026 00:00:00 GMT' },
  requestHeaders: { Host: '127.0.0.1:18080' },
};

describe('format 6 entry header', () => {
  test('round-trips every struct field', () => {
    const buf = encodeEntryHeader(fields);
    const h = parseHeader(buf);
    expect(h).toMatchObject({
      kind: 'entry', status: 200, nameLen: fields.key.length, entityVersion: 0, date: fields.date, expire: fields.expire,
      requestTime: fields.requestTime, responseTime: fields.responseTime, inode: 123456789, device: 64769,
      hasBody: true, headerOnly: false, key: fields.key,
    });
    expect(parseHeaderBlocks(buf, fields.key.length)).toEqual({ response: fields.responseHeaders, request: fields.requestHeaders });
  });

  test('struct is 120 bytes: the key starts at offset 120', () => {
    const buf = encodeEntryHeader(fields);
    expect(buf.toString('latin1', 120, 120 + fields.key.length)).toBe(fields.key);
    expect(buf.readUInt32LE(72)).toBe(1); // has_body bit
  });

  test('header-only bit', () => {
    const h = parseHeader(encodeEntryHeader({ ...fields, hasBody: false, headerOnly: true, inode: 0n, device: 0n }));
    expect(h).toMatchObject({ kind: 'entry', hasBody: false, headerOnly: true });
  });

  test.each([
    ['empty file', Buffer.alloc(0), 'short'],
    ['3 bytes', Buffer.from([6, 0, 0]), 'short'],
    ['struct cut short', encodeEntryHeader(fields).subarray(0, 100), 'short'],
    ['key cut short', encodeEntryHeader(fields).subarray(0, 130), 'short'],
    ['unknown format 4 (httpd 2.2)', Buffer.from([4, 0, 0, 0, ...Buffer.alloc(200)]), 'format'],
    ['zero name_len', (() => { const b = encodeEntryHeader(fields); b.writeBigUInt64LE(0n, 8); return b; })(), 'key'],
    ['huge name_len', (() => { const b = encodeEntryHeader(fields); b.writeBigUInt64LE(2n ** 63n, 8); return b; })(), 'key'],
  ])('%s is classified, not thrown', (_name, buf, reason) => {
    expect(parseHeader(buf)).toMatchObject({ kind: 'bad', reason });
  });

  test('a prefix read asks for the bytes it needs', () => {
    const buf = encodeEntryHeader({ ...fields, key: `http://h/${'x'.repeat(5000)}?` });
    expect(parseHeader(buf.subarray(0, 4096), false)).toMatchObject({ kind: 'bad', reason: 'short', needBytes: 120 + 5010 });
  });

  test('negative and garbage times do not throw', () => {
    const b = encodeEntryHeader(fields);
    b.writeBigInt64LE(-(2n ** 63n), 24);
    b.writeBigInt64LE(2n ** 63n - 1n, 32);
    expect(parseHeader(b)).toMatchObject({ kind: 'entry', date: Number.MIN_SAFE_INTEGER, expire: Number.MAX_SAFE_INTEGER });
  });
});

describe('format 5 vary index', () => {
  test('is 12 bytes + sorted lowercased names (31 bytes for Accept-Encoding)', () => {
    const buf = encodeVaryIndex(1795644130000000, ['Accept-Encoding']);
    expect(buf.length).toBe(31);
    expect(parseHeader(buf)).toEqual({ kind: 'vary', expire: 1795644130000000, names: ['accept-encoding'] });
  });
  test('a truncated index is short', () => {
    expect(parseHeader(encodeVaryIndex(1, ['a']).subarray(0, 8))).toMatchObject({ kind: 'bad', reason: 'short' });
  });
});
