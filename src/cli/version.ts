import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../api/common.js';

let version: string | undefined;

/** package.json's version, read once. */
export function packageVersion(): string {
  return (version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version);
}
