import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { StringColumn } from '../../src/core/table/strings.js';
import { valuesOf } from '../helpers/columns.js';

// Keys: latin1 (httpd keys are bytes), with '/' prefixes interned; names: utf8, plain.
const keyLike = fc.oneof(
  fc.constantFrom('', '/', 'a', 'http://h:80/', 'http://h:80/distfiles/a.tar.xz?', 'http://h:80/distfiles/ab/b.tar.xz?x=1/2'),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/[^\x00-\xff]/g, 'y')),
);

describe.each([
  { encoding: 'latin1' as const, share: true },
  { encoding: 'latin1' as const, share: false },
  { encoding: 'utf8' as const, share: false },
])('StringColumn ($encoding, shared prefixes: $share)', ({ encoding, share }) => {
  test('push/set/get, byte lengths, copies and compaction give back exactly what went in', () => {
    fc.assert(fc.property(fc.array(keyLike, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 10 }), (values, replaced) => {
      const c = new StringColumn(encoding, 4, 4, share);
      values.forEach((v) => c.push(v));
      const want = [...values];
      for (const r of replaced) if (want.length) { const i = r % want.length; want[i] = `${want[i]}/x`; c.set(i, want[i]); }
      expect(valuesOf(c)).toEqual(want);
      for (let i = 0; i < want.length; i++) {
        const bytes = Buffer.from(want[i], encoding);
        expect(c.lengthOf(i)).toBe(bytes.length);
        const out = Buffer.alloc(bytes.length + 2);
        expect(c.copyTo(i, out, 1)).toBe(bytes.length);
        expect(out.subarray(1, 1 + bytes.length).equals(bytes)).toBe(true);
      }
      // The index file's round trip: the parts as they are, then used in place and grown.
      const p = c.parts();
      const copy = StringColumn.fromParts(encoding, share, { ...p, bytes: Buffer.from(p.bytes), start: p.start.slice(), len: p.len.slice(), pre: p.pre?.slice(), prefixes: [...p.prefixes] });
      expect(valuesOf(copy)).toEqual(want);
      copy.push('http://h:80/more/z');
      copy.set(0, 'http://h:80/distfiles/new');
      expect(valuesOf(copy)).toEqual(want.length ? ['http://h:80/distfiles/new', ...want.slice(1), 'http://h:80/more/z'] : ['http://h:80/distfiles/new']);
      const even = Int32Array.from(want.map((_, i) => i).filter((i) => i % 2 === 0));
      c.permute(even);
      c.compact();
      expect(valuesOf(c)).toEqual(want.filter((_, i) => i % 2 === 0));
    }));
  });
});

test('utf8 names of any script round-trip, ASCII or not, through the bytewise write and its fallback', () => {
  fc.assert(fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }), { maxLength: 30 }), (names) => {
    const c = new StringColumn('utf8', 2, 2);
    names.forEach((n) => c.push(n));
    expect(valuesOf(c)).toEqual(names);
    names.forEach((n, i) => expect(c.lengthOf(i)).toBe(Buffer.byteLength(n)));
  }));
});
