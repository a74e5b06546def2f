import { expect, test } from 'vitest';
import { runCachectl } from '../helpers/cli.js';
import { readFileSync } from 'node:fs';
import { needNative } from '../helpers/tools.js';

const native = needNative();
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

test('--version and `version` say which reader is in use (in a checkout: the local build)', async () => {
  const want = native.binding ? `cachectl ${version} (native reader, ${native.source})\n` : `cachectl ${version} (portable reader: the native one is ${native.reason})\n`;
  for (const args of [['--version'], ['-V'], ['version']]) {
    const r = await runCachectl(args);
    expect([args, r.code, r.stderr, r.stdout]).toEqual([args, 0, '', want]);
  }
});

test('version --verbose: the package, Node.js and the binary loaded', async () => {
  const r = await runCachectl(['version', '--verbose']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^cachectl \S+\npackage: \/\S+\nnode: +v\d+\.\d+\.\d+ linux-\w+ \(Node-API \d+\)\nreader: +/);
  if (native.binding) expect(r.stdout).toContain(`reader:  native, ${native.source}: ${native.path}\n`);
});

test('CACHECTL_NATIVE=0: the portable reader, and why', async () => {
  const r = await runCachectl(['--version'], { env: { CACHECTL_NATIVE: '0' } });
  expect(r.stdout).toMatch(/^cachectl \S+ \(portable reader: the native one is turned off\)\n$/);
});
