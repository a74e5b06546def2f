import { arch, platform } from 'node:os';
import type { NativeState } from '../../api/common.js';

/** "native reader, prebuilt" / "native reader, local build" / "portable reader (why)". */
export function readerSummary(s: NativeState): string {
  if (s.binding) return `native reader, ${s.source}`;
  return `portable reader: the native one is ${s.reason}`;
}

/** `cachectl --version`: one line, the reader in use included (what a bug report needs first). */
export function versionLine(version: string, s: NativeState): string {
  return `cachectl ${version} (${readerSummary(s)})\n`;
}

/** `cachectl version --verbose`: where everything was loaded from. */
export function versionDetails(version: string, packageDir: string, s: NativeState, versions: NodeJS.ProcessVersions): string {
  const reader = s.binding ? `native, ${s.source}: ${s.path}` : `portable (the native reader is ${s.reason})`;
  return [
    `cachectl ${version}`,
    `package: ${packageDir}`,
    `node:    v${versions.node} ${platform()}-${arch()} (Node-API ${versions.napi})`,
    `reader:  ${reader}`,
    '',
  ].join('\n');
}
