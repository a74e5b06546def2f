import type { Log } from '../log.js';
import type { Filesystem } from '../report.js';
import { formatSize, type SizeOrPercent } from '../units.js';
import { describeThreshold, thresholdBytes } from './runLine.js';

/**
 * Decides, after each statfs, whether free space calls for a prune now. It fires once
 * per dip: if a low-space run cannot free enough (the targets or --keep-newer-than
 * stop it), pruning again every 30 s would only rescan the cache, so it says so once
 * and waits until space recovers. A failed or skipped low-space run re-arms it.
 */
export class LowSpaceLatch {
  private armed = true;
  private noted = false;

  /** True when the caller should start a low-space run now. */
  check(fs: Filesystem, watch: SizeOrPercent, busy: boolean, log: Log): boolean {
    const threshold = thresholdBytes(watch, fs);
    if (fs.available >= threshold) {
      this.armed = true;
      this.noted = false;
      return false;
    }
    if (busy) return false; // the run in progress may free it; look again next time
    const fields = { event: 'low-space', available: fs.available, threshold };
    const what = `free space ${formatSize(fs.available)} is below --watch-free ${describeThreshold(watch)}`;
    if (!this.armed) {
      if (!this.noted) log.warn(`${what} even after pruning; waiting for it to recover`, fields);
      this.noted = true;
      return false;
    }
    this.armed = false;
    log.info(`${what}: pruning now`, fields);
    return true;
  }

  /** The low-space run did not happen (lock held, error): try again at the next check. */
  rearm(): void {
    this.armed = true;
  }
}
