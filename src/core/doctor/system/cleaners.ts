import type { SysRoot } from './sysRoot.js';
import type { Cleaner } from './cleaner.js';
import { cronCleaners } from './cron.js';
import { systemdCleaners } from './systemd.js';
import { openrcCleaners, sysvCleaners } from './openrc.js';

export type { Cleaner } from './cleaner.js';

/** Every scheduled cleaner on the machine (systemd, OpenRC, sysvinit, cron), and notes on what could not be seen. */
export async function findCleaners(sys: SysRoot): Promise<{ cleaners: Cleaner[]; notes: string[] }> {
  const parts = [await systemdCleaners(sys), await openrcCleaners(sys), await sysvCleaners(sys), await cronCleaners(sys)];
  return { cleaners: parts.flatMap((p) => p.cleaners), notes: parts.flatMap((p) => p.notes) };
}
