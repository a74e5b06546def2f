import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { nativeState, packageRoot } from '../../api/common.js';
import { packageVersion } from '../version.js';
import { versionDetails, versionLine } from '../output/versionText.js';

/** `cachectl version [--verbose]`: the version, and which directory reader is in use. */
export function registerVersion(program: Command, ctx: CliContext): void {
  program
    .command('version')
    .description('print the version and which directory reader is in use (native prebuilt, native local build, or portable)')
    .option('--verbose', 'also where the package, Node.js and the native binary are')
    .action((o: { verbose?: boolean }) => {
      ctx.out(o.verbose ? versionDetails(packageVersion(), packageRoot(), nativeState(), process.versions) : versionLine(packageVersion(), nativeState()));
    });
}
