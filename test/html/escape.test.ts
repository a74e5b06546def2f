import { expect, test } from 'vitest';
import { displayEscaped, displayText, elide, escapeHtml } from '../../src/core/html/escape.js';

test('escapeHtml leaves no character that could open a tag, an entity or leave an attribute', () => {
  expect(escapeHtml(`<script>"x" & 'y'</script>`)).toBe('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
  expect(escapeHtml('plain /path?q=1')).toBe('plain /path?q=1');
});

test('displayText decodes httpd\'s raw key bytes as UTF-8, invalid bytes as U+FFFD', () => {
  const raw = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  expect(displayText(raw('/distfiles/café-日本.tar'), true)).toBe('/distfiles/café-日本.tar');
  expect(displayText('/bad-\xff\xfe-utf8', true)).toBe('/bad-\ufffd\ufffd-utf8');
  // A files-mode name is already text: not decoded again.
  expect(displayText('café', false)).toBe('café');
});

test('displayText shows controls, separators and bidi overrides as escapes, never as themselves', () => {
  const raw = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  expect(displayText('a\x1b[31mred\x00\x7f', false)).toBe('a\\x1b[31mred\\x00\\x7f');
  expect(displayText(raw('line\u2028sep\u2029end'), true)).toBe('line\\u{2028}sep\\u{2029}end');
  expect(displayText(raw('evil\u202egpj.exe\u2066'), true)).toBe('evil\\u{202e}gpj.exe\\u{2066}');
  expect(displayText('back\\slash')).toBe('back\\\\slash');
  expect(displayText(raw('c1\u0085'), true)).toBe('c1\\x85');
});

test('elide keeps both ends of a long key and never splits a character', () => {
  const long = `http://host/${'a'.repeat(300)}/end-日本.tar.xz`;
  const e = elide(long, 60);
  expect(Array.from(e)).toHaveLength(60);
  expect(e.startsWith('http://host/aaa')).toBe(true);
  expect(e.endsWith('end-日本.tar.xz')).toBe(true);
  expect(e).toContain('…');
  expect(elide('short', 60)).toBe('short');
  expect(elide('😀'.repeat(100), 10)).toMatch(/^(😀)+…(😀)+$/u);
});

test('displayEscaped keeps the scanner\'s own \\xNN escapes as they are, and still escapes controls', () => {
  expect(displayEscaped('/c/bad-\\xff-name')).toBe('/c/bad-\\xff-name');
  expect(displayEscaped('/c/a\x1b\u202eb')).toBe('/c/a\\x1b\\u{202e}b');
});
